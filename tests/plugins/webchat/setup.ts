/**
 * Shared harness for the web chat plugin tests: a PluginContext with a controllable clock and
 * transcripts, request builders for the public pages and the webhook, a visitor that keeps its
 * cookie, and a stream reader. No tests here.
 */
import { createHash } from "node:crypto";
import type { ChannelInstance, PluginContext, PublicRequest, TranscriptEntry, WebhookRequest } from "../../../core/channels/contract.ts";
import webchat, { type WebchatConfig } from "../../../plugins/webchat/index.ts";
import { buildPluginContext, type LogLine } from "../../helpers/plugin-context.ts";

export const BASE = "http://localhost:3000";
export const CHANNEL = 7;
export const START = Date.UTC(2026, 0, 15, 12);

export interface Setup {
  instance: ChannelInstance;
  ctx: PluginContext;
  clock: { t: number };
  logs: LogLine[];
  transcripts: Map<string, TranscriptEntry[]>;
  transcriptCalls: { customerId: string; limit?: number }[];
}

export async function setup(config: WebchatConfig = {}, opts: { secure?: boolean; failTranscript?: boolean; nobodyOnline?: boolean } = {}): Promise<Setup> {
  const transcripts = new Map<string, TranscriptEntry[]>();
  const transcriptCalls: { customerId: string; limit?: number }[] = [];
  const { ctx, clock, logs } = buildPluginContext({
    start: START,
    channelId: CHANNEL,
    baseUrl: BASE,
    secure: opts.secure,
    transcript: async (customerId, limit) => {
      transcriptCalls.push({ customerId, limit });
      if (opts.failTranscript) throw new Error("database is locked");
      return transcripts.get(customerId) ?? [];
    },
    agentsOnline: async () => !opts.nobodyOnline,
  });
  const instance = await webchat.create(ctx, config);
  return { instance, ctx, clock, logs, transcripts, transcriptCalls };
}

export function publicReq(path: string, init: { headers?: Record<string, string>; query?: string; method?: "GET" | "POST"; signal?: AbortSignal } = {}): PublicRequest {
  return {
    method: init.method ?? "GET",
    url: new URL(`${BASE}/chat/${CHANNEL}${path ? `/${path}` : ""}${init.query ?? ""}`),
    headers: new Headers(init.headers),
    body: new Uint8Array(),
    clientAddress: "203.0.113.9",
    path,
    signal: init.signal ?? new AbortController().signal,
  };
}

export function hook(
  body: unknown,
  init: { cookie?: string; headers?: Record<string, string>; address?: string; raw?: Uint8Array; method?: "GET" | "POST" } = {},
): WebhookRequest {
  const headers = new Headers({ "content-type": "application/json", ...init.headers });
  if (init.cookie) headers.set("cookie", init.cookie);
  return {
    method: init.method ?? "POST",
    url: new URL(`${BASE}/webhooks/${CHANNEL}`),
    headers,
    body: init.raw ?? new TextEncoder().encode(JSON.stringify(body)),
    clientAddress: init.address ?? "203.0.113.9",
  };
}

export interface Visitor {
  token: string;
  cookie: string;
  customerId: string;
  response: Response;
}

/** Opens the chat page like a browser and keeps the cookie it sets. */
export async function visit(instance: ChannelInstance, headers: Record<string, string> = {}, query = ""): Promise<Visitor> {
  const response = await instance.handlePublic!(publicReq("", { headers, query }));
  const first = response.headers.getSetCookie()[0]!;
  const token = first.slice(`charla_wc_${CHANNEL}=`.length).split(";")[0]!;
  return {
    token,
    cookie: `charla_wc_${CHANNEL}=${token}`,
    customerId: createHash("sha256").update(token).digest("hex").slice(0, 32),
    response,
  };
}

export function entry(over: Partial<TranscriptEntry>): TranscriptEntry {
  return {
    id: 1,
    direction: "out",
    author: "agent",
    kind: "text",
    text: "hola",
    mediaUrl: null,
    mediaType: null,
    filename: null,
    status: "sent",
    externalId: null,
    createdAt: START - 60_000,
    ...over,
  };
}

export const message = (clientId: string, text = "Hola, quiero información", extra: Record<string, unknown> = {}) => ({ type: "message", clientId, text, ...extra });

/** Reads a stream until `until` matches the text read so far (or a second passes). */
export async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, until: (text: string) => boolean): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + 1000;
  while (!until(text)) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`stream timed out; read so far: ${JSON.stringify(text)}`);
    const chunk = await Promise.race([reader.read(), Bun.sleep(left).then(() => null)]);
    if (!chunk) continue;
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text;
}
