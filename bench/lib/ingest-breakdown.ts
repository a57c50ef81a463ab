/**
 * Where one webhook's time goes, measured in process (app.handle, no sockets) on a
 * fresh test app: transaction body vs BEGIN/COMMIT (WAL writes + checkpoints) vs
 * the rest (routing, plugin parse, response), the costliest statements, and the
 * WAL pages each webhook writes next to a bare one-row INSERT. Diagnosis for
 * bench/ingest.ts; the wrappers it installs live only on this private app.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "../../core/db/database.ts";
import type { UnitOfWork } from "../../core/db/unit-of-work.ts";
import { T } from "../../core/tokens.ts";
import { createTestApp } from "../../tests/helpers/test-app.ts";
import { waMessageId } from "./http.ts";
import { makeTempDir } from "./server-process.ts";
import { oneLine, profileQueries } from "./sql-profile.ts";

const WAL_FRAME = 4096 + 24;

/** WAL pages per call of `write`, autocheckpoint off meanwhile so the -wal file only grows. */
async function walPagesPer(db: ReturnType<typeof openDatabase>, walPath: string, n: number, write: (i: number) => unknown): Promise<number> {
  db.exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA wal_autocheckpoint = 0");
  try {
    for (let i = 0; i < n; i++) await write(i);
    return (statSync(walPath).size - 32) / WAL_FRAME / n;
  } finally {
    db.exec("PRAGMA wal_autocheckpoint = 1000");
  }
}

export async function ingestBreakdown(n: number, customers: number): Promise<string[]> {
  const app = await createTestApp({ env: { DATA_DIR: makeTempDir() } });
  try {
    const channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/unused", app.makeQueue(app.companyId, "bench"));
    const send = async (tag: string, i: number) => {
      const from = `57310${i % customers}`;
      const res = await app.webhook(channel, { messages: [{ id: waMessageId(from), from, text: `mensaje ${tag} ${i} sobre el pedido` }] });
      if (res.status !== 200) throw new Error(`in-process webhook answered ${res.status}`);
      await res.arrayBuffer();
    };
    for (let i = 0; i < customers * 2; i++) await send("warm", i);

    let body = 0;
    let apply = 0;
    const db = app.db as unknown as { transaction: (fn: (...a: unknown[]) => unknown) => unknown };
    const originalTx = db.transaction.bind(app.db);
    db.transaction = (fn) =>
      originalTx((...a) => {
        const t = performance.now();
        try {
          return fn(...a);
        } finally {
          body += performance.now() - t;
        }
      });
    // The whole transaction, BEGIN to COMMIT: what the unit of work runs.
    const uow = app.container.resolve<UnitOfWork>(T.UnitOfWork);
    const originalRun = uow.run.bind(uow);
    uow.run = (work) => {
      const t = performance.now();
      try {
        return originalRun(work);
      } finally {
        apply += performance.now() - t;
      }
    };
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await send("timed", i);
    const total = performance.now() - t0;
    Reflect.deleteProperty(db, "transaction");
    Reflect.deleteProperty(uow, "run");
    // Statement ranking in a separate pass: the profiler's own overhead stays out of the split above.
    const profile = profileQueries(app.db);
    for (let i = 0; i < n; i++) await send("profiled", i);
    profile.stop();

    const pipelinePages = await walPagesPer(app.db, `${app.config.databasePath}-wal`, 1000, (i) => send("wal", i));
    const bareDir = makeTempDir();
    const bare = openDatabase(join(bareDir, "bare.db"));
    bare.exec("CREATE TABLE msgs (id INTEGER PRIMARY KEY, external_id TEXT NOT NULL, sender TEXT NOT NULL, text TEXT, created_at INTEGER NOT NULL)");
    const insert = bare.query("INSERT INTO msgs (external_id, sender, text, created_at) VALUES (?, ?, ?, ?)");
    const barePages = await walPagesPer(bare, join(bareDir, "bare.db-wal"), 1000, (i) => insert.run(`b-${i}`, "573", `mensaje ${i} sobre el pedido`, Date.now()));
    bare.close();

    const us = (x: number) => `${((x / n) * 1000).toFixed(0)} us`;
    const top = [...profile.stats.values()].sort((a, b) => b.totalMs - a.totalMs).slice(0, 3);
    return [
      `where a webhook's time goes (in process via app.handle, ${n} webhooks into ${customers} open conversations):`,
      `  per webhook ${us(total)} = transaction body ${us(body)} + BEGIN/COMMIT incl. WAL checkpoints ${us(apply - body)} + routing, plugin, events, response ${us(total - apply)}`,
      ...top.map((s) => `  statement ${us(s.totalMs).padStart(6)}/webhook (profiled)  ${oneLine(s.sql, 120)}`),
      `  WAL pages written per webhook: pipeline ${pipelinePages.toFixed(1)}, bare INSERT ${barePages.toFixed(1)} (checkpoint every 1000 pages)`,
    ];
  } finally {
    await app.close();
  }
}
