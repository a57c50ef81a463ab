/**
 * Shared harness for the WhatsApp Cloud plugin tests: the ids and secrets of the test number,
 * the Meta Graph fake, a PluginContext builder and webhook/outbound helpers. No tests here.
 *
 * Every test file calls `useMetaGraphFake()` once at its top level: bun shares imported modules
 * between test files, so hooks written at this module's top level would only reach the first file.
 */
import { expect } from "bun:test";
import type { Server } from "bun";
import type {
  ChannelHealth,
  ChannelInstance,
  NormalizedInbound,
  OutboundMessage,
  PluginContext,
  StatusUpdate,
  WebhookRequest,
} from "../../../core/channels/contract.ts";
import whatsappCloud, { type WhatsAppCloudConfig } from "../../../plugins/whatsapp-cloud/index.ts";
import { hubSignature256, MetaGraphFake, metaJson, type WaCtx } from "../../fakes/meta-graph.ts";
import { manageMetaGraphFake } from "../../helpers/meta-graph-fake.ts";
import { buildPluginContext, type LogLine } from "../../helpers/plugin-context.ts";

export const PNID = "106540352242922";
export const OTHER_PNID = "106540352242999";
export const WABA = "102290129340398";
export const TOKEN = "EAAG-charla-wa-token";
export const APP_SECRET = "3f9a1c0b7e2d4f6a8b0c2e4d6f8a0b1c";
export const VERIFY = "vt-5c1e9a77d2";
export const CUSTOMER = "16505551234";
export const V = "v24.0";
export const NOW = Date.UTC(2026, 0, 15, 12);

export const meta = new MetaGraphFake();
/** The fake's base URL while the calling file runs (a live binding: read it inside tests). */
export let graphUrl = "";

/** Starts the fake for the calling test file, stops it after, and resets it before each test. */
export function useMetaGraphFake(): void {
  manageMetaGraphFake(meta, {
    started: (url) => void (graphUrl = url),
    accounts: () => meta.addWhatsAppNumber({ phoneNumberId: PNID, wabaId: WABA, accessToken: TOKEN, displayPhoneNumber: "+1 555-078-3881", verifiedName: "Tienda Demo" }),
  });
}

// ------------------------------------------------------------------ harness

export interface Setup {
  instance: ChannelInstance;
  ctx: PluginContext;
  health: ChannelHealth[];
  logs: LogLine[];
  kv: Map<string, string>;
}

export function config(overrides: Partial<WhatsAppCloudConfig> = {}): WhatsAppCloudConfig {
  return { phoneNumberId: PNID, wabaId: WABA, accessToken: TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY, ...overrides };
}

export async function setup(
  overrides: Partial<WhatsAppCloudConfig> = {},
  opts: { platformUrl?: string; kv?: Map<string, string>; fetch?: PluginContext["fetch"] } = {},
): Promise<Setup> {
  const { ctx, health, logs, store } = buildPluginContext({
    start: NOW,
    platform: { metaGraphUrl: opts.platformUrl ?? graphUrl, metaGraphVersion: V },
    fetch: opts.fetch,
    store: opts.kv,
  });
  const instance = await whatsappCloud.create(ctx, config(overrides));
  return { instance, ctx, health, logs, kv: store };
}

/** A webhook POST exactly as Meta sends it: escaped JSON, signed over those bytes. */
export function signedPost(payload: unknown, secret = APP_SECRET, headers: Record<string, string> = {}): WebhookRequest {
  const text = typeof payload === "string" ? payload : metaJson(payload);
  return {
    method: "POST",
    url: new URL("http://localhost:3000/webhooks/3"),
    headers: new Headers({ "content-type": "application/json", "x-hub-signature-256": hubSignature256(secret, text), ...headers }),
    body: new TextEncoder().encode(text),
    clientAddress: "173.252.88.1",
  };
}

export function handshakeReq(query: Record<string, string>): WebhookRequest {
  const url = new URL("http://localhost:3000/webhooks/3");
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return { method: "GET", url, headers: new Headers(), body: new Uint8Array(), clientAddress: "173.252.88.1" };
}

export async function events(instance: ChannelInstance, payload: unknown): Promise<{ messages: NormalizedInbound[]; statuses: StatusUpdate[] }> {
  const r = await instance.handleWebhook(signedPost(payload));
  if (r.type !== "events") throw new Error(`expected events, got ${JSON.stringify(r)}`);
  return { messages: r.messages, statuses: r.statuses };
}

export async function oneMessage(instance: ChannelInstance, payload: unknown): Promise<NormalizedInbound> {
  const { messages, statuses } = await events(instance, payload);
  expect(statuses).toEqual([]);
  expect(messages).toHaveLength(1);
  return messages[0]!;
}

export const ctxWa = (over: Partial<WaCtx> = {}): WaCtx => ({
  wabaId: WABA,
  phoneNumberId: PNID,
  displayPhoneNumber: "15550783881",
  from: CUSTOMER,
  name: "Sheena Nelson",
  timestamp: "1749416383",
  id: "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdGRjA1",
  ...over,
});

/** The first message object of an envelope, as Meta sent it. */
export const rawMessage = (env: { entry: { changes: { value: Record<string, unknown> }[] }[] }): unknown =>
  (env.entry[0]!.changes[0]!.value.messages as unknown[])[0];

export function outbound(content: OutboundMessage["content"], extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return { idempotencyKey: "k-1", to: CUSTOMER, lastInboundAt: NOW - 60_000, content, ...extra };
}

export const text = (t: string) => ({ kind: "text", text: t }) as const;

/** Requests the fake recorded for one route (without the version), e.g. "/106540352242922/messages". */
export const requestsTo = (route: string) => meta.requests.filter((r) => r.route === route);

/** A tiny server that answers every request the same way (non-JSON gateway errors). */
export function stubServer(status: number, body: string, contentType = "text/html"): Server<unknown> {
  return Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(body, { status, headers: { "content-type": contentType } }) });
}
