import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { ChannelRuntime } from "../../core/channels/channel-runtime.ts";
import { T } from "../../core/tokens.ts";
import { api } from "../helpers/client.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import "../fixtures/channel-plugins/fragile/index.ts";

const switches = (globalThis as unknown as { fragilePlugin: { failCreate: boolean; failWebhook: boolean } }).fragilePlugin;

/**
 * Defect: a plugin that threw in create() or handleWebhook() gave Meta a 500 HTML
 * page, the channel still said "Activo" and the log lacked the channel id. Now: JSON
 * 503 (the provider retries), "Requiere atención" with the reason, ids in the log,
 * and settings the plugin refuses are refused at save time.
 */
describe("plugin failures are visible and never a 500", () => {
  let app: TestApp;
  let token: string;
  let channel: number;
  const logged: string[] = [];
  const realWrite = process.stderr.write.bind(process.stderr);

  const hook = (body: unknown) =>
    app.app.handle(new Request(`http://localhost/webhooks/${channel}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
  const channelJson = async () => (await (await api(app.app, "GET", `/api/v1/channels/${channel}`, token)).json()) as { status: string; statusReason: string | null };

  beforeAll(async () => {
    app = await createTestApp();
    token = app.makeToken(app.companyId);
    const res = await api(app.app, "POST", "/api/v1/channels", token, { plugin: "fragile", name: "Frágil", config: {} });
    expect(res.status).toBe(201);
    channel = ((await res.json()) as { id: number }).id;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
  });
  afterEach(async () => {
    switches.failCreate = false;
    switches.failWebhook = false;
    await app.container.resolve<ChannelRuntime>(T.ChannelRuntime).invalidate(channel);
  });
  afterAll(async () => {
    process.stderr.write = realWrite;
    await app.close();
  });

  test("settings the plugin refuses are refused when saved, with its reason, and nothing is created", async () => {
    const before = app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM channels").get()!.n;
    const res = await api(app.app, "POST", "/api/v1/channels", token, { plugin: "fragile", name: "Mala", config: { refuse: true } });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("plugin_refused");
    expect(body.error.message).toContain("the access token is not valid for this account");
    expect(app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM channels").get()!.n).toBe(before);

    // The panel shows the same reason in the form, in Spanish, keeping what was typed.
    const op = await app.operator();
    const page = await op.post("/admin/channels?plugin=fragile", { name: "Mala", "config.refuse": ["false", "true"] });
    expect(page.status).toBe(422);
    const html = await page.text();
    expect(html).toContain("El complemento del canal rechazó esta configuración: the access token is not valid for this account");
    expect(html).toContain('value="Mala"');
    // And an edit the plugin refuses leaves the saved settings as they were.
    const edit = await api(app.app, "PATCH", `/api/v1/channels/${channel}`, token, { config: { refuse: true } });
    expect(edit.status).toBe(422);
    expect(app.db.query<{ c: string }, [number]>("SELECT config_json AS c FROM channels WHERE id = ?").get(channel)!.c).toBe('{"refuse":false}');
  });

  test("create() failing on a webhook: JSON 503 for the provider, the channel needs attention, the log names channel and plugin", async () => {
    switches.failCreate = true;
    logged.length = 0;
    const res = await hook({ id: "x1", from: "573", text: "hola" });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("channel_unavailable");
    const c = await channelJson();
    expect(c.status).toBe("needs_attention");
    expect(c.statusReason).toContain("could not load the provider's certificate");
    const line = logged.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === "channel plugin failed")!;
    expect(line).toMatchObject({ channel, plugin: "fragile", stage: "create" });
    // The admin sees it on the channel page.
    const op = await app.operator();
    expect(await op.html(`/admin/channels/${channel}`)).toContain("could not load the provider&#x27;s certificate");
    // Nothing was stored; once the plugin starts again the same delivery is taken and the channel is fine.
    expect(app.db.query("SELECT 1 FROM messages WHERE external_id = 'x1'").get()).toBeNull();
    switches.failCreate = false;
    expect((await hook({ id: "x1", from: "573", text: "hola" })).status).toBe(200);
    expect((await channelJson()).status).toBe("active");
  });

  test("handleWebhook() throwing: JSON 503, channel marked with the reason; recovery clears it", async () => {
    switches.failWebhook = true;
    const res = await hook({ id: "x2", from: "573", text: "hola" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("30");
    const c = await channelJson();
    expect(c.status).toBe("needs_attention");
    expect(c.statusReason).toContain("reading 'entry'");
    switches.failWebhook = false;
    expect((await hook({ id: "x2", from: "573", text: "hola" })).status).toBe(200);
    expect(await channelJson()).toMatchObject({ status: "active", statusReason: null });
  });

  test("\"Probar conexión\" on a plugin that cannot start shows one readable line, not an error page", async () => {
    switches.failCreate = true;
    const op = await app.operator();
    const res = await op.post(`/admin/channels/${channel}/test`);
    expect(res.status).toBe(303);
    const page = await op.html(`/admin/channels/${channel}`);
    expect(page).toContain("La conexión falló: el motivo está en el aviso del canal.");
    // The reason itself once, in the channel's notice.
    expect(page.split("could not load the provider&#x27;s certificate").length - 1).toBe(1);
  });
});
