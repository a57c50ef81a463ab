/**
 * Per-statement timing for an in-process app: wraps `db.query()` (which every
 * repository uses) so each statement's all/get/run/values calls are timed, keyed
 * by SQL text. For diagnosis only (it adds overhead): turn on, replay a few
 * requests, read the slowest statements, turn off.
 */
import type { Database } from "bun:sqlite";

export interface StatementStat {
  sql: string;
  calls: number;
  totalMs: number;
  maxMs: number;
  /** Arguments of the slowest call, for EXPLAIN QUERY PLAN with the same bindings. */
  slowestArgs: unknown[];
}

const TIMED = new Set(["all", "get", "run", "values"]);
type QueryFn = (sql: string) => object;

export function profileQueries(db: Database): { stats: Map<string, StatementStat>; stop(): void } {
  const stats = new Map<string, StatementStat>();
  const holder = db as unknown as { query: QueryFn };
  const original = holder.query.bind(db);
  holder.query = (sql: string) =>
    new Proxy(original(sql), {
      get(target, prop) {
        const v: unknown = Reflect.get(target, prop, target);
        if (typeof v !== "function") return v;
        if (typeof prop !== "string" || !TIMED.has(prop)) return v.bind(target);
        return (...args: unknown[]) => {
          const t0 = performance.now();
          const result: unknown = v.apply(target, args);
          const dt = performance.now() - t0;
          let s = stats.get(sql);
          if (!s) stats.set(sql, (s = { sql, calls: 0, totalMs: 0, maxMs: 0, slowestArgs: [] }));
          s.calls++;
          s.totalMs += dt;
          if (dt >= s.maxMs) {
            s.maxMs = dt;
            s.slowestArgs = args;
          }
          return result;
        };
      },
    });
  return { stats, stop: () => void Reflect.deleteProperty(holder, "query") };
}

/** `EXPLAIN QUERY PLAN` of a SELECT with the same bindings, one indented line per step. */
export function explain(db: Database, sql: string, args: unknown[]): string[] {
  type Row = { id: number; parent: number; detail: string };
  const rows = db.prepare<Row, never[]>(`EXPLAIN QUERY PLAN ${sql}`).all(...(args as never[]));
  const depth = new Map<number, number>([[0, 0]]);
  return rows.map((r) => {
    const d = (depth.get(r.parent) ?? 0) + 1;
    depth.set(r.id, d);
    return `${"  ".repeat(d)}${r.detail}`;
  });
}

/** One line: the SQL squeezed onto a line and cut to `width` characters. */
export function oneLine(sql: string, width = 160): string {
  // A long column list says little; what is read and how is after FROM.
  const s = sql.replace(/\s+/g, " ").trim().replace(/^SELECT (.*?) FROM /i, (m, cols: string) => (cols.length > 40 ? "SELECT ... FROM " : m));
  return s.length > width ? `${s.slice(0, width - 3)}...` : s;
}
