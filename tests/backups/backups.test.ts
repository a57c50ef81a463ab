import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BackupService } from "../../core/backups/backup-service.ts";
import { listBackups, pruneBackups } from "../../core/backups/backup-files.ts";
import { backupBeforeMigrations, backupDatabase, backupFileName, checkRestorable, restoreDatabase } from "../../core/db/backup.ts";
import { openDatabase } from "../../core/db/database.ts";
import { migrate } from "../../core/db/migrate.ts";
import { migrations } from "../../core/db/migrations/index.ts";
import { T } from "../../core/tokens.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

const NEWEST = Math.max(...migrations.map((m) => m.version));
const scratch = mkdtempSync(join(tmpdir(), "charla-backups-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("backups in the panel", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { BACKUP_KEEP: "3", BACKUP_SCHEDULE: "off" } });
  });
  afterAll(() => app.close());

  test("only the operator sees the page and downloads; a company admin gets 403", async () => {
    await app.makeUser(app.companyId, "jefa", "admin");
    const admin = app.client();
    await admin.login("jefa", "password-123");
    expect((await admin.get("/admin/backups")).status).toBe(403);
    expect((await admin.post("/admin/backups")).status).toBe(403);
    expect((await admin.get("/admin/backups/live")).status).toBe(403);
    const anonymous = await app.client().get("/admin/backups");
    expect([302, 303, 401]).toContain(anonymous.status);
  });

  test("Hacer copia ahora takes a consistent copy in the background; the page shows it and it downloads", async () => {
    const op = await app.operator();
    const empty = await op.html("/admin/backups");
    expect(empty).toContain("Copias de seguridad");
    expect(empty).toContain('id="no-backups"');
    const res = await op.post("/admin/backups");
    expect(res.status).toBe(303);
    const service = app.container.resolve<BackupService>(T.BackupService);
    // A second press while it runs joins the same backup instead of starting another.
    await service.run("manual");
    const listed = service.status().backups;
    expect(listed.length).toBe(1);
    const page = await op.html("/admin/backups");
    expect(page).toContain(listed[0]!.name);
    expect(page).toContain('id="last-backup-size"');
    expect(page).toContain("Manual");
    expect(page).not.toContain('hx-trigger="every 2s"');
    const download = await op.get(`/admin/backups/${listed[0]!.name}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toContain(`attachment; filename="${listed[0]!.name}"`);
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(bytes.byteLength).toBe(listed[0]!.size);
    const file = join(scratch, "downloaded.db");
    writeFileSync(file, bytes);
    expect(checkRestorable(file).version).toBe(NEWEST);
  });

  test("a name that is not a listed backup is a 404, never a path on disk", async () => {
    const op = await app.operator();
    writeFileSync(join(app.config.backupDir, "notes.txt"), "not a backup");
    for (const name of ["notes.txt", "..%2Fcharla.db", "%2e%2e%2fsecret.key", "charla-20260101-000000-000-auto.db", "charla.db", "x".repeat(300)]) {
      expect((await op.get(`/admin/backups/${name}`)).status).toBe(404);
    }
  });

  test("while a backup runs the block polls itself; when it is done the answer stops the polling", async () => {
    const op = await app.operator();
    const service = app.container.resolve<BackupService>(T.BackupService);
    const running = service.run("manual");
    const during = await op.html("/admin/backups/live");
    expect(during).toContain('hx-trigger="every 2s"');
    expect(during).toContain('id="backup-running"');
    expect(during).not.toContain("<html");
    await running;
    const after = await op.html("/admin/backups/live");
    expect(after).not.toContain("every 2s");
  });

  test("retention keeps the newest BACKUP_KEEP and leaves other files alone", async () => {
    const service = app.container.resolve<BackupService>(T.BackupService);
    for (let i = 0; i < 4; i++) await service.run("manual");
    const names = service.status().backups.map((b) => b.name);
    expect(names.length).toBe(3);
    expect([...names].sort().reverse()).toEqual(names);
    expect(existsSync(join(app.config.backupDir, "notes.txt"))).toBe(true);
  });

  test("a failed backup is shown with its reason until one succeeds", async () => {
    // BACKUP_DIR is a plain file: no backup can be written there.
    const blocker = join(scratch, "not-a-folder");
    writeFileSync(blocker, "x");
    const broken = await createTestApp({ env: { BACKUP_DIR: blocker, BACKUP_SCHEDULE: "off" } });
    try {
      const service = broken.container.resolve<BackupService>(T.BackupService);
      await expect(service.run("manual")).rejects.toThrow();
      expect(service.status().failure?.message).toBeTruthy();
      const op = await broken.operator();
      expect(await op.html("/admin/backups")).toContain('id="backup-failed"');
      // The button answers as usual: the failure is shown on the page, not as a 500.
      expect((await op.post("/admin/backups")).status).toBe(303);
    } finally {
      await broken.close();
    }
  });
});

describe("backup files", () => {
  test("names sort by time and carry their kind; pruning counts only Charla's names", () => {
    const dir = join(scratch, "names");
    mkdirSync(dir, { recursive: true });
    const t0 = Date.UTC(2026, 11, 2, 3, 0, 0, 5);
    const names = [backupFileName(t0, "auto"), backupFileName(t0 + 86_400_000, "upgrade"), backupFileName(t0 + 2 * 86_400_000, "pre-restore")];
    expect(names[0]).toBe("charla-20261202-030000-005-auto.db");
    for (const n of names) writeFileSync(join(dir, n), "x");
    writeFileSync(join(dir, "charla-mine.db"), "x");
    const listed = listBackups(dir);
    expect(listed.map((b) => b.kind)).toEqual(["pre-restore", "upgrade", "auto"]);
    expect(listed[2]!.takenAt).toBe(t0);
    expect(pruneBackups(dir, 1)).toEqual([names[1]!, names[0]!]);
    expect(readdirSync(dir).sort()).toEqual(["charla-20261204-030000-005-pre-restore.db", "charla-mine.db"]);
  });
});

describe("restore checks before replacing anything", () => {
  const live = join(scratch, "live", "charla.db");
  const safety = join(scratch, "live", "backups");
  beforeAll(() => {
    mkdirSync(join(scratch, "live"), { recursive: true });
    const db = openDatabase(live);
    migrate(db);
    db.exec("INSERT INTO companies (name, slug, country, time_zone, currency, active, created_at) VALUES ('Viva', 'viva', 'CO', 'America/Bogota', 'COP', 1, 0)");
    db.close();
  });
  const companies = (file: string) => {
    const db = new Database(file, { readonly: true });
    try {
      return db.query<{ slug: string }, []>("SELECT slug FROM companies ORDER BY slug").all().map((r) => r.slug);
    } finally {
      db.close();
    }
  };
  const refused = (file: string, message: RegExp) => {
    expect(() => restoreDatabase(live, file, safety)).toThrow(message);
    // Nothing was replaced and no safety copy was needed.
    expect(companies(live)).toEqual(["viva"]);
  };

  test("not SQLite, damaged, not Charla's, from a newer or another build: refused with a clear reason", () => {
    const junk = join(scratch, "junk.db");
    writeFileSync(junk, "definitely not sqlite ".repeat(500));
    refused(junk, /is not an SQLite database/);
    refused(join(scratch, "missing.db"), /does not exist/);

    const other = join(scratch, "other.db");
    const o = new Database(other, { create: true });
    o.exec("CREATE TABLE notes (x)");
    o.close();
    refused(other, /not a Charla database \(no schema_migrations table\)/);

    const newer = join(scratch, "newer.db");
    backupDatabase(live, newer);
    const n = new Database(newer);
    n.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 0)").run(NEWEST + 1);
    n.close();
    refused(newer, new RegExp(`comes from a newer Charla \\(schema ${NEWEST + 1}; this one knows up to ${NEWEST}\\): upgrade Charla first`));

    // A version this build never had below its newest (numbers left free by other branches).
    const gap = Array.from({ length: NEWEST }, (_, i) => i + 1).find((v) => !migrations.some((m) => m.version === v));
    if (gap !== undefined) {
      const fork = join(scratch, "fork.db");
      backupDatabase(live, fork);
      const f = new Database(fork);
      f.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'elsewhere', 0)").run(gap);
      f.close();
      refused(fork, new RegExp(`schema versions this Charla does not know \\(${gap}\\)`));
    }

    const damaged = join(scratch, "damaged.db");
    backupDatabase(live, damaged);
    const bytes = Bun.file(damaged).size;
    const fd = require("node:fs").openSync(damaged, "r+");
    // Scribble over the middle pages (not the header): integrity_check must notice.
    require("node:fs").writeSync(fd, Buffer.alloc(4096 * 3, 0x5a), 0, 4096 * 3, Math.floor(bytes / 2 / 4096) * 4096);
    require("node:fs").closeSync(fd);
    refused(damaged, /damaged|not an SQLite database/);
    expect(existsSync(safety) ? readdirSync(safety) : []).toEqual([]);
  });

  test("a good backup replaces the database after a safety copy of the one it replaces", () => {
    const old = join(scratch, "old.db");
    backupDatabase(live, old);
    const db = new Database(live);
    db.exec("INSERT INTO companies (name, slug, country, time_zone, currency, active, created_at) VALUES ('Nueva', 'nueva', 'CO', 'America/Bogota', 'COP', 1, 0)");
    db.close();
    const { safetyCopy, version } = restoreDatabase(live, old, safety);
    expect(version).toBe(NEWEST);
    expect(companies(live)).toEqual(["viva"]);
    expect(safetyCopy).toMatch(/-pre-restore\.db$/);
    expect(companies(safetyCopy!)).toEqual(["nueva", "viva"]);
  });

  test("an older Charla database is accepted and migrated forward on restore", () => {
    const older = join(scratch, "older.db");
    const db = openDatabase(older);
    migrate(db, migrations.filter((m) => m.version <= 10));
    db.close();
    expect(checkRestorable(older).version).toBe(10);
    restoreDatabase(live, older, safety);
    const after = new Database(live, { readonly: true });
    expect(after.query<{ v: number }, []>("SELECT MAX(version) AS v FROM schema_migrations").get()!.v).toBe(NEWEST);
    after.close();
  });
});

describe("upgrades", () => {
  test("pending migrations on an existing database: a backup of it as it was is taken first; none on a new or current one", () => {
    const dir = join(scratch, "upgrade");
    const file = join(dir, "charla.db");
    mkdirSync(dir, { recursive: true });
    const fresh = openDatabase(file);
    expect(backupBeforeMigrations(fresh, file, join(dir, "backups"))).toBeNull();
    migrate(fresh, migrations.filter((m) => m.version <= 12));
    const taken = backupBeforeMigrations(fresh, file, join(dir, "backups"));
    expect(taken).toMatch(/-upgrade\.db$/);
    expect(checkRestorable(taken!).version).toBe(12);
    migrate(fresh);
    expect(backupBeforeMigrations(fresh, file, join(dir, "backups"))).toBeNull();
    fresh.close();
  });

  test("starting Charla on an older data dir leaves an upgrade backup in BACKUP_DIR", async () => {
    const dir = join(scratch, "upgrade-start");
    mkdirSync(dir, { recursive: true });
    const db = openDatabase(join(dir, "charla.db"));
    migrate(db, migrations.filter((m) => m.version <= 14));
    db.close();
    copyFileSync(join(dir, "charla.db"), join(dir, "as-it-was.db"));
    const app = await createTestApp({ dir, keepDir: true });
    try {
      const backups = listBackups(app.config.backupDir);
      expect(backups.map((b) => b.kind)).toEqual(["upgrade"]);
      expect(checkRestorable(backups[0]!.path).version).toBe(14);
    } finally {
      await app.close();
    }
  });
});
