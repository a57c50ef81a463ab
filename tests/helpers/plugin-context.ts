/**
 * A PluginContext for channel plugin tests, built the way the core hands one to a plugin but over
 * in-memory parts the test can read and steer: a recording logger, a kv over a Map, a clock the
 * test moves by hand and a recorder of the health the plugin reports. No tests here.
 */
import type { ChannelHealth, PluginContext } from "../../core/channels/contract.ts";

/** One call to the plugin's logger. */
export interface LogLine {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

export interface PluginContextOptions {
  /** What `ctx.now()` returns until the test moves `clock.t`. */
  start: number;
  /** Default 3. */
  channelId?: number;
  /** The core's PUBLIC_URL; webhookUrl and publicUrl are `<baseUrl>/webhooks/<id>` and `<baseUrl>/chat/<id>`. Default http://localhost:3000. */
  baseUrl?: string;
  /** Default Meta's real Graph API, v24.0. */
  platform?: PluginContext["platform"];
  /** Default false. */
  secure?: boolean;
  /** Default: the global fetch, looked up at each call. */
  fetch?: PluginContext["fetch"];
  /** The Map behind `ctx.kv` (pass one to share the kv between two contexts). Default a new one. */
  store?: Map<string, string>;
  /** Default: every customer has an empty transcript. */
  transcript?: PluginContext["transcript"];
  /** Default: someone is online. */
  agentsOnline?: PluginContext["agentsOnline"];
}

export interface PluginContextHarness {
  ctx: PluginContext;
  /** `ctx.now()` returns `clock.t`. */
  clock: { t: number };
  /** Every logger call, in order. */
  logs: LogLine[];
  /** The kv's contents. */
  store: Map<string, string>;
  /** Every `ctx.reportHealth()` call, in order. */
  health: ChannelHealth[];
}

export function buildPluginContext(options: PluginContextOptions): PluginContextHarness {
  const { start, channelId = 3, baseUrl = "http://localhost:3000", secure = false } = options;
  const clock = { t: start };
  const logs: LogLine[] = [];
  const store = options.store ?? new Map<string, string>();
  const health: ChannelHealth[] = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => void logs.push({ level, msg, fields });
  const ctx: PluginContext = {
    channelId,
    platform: options.platform ?? { metaGraphUrl: "https://graph.facebook.com", metaGraphVersion: "v24.0" },
    reportHealth: async (h) => void health.push(h),
    webhookUrl: `${baseUrl}/webhooks/${channelId}`,
    publicUrl: `${baseUrl}/chat/${channelId}`,
    secure,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
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
  return { ctx, clock, logs, store, health };
}
