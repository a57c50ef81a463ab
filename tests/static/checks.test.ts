import { describe, expect, test } from "bun:test";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "../..");

function run(cmd: string[]) {
  const r = Bun.spawnSync(cmd, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, output: `${r.stdout.toString()}${r.stderr.toString()}` };
}

// Part of `bun test` on purpose: a type error or an unescaped user string fails the suite.
describe("static checks", () => {
  test("TypeScript type check (tsc --noEmit) passes", () => {
    const r = run([join(ROOT, "node_modules/.bin/tsc"), "--noEmit", "--pretty", "false"]);
    expect(r.output.trim()).toBe("");
    expect(r.code).toBe(0);
  }, 120_000);

  test("xss-scan finds no unescaped content in any view", () => {
    const r = run([join(ROOT, "node_modules/.bin/xss-scan")]);
    expect(r.output).toContain("No XSS vulnerabilities found");
    expect(r.code).toBe(0);
  }, 120_000);
});
