import { describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bareParams, literals, offenders, resolve } from "./sql-scan.ts";

/**
 * SQLite 3.54 (bundled with Bun 1.4.5) compiles a statement again on every run
 * when a bound parameter is compared with `=`, `IS` or `LIKE`, or is the LIMIT or
 * OFFSET, in a statement that joins, sorts, groups or nests a SELECT: 3-15 us per
 * run, on every webhook. Written as `+?` the parameter is an expression, the plan
 * no longer depends on its value, and the index is used all the same
 * (tests/core/stable-plans.test.ts checks the plans). This test reads every
 * repository and finds the statements that would be compiled again.
 */

const ROOT = join(import.meta.dir, "../..");

function repositories(): { path: string; text: string }[] {
  return [...new Glob("core/**/*-repository.ts").scanSync({ cwd: ROOT })].sort().map((path) => ({ path, text: readFileSync(join(ROOT, path), "utf8") }));
}

describe("statements keep their compiled plan", () => {
  test("every repository statement that joins, sorts, groups or nests writes its compared parameters as +?", () => {
    const repos = repositories();
    expect(repos.length).toBeGreaterThan(25);
    expect(repos.flatMap((r) => offenders(r.path, r.text))).toEqual([]);
  });

  test("the check itself catches what it should", () => {
    const found = (sql: string) => bareParams(sql).length > 0;
    // Compiled again on every run:
    expect(found("SELECT c.id FROM conversations c WHERE c.contact_id = ? AND c.channel_id = ? ORDER BY c.id DESC LIMIT 1")).toBe(true);
    expect(found("SELECT c.id FROM contact_identities i JOIN contacts c ON c.id = i.contact_id WHERE i.channel_id = ?1")).toBe(true);
    expect(found("SELECT id FROM messages WHERE conversation_id = +? ORDER BY id DESC LIMIT ?")).toBe(true);
    expect(found("SELECT id FROM contacts WHERE company_id = $company ORDER BY id")).toBe(true);
    expect(found("SELECT id FROM contacts WHERE name LIKE ? ESCAPE '\\'")).toBe(true);
    expect(found("SELECT id FROM t WHERE ? = t.x ORDER BY id")).toBe(true);
    expect(found("SELECT id FROM t WHERE x IS ? GROUP BY y")).toBe(true);
    expect(found("(c.assignee_id = $viewer OR c.queue_id = 3)")).toBe(true);
    expect(found("SELECT a FROM t WHERE ${?} AND b = ?")).toBe(true);
    // Kept:
    expect(found("SELECT c.id FROM conversations c WHERE c.contact_id = +? AND c.channel_id = +?1 ORDER BY c.id DESC LIMIT +?")).toBe(false);
    expect(found("SELECT id FROM messages WHERE channel_id = ? AND external_id = ?")).toBe(false);
    expect(found("SELECT id FROM t WHERE a >= ? AND b <> ? AND c != ? ORDER BY id")).toBe(false);
    expect(found("UPDATE t SET a = ?, b = ? WHERE id = ?")).toBe(false);
    expect(found("UPDATE t SET a = ? WHERE id IN (SELECT x FROM u WHERE y = +?)")).toBe(false);
    expect(found("INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT (a) DO UPDATE SET b = excluded.b")).toBe(false);
    expect(found("SELECT id FROM t WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id")).toBe(false);
  });

  test("literals are read as the compiler reads them", () => {
    const src = [
      "// a comment with \"SELECT x FROM t WHERE a = ?\"",
      'const WHERE_A = "a = ?";',
      "const re = /[`'\"]/g;",
      "db.query(`SELECT ${COLS} FROM t WHERE ${WHERE_A} ORDER BY ${f(\"x\")}`);",
    ].join("\n");
    const lits = literals(src);
    expect(lits.map((l) => l.text)).toEqual(["a = ?", 'SELECT ${COLS} FROM t WHERE ${WHERE_A} ORDER BY ${f("x")}']);
    expect(lits[0]!.constName).toBe("WHERE_A");
    expect(resolve(lits[1]!.text, new Map([["WHERE_A", "a = +?"]]))).toBe("SELECT ${?} FROM t WHERE a = +? ORDER BY ${?}");
  });
});
