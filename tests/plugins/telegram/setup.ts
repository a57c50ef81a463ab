/**
 * Shared harness for the Telegram plugin tests: the bot, its customers, the Bot API fake, and a
 * setup() that starts the plugin on a PluginContext whose webhook URL is a real local server, so
 * the fake delivers updates to the URL and secret the plugin registered with setWebhook. No tests here.
 *
 * Every test file calls `useTelegramFake()` once at its top level: bun shares imported modules
 * between test files, so hooks registered at this module's top level would only reach the first file.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "bun:test";
import type { ChannelHealth, ChannelInstance, InboundResult, NormalizedInbound, OutboundMessage, PluginContext } from "../../../plugins/sdk/index.ts";
import telegram, { type TelegramConfig } from "../../../plugins/telegram/index.ts";
import { deliverUpdate, TelegramFake, type DeliveryResult, type FakeBot, type TgUpdate, type TgUser } from "../../fakes/telegram.ts";
import { buildPluginContext, type LogLine } from "../../helpers/plugin-context.ts";
import { serveWebhook, type WebhookServer } from "../../helpers/plugin-webhook-server.ts";

export const START = Date.UTC(2026, 0, 15, 12);
export const SECRET = "tg-secret_4f8a2c9e1b7d-Qx";
export const CUSTOMER: TgUser = { id: 584930211, first_name: "Ana María", last_name: "Pérez", username: "anamaria", language_code: "es" };
export const CUSTOMER2: TgUser = { id: 611223344, first_name: "Íñigo", username: "inigo_m" };
export const CHAT = String(CUSTOMER.id);

export const fake = new TelegramFake();
/** The bot of the current test (a live binding: read it inside tests). */
export let bot: FakeBot;

const servers: WebhookServer[] = [];
const instances: ChannelInstance[] = [];

/** Starts the fake for the calling file; before each test, a clean fake with one bot; after, stops what setup() started. */
export function useTelegramFake(): void {
  beforeAll(async () => {
    await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    bot = fake.addBot({ username: "panaderia_lola_bot", firstName: "Panadería Lola" });
  });
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((i) => i.dispose?.()));
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
  /** Every InboundResult the plugin returned, in order. */
  results: InboundResult[];
  webhookUrl: string;
  /** Telegram's delivery: to the registered URL with the registered secret; the plugin's verdict. */
  push(update: TgUpdate): Promise<{ status: number; result: InboundResult | undefined }>;
  /** A delivery with a secret of the test's choosing (null: no header) or raw bytes. */
  deliver(update: TgUpdate | null, opts?: Parameters<typeof deliverUpdate>[2]): Promise<{ status: number; result: InboundResult | undefined }>;
  /** Pushes and expects one message. */
  message(update: TgUpdate): Promise<NormalizedInbound>;
}

export interface SetupOptions {
  /** Default 3 (0: the core's check of a new channel's settings). */
  channelId?: number;
  /** Share a kv between two instances (a restart). */
  store?: Map<string, string>;
  fetch?: PluginContext["fetch"];
}

export async function setup(config: Partial<TelegramConfig> = {}, opts: SetupOptions = {}): Promise<Setup> {
  let instance: ChannelInstance | null = null;
  // The server comes first: its address is the webhook URL the plugin registers.
  const hook = serveWebhook({ handleWebhook: (req) => instance!.handleWebhook(req) } as ChannelInstance);
  servers.push(hook);
  const channelId = opts.channelId ?? 3;
  const baseUrl = hook.url.replace(/\/webhooks\/3$/, "");
  const h = buildPluginContext({ start: START, baseUrl, channelId, store: opts.store, fetch: opts.fetch });
  instance = await telegram.create(h.ctx, { botToken: bot.token, webhookSecret: SECRET, apiBaseUrl: fake.base, ...config } as TelegramConfig);
  instances.push(instance);
  const results = hook.results;
  const webhookUrl = `${baseUrl}/webhooks/3`;

  const verdict = async (run: () => Promise<DeliveryResult | null>) => {
    const before = results.length;
    const res = await run();
    if (!res) throw new Error("the fake did not deliver the update (outside allowed_updates)");
    return { status: res.status, result: results[before] };
  };
  const s: Setup = {
    instance,
    ...h,
    results,
    webhookUrl,
    push: (update) => verdict(() => fake.pushUpdate(bot.token, update)),
    deliver: (update, o = { secret: SECRET }) => verdict(() => deliverUpdate(webhookUrl, update, o)),
    async message(update) {
      const { status, result } = await s.push(update);
      expect(status).toBe(200);
      if (result?.type !== "events") throw new Error(`expected events, got ${JSON.stringify(result)}`);
      expect(result.messages).toHaveLength(1);
      return result.messages[0]!;
    },
  };
  return s;
}

export function out(content: OutboundMessage["content"], extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return { idempotencyKey: `charla-${Math.floor(Math.random() * 1e9)}`, to: CHAT, lastInboundAt: START, content, ...extra };
}

/** Outbound media whose bytes come from `read()`, as the core's outbox builds it. */
export function media(mediaType: "image" | "audio" | "video" | "document", bytes: Uint8Array, mimeType: string, extra: { caption?: string; filename?: string } = {}): OutboundMessage["content"] {
  return {
    kind: "media",
    mediaType,
    url: "http://127.0.0.1:9/media/public/42?exp=1&sig=abc",
    mimeType,
    ...extra,
    read: async () => new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeType }),
  };
}

export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
export const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);
