import { describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "../..");

/** Source files of the application (tests and benches may inspect the database directly). */
function sources(patterns: string[]): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const pattern of patterns) {
    for (const path of new Glob(pattern).scanSync({ cwd: ROOT })) out.push({ path, text: require("node:fs").readFileSync(join(ROOT, path), "utf8") });
  }
  return out;
}

/** Where storage may be touched: the db module itself and repositories. */
const STORAGE = (path: string) => path.startsWith("core/db/") || /-repository\.ts$/.test(path);

/** Statement text, as SQL keywords in capitals (prose in comments is lower case). */
const SQL = /\b(SELECT\b[^;`"]{0,300}?\bFROM\b|INSERT\s+(OR\s+[A-Z]+\s+)?INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|CREATE\s+(UNIQUE\s+)?(TABLE|INDEX|TRIGGER|VIRTUAL)\b|PRAGMA\s+\w|VACUUM\b|BEGIN\s+(IMMEDIATE|EXCLUSIVE)\b)/;

describe("storage boundary", () => {
  const app = sources(["core/**/*.{ts,tsx}", "plugins/**/*.{ts,tsx,js}", "views/**/*.{ts,tsx}"]);

  test("the sources are found", () => {
    expect(app.length).toBeGreaterThan(50);
    expect(app.some((f) => f.path === "core/conversations/ingest-service.ts")).toBe(true);
  });

  test("bun:sqlite, the connection token and SQL text appear only in core/db and *-repository.ts files", () => {
    const offenders: string[] = [];
    for (const f of app) {
      if (STORAGE(f.path)) continue;
      if (f.text.includes("bun:sqlite")) offenders.push(`${f.path}: imports bun:sqlite`);
      if (/\bDATABASE\b/.test(f.text) || /\bT\.Database\b/.test(f.text)) offenders.push(`${f.path}: uses the database connection token`);
      const sql = SQL.exec(f.text);
      if (sql) offenders.push(`${f.path}: SQL text "${sql[0].slice(0, 60)}"`);
    }
    expect(offenders).toEqual([]);
  });

  test("services group writes through the UnitOfWork port, never db.transaction", () => {
    const offenders = app.filter((f) => !STORAGE(f.path) && /\.transaction\(/.test(f.text)).map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  test("the check itself catches what it should", () => {
    expect(SQL.test('db.query("SELECT id FROM contacts WHERE id = ?")')).toBe(true);
    expect(SQL.test("`UPDATE users SET presence = ?`")).toBe(true);
    expect(SQL.test("// the select from the list is cheap")).toBe(false);
  });
});

describe("plugin boundary", () => {
  const plugins = sources(["plugins/**/*.{ts,tsx,js}"]);

  test("a plugin imports only types from the core (everything else arrives in its context)", () => {
    const offenders: string[] = [];
    for (const f of plugins) {
      for (const m of f.text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']/gms)) {
        const [, , typeOnly, from] = m;
        if (!from!.includes("/core/") && !from!.startsWith("../core")) continue;
        if (!typeOnly) offenders.push(`${f.path}: ${m[0].replace(/\s+/g, " ").trim()}`);
      }
      if (/\bimport\(\s*["'][^"']*\/core\//.test(f.text)) offenders.push(`${f.path}: dynamic import of core`);
    }
    expect(offenders).toEqual([]);
  });
});
