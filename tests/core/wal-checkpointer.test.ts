import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../core/db/database.ts";
import { WalCheckpointer } from "../../core/db/wal-checkpointer.ts";
import { Logger } from "../../core/logger.ts";

/**
 * The WAL is checkpointed by a worker thread while the server writes (never by a
 * request's commit), and the worker goes away when writes stop. Nothing timed:
 * what is checked is who copied the WAL into the database file, and the settings.
 * (tests/build.test.ts checks the compiled binary starts its worker too.)
 */
describe("WAL checkpointer", () => {
  const dir = mkdtempSync(join(tmpdir(), "charla-wal-"));
  const path = join(dir, "charla.db");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("starts on sustained writes, copies the WAL into the file itself, and stops when they end", async () => {
    const db = openDatabase(path);
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const checkpointer = new WalCheckpointer(db, path, new Logger("error"), { tickMs: 50, wakeTicks: 3, sleepTicks: 4 });
    checkpointer.start();
    const autocheckpoint = () => db.query<{ wal_autocheckpoint: number }, []>("PRAGMA wal_autocheckpoint").get()!.wal_autocheckpoint;
    const fileSize = () => statSync(path).size;
    try {
      // A few writes at start-up are no load: no worker yet.
      db.query("INSERT INTO t (v) VALUES (?)").run("x");
      await Bun.sleep(200);
      expect(checkpointer.active).toBe(false);
      const before = fileSize();
      // Writes in every tick (about 400 pages in all, far below any autocheckpoint): the worker starts.
      for (let i = 0; i < 40 && !checkpointer.active; i++) {
        db.transaction(() => {
          for (let j = 0; j < 10; j++) db.query("INSERT INTO t (v) VALUES (?)").run("x".repeat(3000));
        })();
        await Bun.sleep(20);
      }
      expect(checkpointer.active).toBe(true);
      expect(autocheckpoint()).toBe(4000);
      // Pages reached the database file while this connection never checkpointed: the worker did.
      for (let i = 0; i < 50 && fileSize() === before; i++) await Bun.sleep(20);
      expect(fileSize()).toBeGreaterThan(before);
      // Quiet: it goes, and SQLite's default applies again.
      for (let i = 0; i < 50 && checkpointer.active; i++) await Bun.sleep(20);
      await Bun.sleep(100);
      expect(checkpointer.active).toBe(false);
      expect(autocheckpoint()).toBe(1000);
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  test("an in-memory database has no WAL to checkpoint: nothing starts", async () => {
    const db = openDatabase(":memory:");
    const checkpointer = new WalCheckpointer(db, ":memory:", new Logger("error"), { tickMs: 10, wakeTicks: 1, sleepTicks: 1 });
    checkpointer.start();
    await Bun.sleep(50);
    expect(checkpointer.active).toBe(false);
    await checkpointer.stop();
    db.close();
  });
});
