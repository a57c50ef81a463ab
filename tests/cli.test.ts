import { setDefaultTimeout, afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../core/config.ts";
import { migrations } from "../core/db/migrations/index.ts";
import { startRuntime } from "../core/runtime.ts";
import { api, Client } from "./helpers/client.ts";
import { randomPort, remoteClient, waitHealthy } from "./helpers/spawned-server.ts";

// Each test spawns several `charla` processes one after another: on a loaded CI machine that takes more than 5 s.
setDefaultTimeout(30_000);

const ROOT = join(import.meta.dir, "..");
const dir = mkdtempSync(join(tmpdir(), "charla-cli-"));
const env = { ...process.env, DATA_DIR: dir, LOG_LEVEL: "error", ADMIN_PASSWORD: "" };

function charla(...args: string[]) {
  const r = Bun.spawnSync(["bun", "core/main.ts", ...args], { cwd: ROOT, env, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, out: r.stdout.toString().trim(), err: r.stderr.toString().trim() };
}

describe("charla CLI", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("--help and <cmd> --help print usage; an unknown command exits 2", () => {
    const help = charla("--help");
    expect(help.code).toBe(0);
    for (const cmd of ["serve [--demo]", "migrate", "company create", "admin create", "admin reset-password", "token create", "backup", "restore"]) expect(help.out).toContain(cmd);
    expect(charla("token", "--help").out).toContain("Usage: charla <command>");
    const bad = charla("frobnicate");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown command "frobnicate"');
  });

  test("migrate applies and then reports up to date", () => {
    expect(charla("migrate").out).toBe(`applied migrations: ${migrations.map((m) => m.version).join(", ")}`);
    expect(charla("migrate").out).toBe("database is up to date");
  });

  test("company, admin and token commands create what they say, with readable errors", async () => {
    const company = charla("company", "create", "--name", "Acme Ltda", "--slug", "acme", "--country", "MX");
    expect(company.code).toBe(0);
    expect(company.out).toMatch(/^\d+$/);
    const dup = charla("company", "create", "--name", "Otra", "--slug", "acme");
    expect(dup.code).toBe(1);
    expect(dup.err).toContain("slug: A company with that identifier already exists.");
    expect(charla("company", "create", "--name", "Sin slug").err).toContain("--slug is required");

    expect(charla("admin", "create", "--username", "jefe", "--password", "clave-segura-1", "--company", "acme", "--role", "admin").code).toBe(0);
    expect(charla("admin", "create", "--username", "root2", "--password", "clave-segura-2").code).toBe(0);
    expect(charla("admin", "create", "--username", "x", "--password", "y", "--company", "nope").err).toContain("We could not find");
    const reset = charla("admin", "reset-password", "--username", "jefe");
    expect(reset.code).toBe(0);
    const token = charla("token", "create", "--company", "acme", "--name", "ci");
    expect(token.out).toMatch(/^chk_/);

    const rt = await startRuntime(loadConfig({ DATA_DIR: dir, LOG_LEVEL: "error" }), { plugins: false });
    try {
      const c = new Client(rt.app);
      await c.login("jefe", reset.out);
      expect(await c.html("/admin/users")).toContain("Acme Ltda");
      const res = await api(rt.app, "GET", "/api/v1/users", token.out);
      expect(((await res.json()) as { data: { username: string }[] }).data.map((u) => u.username)).toEqual(["jefe"]);
      const op = new Client(rt.app);
      await op.login("root2", "clave-segura-2");
      expect(await op.html("/admin/companies")).toContain("acme");
      const mx = rt.db.query<{ time_zone: string; currency: string }, []>("SELECT time_zone, currency FROM companies WHERE slug = 'acme'").get()!;
      expect(mx).toEqual({ time_zone: "America/Mexico_City", currency: "MXN" });
    } finally {
      rt.close();
    }
  });

  test("backup writes a consistent copy; restore brings it back", () => {
    const file = join(dir, "copy.db");
    const b = charla("backup", "--out", file);
    expect(b.code).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(charla("company", "create", "--name", "Después", "--slug", "despues").code).toBe(0);
    const r = charla("restore", file);
    expect(r.code).toBe(0);
    expect(charla("company", "create", "--name", "Después", "--slug", "despues").code).toBe(0); // gone after restore, so creatable again
    expect(charla("restore", join(dir, "missing.db")).code).toBe(1);
  });

  test("serve --demo on an empty data dir: prints URL and first password, seeds the manual's examples", async () => {
    const fresh = mkdtempSync(join(tmpdir(), "charla-serve-"));
    const port = randomPort();
    const proc = Bun.spawn(["bun", "core/main.ts", "serve", "--demo"], {
      cwd: ROOT,
      env: { ...env, DATA_DIR: fresh, PORT: String(port), HOST: "127.0.0.1" },
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      expect(await waitHealthy(`http://127.0.0.1:${port}`)).toBe(true);
      const c = remoteClient(`http://127.0.0.1:${port}`);
      await c.login("fulanito", "demo1234");
      // Agents land on the inbox; their queues are listed in "Mi cuenta".
      expect((await c.get("/")).headers.get("location")).toBe("/inbox");
      expect(await c.html("/account")).toContain("Sus colas: contabilidad, ventas");
      proc.kill("SIGTERM");
      await proc.exited;
      const out = await new Response(proc.stdout).text();
      expect(out).toContain(`Charla is running at http://localhost:${port}`);
      expect(out).toMatch(/sign in as "admin" with password: \S{12,}/);
      expect(existsSync(join(fresh, "charla.db"))).toBe(true);
      expect(existsSync(join(fresh, "secret.key"))).toBe(true);
    } finally {
      proc.kill();
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
