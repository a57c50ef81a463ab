import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "../helpers/live-server.ts";
import { RelayProvider } from "../helpers/relay.ts";
import { randomPort, waitHealthy } from "../helpers/spawned-server.ts";
import { RELAY_PLUGINS_DIR, RELAY_TOKEN } from "../helpers/test-app.ts";

const ROOT = join(import.meta.dir, "../..");


describe("sends pending when the process is killed", () => {
  const dir = mkdtempSync(join(tmpdir(), "charla-kill-"));
  const port = randomPort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, DATA_DIR: dir, PORT: String(port), HOST: "127.0.0.1", ADMIN_PASSWORD: "kill-test-pass", LOG_LEVEL: "error", PLUGINS_DIR: RELAY_PLUGINS_DIR };
  const procs: Subprocess[] = [];
  const provider = new RelayProvider();
  const serve = () => {
    const p = Bun.spawn(["bun", "core/main.ts", "serve"], { cwd: ROOT, env, stdout: "ignore", stderr: "ignore" });
    procs.push(p);
    return p;
  };
  afterAll(() => {
    for (const p of procs) p.kill("SIGKILL");
    provider.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("after a kill -9 and a restart, each pending message is sent exactly once", async () => {
    // Nobody listens there yet: the provider is "down" until we start it on that port.
    const providerPort = freePort();
    const first = serve();
    expect(await waitHealthy(base)).toBe(true);
    const token = Bun.spawnSync(["bun", "core/main.ts", "token", "create", "--company", "mi-empresa", "--name", "kill"], { cwd: ROOT, env, stdout: "pipe" })
      .stdout.toString()
      .trim();
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });

    const channel = (await (
      await call("POST", "/api/v1/channels", { plugin: "http-relay", name: "relay", config: { endpoint: `http://127.0.0.1:${providerPort}/send`, token: RELAY_TOKEN } })
    ).json()) as { id: number };
    const hook = await fetch(`${base}/webhooks/${channel.id}`, {
      method: "POST",
      headers: { "x-relay-token": RELAY_TOKEN },
      body: JSON.stringify({ messages: [{ id: "k1", from: "5215550001", text: "hola" }] }),
    });
    expect(hook.status).toBe(200);
    const conversation = ((await (await call("GET", "/api/v1/conversations")).json()) as { data: { id: number }[] }).data[0]!.id;
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call("POST", `/api/v1/conversations/${conversation}/messages`, { text: `mensaje ${i}` });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: number }).id);
    }
    // The provider is unreachable: every first attempt fails and is rescheduled. Then the process dies hard.
    await Bun.sleep(300);
    first.kill("SIGKILL");
    await first.exited;

    provider.start(providerPort);
    serve();
    expect(await waitHealthy(base)).toBe(true);
    for (let i = 0; i < 300 && new Set(provider.calls.map((c) => c.key)).size < ids.length; i++) await Bun.sleep(20);
    await Bun.sleep(300); // room for any duplicate to show up

    const perKey = new Map<string, number>();
    for (const c of provider.calls) perKey.set(c.key, (perKey.get(c.key) ?? 0) + 1);
    expect(Object.fromEntries(perKey)).toEqual(Object.fromEntries(ids.map((id) => [`charla-${id}`, 1])));
    const statuses = ((await (await call("GET", `/api/v1/conversations/${conversation}/messages`)).json()) as { data: { id: number; status: string }[] }).data
      .filter((m) => ids.includes(m.id))
      .map((m) => m.status);
    expect(statuses).toEqual(["sent", "sent", "sent", "sent", "sent"]);
  }, 30_000);
});
