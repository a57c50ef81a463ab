/**
 * A PluginContext for tests, built the way the core builds one for a channel
 * (core/channels/channel-runtime.ts) but over parts a test can read and steer: a
 * logger that records, a kv over a Map, a clock moved by hand, a record of the
 * health the plugin reports, and a fetch that can cut requests short (to act out
 * a network timeout). No tests here; it imports nothing of Charla's at run time.
 */
import type { ChannelHealth, PluginContext, TranscriptEntry } from "../../plugins/sdk/index.ts";

export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  msg: string;
  fields?: Record<string, unknown>;
}

export interface KitContextOptions {
  /** What `ctx.now()` returns until the test moves `clock.t`. Default 2026-01-15T12:00Z. */
  start?: number;
  /** Default 7. */
  channelId?: number;
  /** The core's PUBLIC_URL; webhookUrl is `<baseUrl>/webhooks/<id>`, publicUrl `<baseUrl>/chat/<id>`. Default http://localhost:3000. */
  baseUrl?: string;
  /** True makes `ctx.secure` true (PUBLIC_URL is https). Default: whether baseUrl is https. */
  secure?: boolean;
  /**
   * META_GRAPH_URL / META_GRAPH_VERSION as the core passes them. Default
   * http://127.0.0.1:9 (nothing listens there) so a test that forgot to point a plugin
   * at its fake fails at once instead of calling the real provider.
   */
  platform?: PluginContext["platform"];
  /** Default: the global fetch (cut short while `network.cutAfterMs` is set). */
  fetch?: PluginContext["fetch"];
  /** The Map behind `ctx.kv`; pass one to share it between two contexts. */
  store?: Map<string, string>;
  /** Default: every customer has an empty transcript. */
  transcript?: (customerId: string, limit?: number) => Promise<TranscriptEntry[]>;
  /** Default: someone is online. */
  agentsOnline?: () => Promise<boolean>;
}

export interface KitContext {
  ctx: PluginContext;
  /** `ctx.now()` returns `clock.t`. */
  clock: { t: number };
  /** Every logger call, in order. */
  logs: LogLine[];
  /** The kv's contents. */
  store: Map<string, string>;
  /** Every `ctx.reportHealth()` call, in order. */
  health: ChannelHealth[];
  /**
   * While `cutAfterMs` is a number, every request through `ctx.fetch` is aborted after
   * that long with a TimeoutError, as a network timeout would end it (the request has
   * left: the provider may have it).
   */
  network: { cutAfterMs: number | null };
}

export const KIT_START = Date.UTC(2026, 0, 15, 12);

export function createKitContext(options: KitContextOptions = {}): KitContext {
  const channelId = options.channelId ?? 7;
  const baseUrl = (options.baseUrl ?? "http://localhost:3000").replace(/\/+$/, "");
  const clock = { t: options.start ?? KIT_START };
  const logs: LogLine[] = [];
  const store = options.store ?? new Map<string, string>();
  const health: ChannelHealth[] = [];
  const network: KitContext["network"] = { cutAfterMs: null };
  const base = options.fetch ?? ((input, init) => fetch(input, init));
  const log = (level: LogLine["level"]) => (msg: string, fields?: Record<string, unknown>) => void logs.push(fields === undefined ? { level, msg } : { level, msg, fields });
  const ctx: PluginContext = {
    channelId,
    platform: options.platform ?? { metaGraphUrl: "http://127.0.0.1:9", metaGraphVersion: "v24.0" },
    reportHealth: async (h) => void health.push(h),
    webhookUrl: `${baseUrl}/webhooks/${channelId}`,
    publicUrl: `${baseUrl}/chat/${channelId}`,
    secure: options.secure ?? baseUrl.startsWith("https://"),
    fetch: (input, init) => {
      if (network.cutAfterMs === null) return base(input, init);
      const cut = AbortSignal.timeout(network.cutAfterMs);
      return base(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, cut]) : cut });
    },
    logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
    now: () => clock.t,
    kv: {
      get: async (k) => store.get(k) ?? null,
      set: async (k, v) => void store.set(k, v),
      delete: async (k) => void store.delete(k),
    },
    transcript: options.transcript ?? (async () => []),
    agentsOnline: options.agentsOnline ?? (async () => true),
  };
  return { ctx, clock, logs, store, health, network };
}
