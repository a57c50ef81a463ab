import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { PluginRegistry } from "../../core/channels/registry.ts";
import { loadPlugins } from "../../core/channels/loader.ts";
import type { PluginContext } from "../../core/channels/contract.ts";
import { Logger } from "../../core/logger.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

const FIXTURES = join(import.meta.dir, "../fixtures/plugins");

describe("channel plugin platform", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { PLUGINS_DIR: FIXTURES } });
  });
  afterAll(() => app.close());

  test("a good external plugin loads; one that throws and one of an unknown API version are skipped", async () => {
    const registry = new PluginRegistry();
    await loadPlugins(registry, [], FIXTURES, new Logger("error"));
    expect(registry.list().map((p) => p.manifest.id)).toEqual(["echo-test"]);
    const failed = registry.failed().map((f) => `${f.origin.split("/").slice(-2, -1)[0]}: ${f.error}`);
    expect(failed).toContain("broken-throws: boom while loading");
    expect(failed.find((f) => f.startsWith("bad-version"))).toContain("apiVersion 99 is not supported");
  });

  test("the loaded plugin works through the contract alone", async () => {
    const registry = new PluginRegistry();
    await loadPlugins(registry, [], FIXTURES, new Logger("error"));
    const plugin = registry.get("echo-test")!;
    const store = new Map<string, string>();
    const ctx: PluginContext = {
      channelId: 1,
      webhookUrl: "http://localhost:3000/webhooks/1",
      publicUrl: "http://localhost:3000/chat/1",
      secure: false,
      platform: { metaGraphUrl: "https://graph.facebook.com", metaGraphVersion: "v24.0" },
      reportHealth: async () => {},
      transcript: async () => [],
      agentsOnline: async () => true,
      fetch,
      logger: new Logger("error"),
      now: () => 42,
      kv: {
        get: async (k) => store.get(k) ?? null,
        set: async (k, v) => void store.set(k, v),
        delete: async (k) => void store.delete(k),
      },
    };
    const instance = await plugin.create(ctx, { greeting: "hola " });
    const result = await instance.handleWebhook({ method: "POST", url: new URL(ctx.webhookUrl), headers: new Headers(), body: new TextEncoder().encode("mundo"), clientAddress: "127.0.0.1" });
    expect(result).toEqual({ type: "events", messages: [{ externalId: "echo-42", from: "visitor", timestamp: 42, content: { kind: "text", text: "hola mundo" } }], statuses: [] });
    expect(await instance.send({ idempotencyKey: "k1", lastInboundAt: null, to: "x", content: { kind: "text", text: "hi" } })).toEqual({ ok: true, externalId: "sent-x" });
  });

  test("the app starts despite the broken plugins and the Canales page lists what loaded", async () => {
    expect((await app.app.handle(new Request("http://localhost/healthz"))).status).toBe(200);
    const op = await app.operator();
    const html = await op.html("/admin/channels");
    expect(html).toContain("Tipos de canal disponibles");
    expect(html).toContain("Echo (test plugin)");
    expect(html).toContain("echo-test");
    expect(html).toContain("1.2.3");
    expect(html).toContain("Responde lo mismo que recibe.");
    expect(html).toContain("Externo");
    // The operator sees what failed and where plugins come from...
    expect(html).toContain("boom while loading");
    expect(html).toContain(FIXTURES);
    // ...a company admin sees the list but not server paths or stack traces.
    await app.makeUser(app.companyId, "admin-plugins", "admin", [], "en");
    const admin = app.client();
    await admin.login("admin-plugins", "password-123");
    const en = await admin.html("/admin/channels");
    expect(en).toContain("Available channel types");
    expect(en).toContain("Echo (test plugin)");
    expect(en).toContain("Answers with what it receives.");
    expect(en).not.toContain("boom while loading");
    expect(en).not.toContain(FIXTURES);
  });

  test("two plugins with the same id: the second is refused with a clear reason", async () => {
    const registry = new PluginRegistry();
    await loadPlugins(registry, [], FIXTURES, new Logger("error"));
    const again = registry.get("echo-test")!;
    expect(() => registry.add(again, "external", "/elsewhere")).toThrow('a plugin with id "echo-test" is already loaded');
  });
});
