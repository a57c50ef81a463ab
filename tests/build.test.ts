import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomPort, remoteClient, waitHealthy } from "./helpers/spawned-server.ts";

const ROOT = join(import.meta.dir, "..");
const OUT = join(mkdtempSync(join(tmpdir(), "charla-bin-")), "charla");

/** `bun run build` makes one executable that carries views, assets and migrations. */
describe("single-binary build", () => {
  beforeAll(() => {
    // An external plugin next to the binary, as an operator would drop one in.
    cpSync(join(ROOT, "tests/fixtures/plugins/good-echo"), join(OUT, "../plugins/good-echo"), { recursive: true });
    const r = Bun.spawnSync(["bun", "build", "core/main.ts", "--compile", "--no-compile-autoload-bunfig", "--minify", "--outfile", OUT], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  }, 120_000);
  afterAll(() => rmSync(join(OUT, ".."), { recursive: true, force: true }));

  test("the binary runs the CLI", () => {
    expect(statSync(OUT).mode & 0o111).not.toBe(0);
    const r = Bun.spawnSync([OUT, "--help"], { stdout: "pipe" });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toContain("Usage: charla <command>");
  });

  test("the binary serves the panel, its assets and plugins next to it, from an unrelated directory", async () => {
    const data = mkdtempSync(join(tmpdir(), "charla-bin-data-"));
    const port = randomPort();
    // cwd is a bare temp dir: nothing from the checkout is reachable, so views,
    // assets and migrations must come from inside the binary.
    const proc = Bun.spawn([OUT, "serve"], {
      cwd: data,
      env: { PATH: process.env.PATH ?? "", DATA_DIR: data, PORT: String(port), HOST: "127.0.0.1", ADMIN_PASSWORD: "binary-pass-1", LOG_LEVEL: "error" },
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      expect(await waitHealthy(base)).toBe(true);
      const htmx = await fetch(`${base}/assets/htmx.js`);
      expect(htmx.status).toBe(200);
      expect(await htmx.text()).toContain("htmx");
      expect((await fetch(`${base}/assets/app.css`)).status).toBe(200);
      const c = remoteClient(base);
      await c.login("admin", "binary-pass-1");
      expect(await c.html("/admin/companies")).toContain("Mi Empresa");
      // The plugin in the "plugins" folder next to the binary was loaded.
      expect(await c.html("/admin/channels")).toContain("Echo (test plugin)");
      expect(existsSync(join(data, "charla.db"))).toBe(true);
    } finally {
      proc.kill();
      await proc.exited;
      rmSync(data, { recursive: true, force: true });
    }
  });
});
