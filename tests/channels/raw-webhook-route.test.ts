import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ChannelInstance, WebhookRequest } from "../../core/channels/contract.ts";
import type { ChannelRuntime } from "../../core/channels/channel-runtime.ts";
import type { Metrics } from "../../core/observability/metrics.ts";
import { T } from "../../core/tokens.ts";
import { RELAY_TOKEN } from "../helpers/test-app.ts";
import { startLiveServer } from "../helpers/live-server.ts";

type Live = Awaited<ReturnType<typeof startLiveServer>>;

/**
 * A listening server answers /webhooks/:channelId from a Bun route beside Elysia
 * (WebhookRoutes.rawRoutes). Its answers must be the Elysia route's answers, byte
 * for byte where it matters: status, JSON body, security headers, limits.
 */
describe("raw webhook route", () => {
  let live: Live;
  let channel: number;

  beforeAll(async () => {
    live = await startLiveServer({}, {});
    channel = live.makeRelayChannel(live.companyId, "http://127.0.0.1:9/x");
  });
  afterAll(() => live.stop());

  test("Bun.serve gets the raw route: Elysia hands `serve.routes` to it last, over its own route for the path", () => {
    const routes = (live.app.config as { serve?: { routes?: Record<string, Record<string, unknown>> } }).serve?.routes ?? {};
    expect(Object.keys(routes)).toEqual(["/webhooks/:channelId"]);
    expect(Object.keys(routes["/webhooks/:channelId"]!).sort()).toEqual(["GET", "POST"]);
  });

  const post = (_channel: number | string, body: string, headers: Record<string, string> = {}) => ({
    method: "POST",
    headers: { "content-type": "application/json", "x-relay-token": RELAY_TOKEN, "x-request-id": "provider-req-1", ...headers },
    body,
  });
  const SECURITY = ["x-content-type-options", "referrer-policy", "x-frame-options", "content-security-policy", "content-type", "retry-after", "x-request-id"];
  const seen = async (res: Response) => ({ status: res.status, body: await res.text(), headers: Object.fromEntries(SECURITY.map((h) => [h, res.headers.get(h)])) });
  /** The same request over the socket (raw route) and through app.handle() (Elysia route). */
  const both = async (path: string, init: RequestInit) => {
    const raw = await seen(await fetch(`${live.url}${path}`, init));
    const viaElysia = await seen(await live.app.handle(new Request(`http://localhost${path}`, init)));
    return { raw, viaElysia };
  };

  test("stored, duplicate, rejected, unknown, too deep, too large: the same answers both ways", async () => {
    const cases: [string, RequestInit][] = [
      [`/webhooks/${channel}`, post(channel, JSON.stringify({ messages: [{ id: "raw-1", from: "573001", text: "hola" }] }))],
      [`/webhooks/${channel}`, post(channel, JSON.stringify({ messages: [{ id: "raw-1", from: "573001", text: "hola" }] }))],
      [`/webhooks/${channel}`, post(channel, "{}", { "x-relay-token": "wrong" })],
      [`/webhooks/999999`, post(999999, "{}")],
      [`/webhooks/abc`, post("abc", "{}")],
      [`/webhooks/${channel}`, post(channel, `${"[".repeat(100)}${"]".repeat(100)}`)],
      [`/webhooks/${channel}`, { method: "GET", headers: { "x-request-id": "provider-req-1" } }],
      [`/webhooks/${channel}`, post(channel, `{"pad":"${"x".repeat(4 * 1024 * 1024)}"}`)],
    ];
    const statuses: number[] = [];
    for (const [path, init] of cases) {
      const { raw, viaElysia } = await both(path, init);
      // The Elysia route may see the duplicate first: compare what does not depend on order.
      expect(raw.status).toBe(viaElysia.status);
      expect(raw.headers).toEqual(viaElysia.headers);
      if (raw.status !== 200) expect(raw.body).toBe(viaElysia.body);
      statuses.push(raw.status);
    }
    expect(statuses).toEqual([200, 200, 401, 404, 404, 422, 200, 413]);
    expect(live.db.query("SELECT COUNT(*) AS n FROM messages WHERE external_id = 'raw-1'").get()).toEqual({ n: 1 });
  });

  test("observed as Elysia's requests are: the request id echoed, the route counted, the webhook timed, nothing left in flight", async () => {
    const metrics = live.container.resolve<Metrics>(T.Metrics);
    const count = (route: string) => metrics.snapshot().http.filter((s) => s.labels.route === route && s.labels.status === "200").reduce((a, s) => a + s.value, 0);
    const webhooks = () => metrics.snapshot().webhooks.reduce((a, s) => a + s.value, 0);
    const [routeBefore, webhooksBefore] = [count("/webhooks/:channelId"), webhooks()];
    const res = await fetch(`${live.url}/webhooks/${channel}`, post(channel, JSON.stringify({ messages: [{ id: "raw-observed", from: "573002", text: "hola" }] })));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("provider-req-1");
    expect(count("/webhooks/:channelId")).toBe(routeBefore + 1);
    expect(webhooks()).toBe(webhooksBefore + 1);
    expect(metrics.inFlight).toBe(0);
  });

  test("a plugin that throws gets the provider a JSON 503 with Retry-After, with the same headers", async () => {
    const runtime = live.container.resolve<ChannelRuntime>(T.ChannelRuntime);
    const id = live.makeRelayChannel(live.companyId, "http://127.0.0.1:9/y");
    const instance = await runtime.instance(live.container.resolve<import("../../core/channels/channel-repository.ts").ChannelRepository>(T.ChannelRepository).byId(id)!);
    (instance as { handleWebhook: ChannelInstance["handleWebhook"] }).handleWebhook = async () => {
      throw new Error("boom");
    };
    const { raw, viaElysia } = await both(`/webhooks/${id}`, post(id, "{}"));
    expect(raw).toEqual(viaElysia);
    expect(raw.status).toBe(503);
    expect(JSON.parse(raw.body)).toEqual({ error: { code: "channel_unavailable", message: "the channel's plugin failed; retry later" } });
  });

  test("the URL and the caller's address are made only when the plugin reads them", async () => {
    const runtime = live.container.resolve<ChannelRuntime>(T.ChannelRuntime);
    const id = live.makeRelayChannel(live.companyId, "http://127.0.0.1:9/z");
    const instance = await runtime.instance(live.container.resolve<import("../../core/channels/channel-repository.ts").ChannelRepository>(T.ChannelRepository).byId(id)!);
    let lazy: PropertyDescriptor[] = [];
    let read: unknown[] = [];
    (instance as { handleWebhook: ChannelInstance["handleWebhook"] }).handleWebhook = async (req: WebhookRequest) => {
      const own = Object.getOwnPropertyDescriptors(req);
      lazy = [own.url!, own.clientAddress!];
      read = [req.url.searchParams.get("hub.mode"), req.url === req.url, req.clientAddress];
      return { type: "ignored", reason: "test" };
    };
    await (await fetch(`${live.url}/webhooks/${id}?hub.mode=subscribe`, post(id, "{}"))).arrayBuffer();
    expect(lazy.map((d) => typeof d.get)).toEqual(["function", "function"]);
    expect(read).toEqual(["subscribe", true, "127.0.0.1"]);
  });
});
