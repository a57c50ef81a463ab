import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../core/db/database.ts";
import { migrate } from "../../core/db/migrate.ts";
import { migrations } from "../../core/db/migrations/index.ts";
import { SecretBox } from "../../core/crypto/secret-box.ts";
import { resolveMasterSecret } from "../../core/crypto/secret-key.ts";

describe("database and migrations", () => {
  test("pragmas: WAL, foreign keys, busy timeout", () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), "charla-db-")), "x.db"));
    expect(db.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()!.journal_mode).toBe("wal");
    expect(db.query<{ foreign_keys: number }, []>("PRAGMA foreign_keys").get()!.foreign_keys).toBe(1);
    expect(db.query<{ timeout: number }, []>("PRAGMA busy_timeout").get()!.timeout).toBe(5000);
    db.close();
  });

  test("migrations apply once and re-run safely on an existing file", () => {
    const file = join(mkdtempSync(join(tmpdir(), "charla-db-")), "charla.db");
    let db = openDatabase(file);
    expect(migrate(db)).toEqual(migrations.map((m) => m.version));
    db.query("INSERT INTO companies (name, slug, country, time_zone, currency, created_at) VALUES ('A', 'a', 'CO', 'America/Bogota', 'COP', 1)").run();
    db.close();
    db = openDatabase(file);
    expect(migrate(db)).toEqual([]);
    expect(migrate(db)).toEqual([]);
    expect(db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM companies").get()!.n).toBe(1);
    expect(db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM schema_migrations").get()!.n).toBe(migrations.length);
    db.close();
  });

  test("a failing migration leaves nothing behind and the next start retries it", () => {
    const db = openDatabase(":memory:");
    migrate(db);
    const broken = [...migrations, { version: 999, name: "broken", sql: "CREATE TABLE half_done (x INTEGER); INSERT INTO nope VALUES (1);" }];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.query("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeNull();
    expect(db.query("SELECT 1 FROM schema_migrations WHERE version = 999").get()).toBeNull();
    const fixed = [...migrations, { version: 999, name: "fixed", sql: "CREATE TABLE half_done (x INTEGER);" }];
    expect(migrate(db, fixed)).toEqual([999]);
  });

  test("tenancy foreign keys hold: a user cannot point at a missing company", () => {
    const db = openDatabase(":memory:");
    migrate(db);
    expect(() =>
      db.query("INSERT INTO users (company_id, username, name, password_hash, role, created_at, updated_at) VALUES (77, 'x', 'x', 'h', 'agent', 1, 1)").run(),
    ).toThrow();
    // and an operator never belongs to a company, everyone else always does
    expect(() =>
      db.query("INSERT INTO users (company_id, username, name, password_hash, role, created_at, updated_at) VALUES (NULL, 'y', 'y', 'h', 'agent', 1, 1)").run(),
    ).toThrow();
  });
});

describe("secrets at rest", () => {
  test("the master key is generated once into DATA_DIR/secret.key, private to the owner", () => {
    const dir = mkdtempSync(join(tmpdir(), "charla-key-"));
    const first = resolveMasterSecret("", dir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(resolveMasterSecret("", dir)).toBe(first);
    expect(readFileSync(join(dir, "secret.key"), "utf8").trim()).toBe(first);
    expect(statSync(join(dir, "secret.key")).mode & 0o777).toBe(0o600);
    expect(resolveMasterSecret("x".repeat(40), dir)).toBe("x".repeat(40));
  });

  test("sealed values round-trip, hide the plaintext, and refuse tampering, another key or another purpose", () => {
    const box = new SecretBox("k".repeat(32));
    const sealed = box.seal("EAAG-access-token", "channel:1:accessToken");
    expect(sealed).toStartWith("v1.");
    expect(sealed).not.toContain("EAAG");
    expect(box.seal("EAAG-access-token", "channel:1:accessToken")).not.toBe(sealed); // fresh IV each time
    expect(box.open(sealed, "channel:1:accessToken")).toBe("EAAG-access-token");
    const [v, iv, body, tag] = sealed.split(".");
    const c = body!.at(-2)!;
    const flipped = `${v}.${iv}.${body!.slice(0, -2)}${c === "A" ? "B" : "A"}${body!.slice(-1)}.${tag}`;
    expect(() => box.open(flipped, "channel:1:accessToken")).toThrow();
    expect(() => new SecretBox("z".repeat(32)).open(sealed, "channel:1:accessToken")).toThrow();
    expect(() => box.open(sealed, "channel:2:accessToken")).toThrow();
    expect(SecretBox.mask("EAAG-access-token")).toBe("••••oken");
  });
});
