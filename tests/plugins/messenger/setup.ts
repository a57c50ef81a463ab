/**
 * Shared harness for the Messenger plugin tests: the page, its token and customers, the Meta Graph
 * fake, and a setup() that serves the plugin's webhook over real HTTP. No tests here.
 *
 * Every test file calls `useMetaGraphFake()` once at its top level: bun shares imported modules
 * between test files, so hooks written at this module's top level would only reach the first file.
 */
import { afterEach, expect } from "bun:test";
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
import { manageMetaGraphFake } from "../../helpers/meta-graph-fake.ts";
import { buildPluginContext, type LogLine } from "../../helpers/plugin-context.ts";
import { serveWebhook, type WebhookServer } from "../../helpers/plugin-webhook-server.ts";

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

const servers: WebhookServer[] = [];

/**
 * Starts the fake for the calling test file and stops it after; before each test resets it to the
 * page and its two customers; after each test stops the webhook servers setup() started.
 */
export function useMetaGraphFake(): void {
  manageMetaGraphFake(meta, {
    started: (url) => void (graphUrl = url),
    accounts: () => {
      meta.addPage({ pageId: PAGE, pageAccessToken: PAGE_TOKEN, name: "Panadería Lola" });
      meta.addProfile(PSID, { firstName: "Sheena", lastName: "Nelson", pageId: PAGE });
      meta.addProfile(PSID2, { firstName: "Íñigo", lastName: "Muñoz", pageId: PAGE });
    },
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });
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
  const { ctx, clock, logs, health, store } = buildPluginContext({ start: START, platform });
  const full = { pageId: PAGE, pageAccessToken: PAGE_TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY, ...config } as MessengerConfig;
  const instance = await messenger.create(ctx, full);
  const hook = serveWebhook(instance);
  servers.push(hook);
  const { url: webhookUrl, results } = hook;

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
