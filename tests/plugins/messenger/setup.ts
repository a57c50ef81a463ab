/**
 * Shared harness for the Messenger plugin tests: the page, its token and customers, the Meta Graph
 * fake, and a setup() that serves the plugin's webhook over real HTTP. No tests here.
 *
 * Every test file calls `useMetaGraphFake()` once at its top level: bun shares imported modules
 * between test files, so hooks written at this module's top level would only reach the first file.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "bun:test";
import type { Server } from "bun";
import type {
  ChannelHealth,
  ChannelInstance,
  InboundResult,
  NormalizedInbound,
  OutboundMessage,
  PluginContext,
  StatusUpdate,
} from "../../../core/channels/contract.ts";
import { MetaGraphFake, type MsCtx, type MsEnvelope } from "../../fakes/meta-graph.ts";
import messenger, { type MessengerConfig } from "../../../plugins/messenger/index.ts";

export const PAGE = "104729375212345";
export const OTHER_PAGE = "209876543210987";
export const PAGE_TOKEN = "EAAG-page-token-lola";
export const APP_SECRET = "9f1c2e7a4b6d8f0a1c3e5b7d9f2a4c6e";
export const OLD_SECRET = "0aa0aa0aa0aa0aa0aa0aa0aa0aa0aa0a";
export const VERIFY = "vt-4f8a2c9e1b7d";
export const PSID = "7012345678901234";
export const PSID2 = "7098765432109876";
export const START = Date.UTC(2026, 0, 15, 12);
export const HOUR = 3_600_000;
export const MEDIA_URL = "https://charla.example/media/42?exp=1768482000000&sig=abc123";

export const meta = new MetaGraphFake();
/** The fake's base URL while the calling file runs (a live binding: read it inside tests). */
export let graphUrl = "";

const servers: Server<unknown>[] = [];

/**
 * Starts the fake for the calling test file and stops it after; before each test resets it to the
 * page and its two customers; after each test stops the webhook servers setup() started.
 */
export function useMetaGraphFake(): void {
  beforeAll(async () => {
    graphUrl = await meta.start();
  });
  afterAll(() => meta.stop());
  beforeEach(() => {
    meta.clear();
    meta.pages.clear();
    meta.profiles.clear();
    meta.addPage({ pageId: PAGE, pageAccessToken: PAGE_TOKEN, name: "Panadería Lola" });
    meta.addProfile(PSID, { firstName: "Sheena", lastName: "Nelson", pageId: PAGE });
    meta.addProfile(PSID2, { firstName: "Íñigo", lastName: "Muñoz", pageId: PAGE });
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop(true)));
  });
}

export interface LogLine {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

export interface Setup {
  instance: ChannelInstance;
  ctx: PluginContext;
  clock: { t: number };
  logs: LogLine[];
  health: ChannelHealth[];
  store: Map<string, string>;
  /** Every InboundResult the plugin returned to the receiver, in order. */
  results: InboundResult[];
  webhookUrl: string;
  /** Posts a payload like Meta (escaped JSON, signed over those bytes); returns the HTTP status and the plugin's result. */
  deliver(payload: unknown, opts?: Parameters<MetaGraphFake["deliver"]>[2]): Promise<{ status: number; result: InboundResult | undefined }>;
  /** Delivers and expects events. */
  events(payload: unknown): Promise<{ messages: NormalizedInbound[]; statuses: StatusUpdate[] }>;
}

export async function setup(config: Partial<MessengerConfig> = {}, platform = { metaGraphUrl: graphUrl, metaGraphVersion: "v24.0" }): Promise<Setup> {
  const clock = { t: START };
  const logs: LogLine[] = [];
  const health: ChannelHealth[] = [];
  const store = new Map<string, string>();
  const results: InboundResult[] = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => void logs.push({ level, msg, fields });
  const ctx: PluginContext = {
    channelId: 3,
    platform,
    reportHealth: async (h) => void health.push(h),
    webhookUrl: "http://localhost:3000/webhooks/3",
    publicUrl: "http://localhost:3000/chat/3",
    secure: false,
    fetch: (input, init) => fetch(input, init),
    logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
    now: () => clock.t,
    kv: {
      get: async (k) => store.get(k) ?? null,
      set: async (k, v) => void store.set(k, v),
      delete: async (k) => void store.delete(k),
    },
    transcript: async () => [],
  };
  const full = { pageId: PAGE, pageAccessToken: PAGE_TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY, ...config } as MessengerConfig;
  const instance = await messenger.create(ctx, full);

  // The core's webhook route in miniature: raw bytes in, the plugin's verdict out.
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const result = await instance.handleWebhook({
        method: req.method as "GET" | "POST",
        url: new URL(req.url),
        headers: req.headers,
        body: new Uint8Array(await req.arrayBuffer()),
        clientAddress: "173.252.88.1",
      });
      results.push(result);
      if (result.type === "challenge") return result.response;
      if (result.type === "rejected") return new Response(result.reason, { status: result.status });
      return new Response("EVENT_RECEIVED");
    },
  });
  servers.push(server);
  const webhookUrl = `http://127.0.0.1:${server.port}/webhooks/3`;

  const deliver: Setup["deliver"] = async (payload, opts = {}) => {
    const before = results.length;
    const responses = await meta.deliver(webhookUrl, payload, { appSecret: APP_SECRET, retries: 0, ...opts });
    return { status: responses.at(-1)!.status, result: results[before] };
  };
  const events: Setup["events"] = async (payload) => {
    const { status, result } = await deliver(payload);
    expect(status).toBe(200);
    if (result?.type !== "events") throw new Error(`expected events, got ${JSON.stringify(result)}`);
    return { messages: result.messages, statuses: result.statuses };
  };
  return { instance, ctx, clock, logs, health, store, results, webhookUrl, deliver, events };
}

export const at = (t: number, extra: Partial<MsCtx> = {}): MsCtx => ({ pageId: PAGE, psid: PSID, time: t, ...extra });

export function out(content: OutboundMessage["content"], lastInboundAt: number | null, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return { idempotencyKey: `out-${Math.random()}`, to: PSID, lastInboundAt, content, ...extra };
}

/** An envelope with one raw messaging event (for shapes the builders do not cover). */
export function rawEvent(event: Record<string, unknown>, t = START, key: "messaging" | "standby" = "messaging"): MsEnvelope {
  return { object: "page", entry: [{ id: PAGE, time: t, [key]: [{ sender: { id: PSID }, recipient: { id: PAGE }, timestamp: t, ...event }] }] };
}

export const messengerRequests = (route: string) => meta.requests.filter((r) => r.route === route);
