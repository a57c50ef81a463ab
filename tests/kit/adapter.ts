/**
 * What a plugin author hands the conformance kit: how to configure their plugin,
 * how their provider signs webhooks, sample payloads, and how to steer their
 * provider fake. See tests/kit/README.md.
 */
import type { ChannelInstance, ChannelPlugin, OutboundMessage, PluginContext, StatusUpdate, WebhookRequest } from "../../plugins/sdk/index.ts";
import type { KitContext, KitContextOptions } from "./context.ts";

/** Every check the kit runs, in order. */
export const CHECK_IDS = [
  "manifest",
  "config-schema",
  "config-accepted",
  "secrets-marked",
  "create",
  "test-connection",
  "routing-keys",
  "handshake",
  "webhook-accepts-authentic",
  "webhook-rejects-forged",
  "webhook-rejects-altered",
  "webhook-rejects-unsigned",
  "inbound-text",
  "inbound-ids-stable",
  "malformed-bodies",
  "mutated-payloads",
  "statuses",
  "inbound-media",
  "send-ok",
  "idempotency-callback",
  "send-max-text",
  "send-media",
  "send-interactive",
  "send-reaction",
  "templates",
  "send-rate-limited",
  "send-server-error",
  "send-timeout",
  "send-permanent",
  "send-token-expired",
  "hosts-client",
  "dispose",
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/**
 * How a webhook request authenticates: "valid" as the provider does it; "forged"
 * with a wrong secret (or a credential this channel never issued); "none" without
 * any (no signature header, no cookie...).
 */
export type Auth = "valid" | "forged" | "none";

/** What the next send() should meet at the provider. */
export type SendOutcome = "ok" | "rate_limited" | "server_error" | "timeout" | "permanent" | "token_expired";

/** One live instance, made fresh for each check. */
export interface KitEnv<Config = Record<string, unknown>> {
  plugin: ChannelPlugin<Config>;
  instance: ChannelInstance;
  /** What create() got: the adapter's config after the core's rules (coerced, trimmed, tokens generated). */
  config: Config;
  ctx: PluginContext;
  /** The context's recorders and knobs: clock, logs, kv store, health reports, network cut. */
  kit: KitContext;
}

/** A provider payload. An object is sent as JSON.stringify(body); a string or bytes as they are. */
export interface Sample {
  body: string | Uint8Array | object;
  /** What the plugin should make of it; each given field is compared. */
  expect?: { externalId?: string; from?: string; text?: string; timestamp?: number };
}

export interface StatusSample {
  body: string | Uint8Array | object;
  expect: { status: StatusUpdate["status"]; externalId?: string; errorCode?: string };
}

export interface MediaSample {
  body: string | Uint8Array | object;
  /** The file fetchMedia should return (compared byte for byte) and its message's media type. */
  expect?: { bytes?: Uint8Array; mediaType?: "image" | "audio" | "video" | "document" | "sticker" };
}

/** Returned by nextSend() when the provider needs another message to meet the outcome (e.g. one the channel cannot carry). */
export interface SendOverride {
  content?: OutboundMessage["content"];
  to?: string;
}

type MaybePromise<T> = T | Promise<T>;

export interface ConformanceAdapter<Config = Record<string, unknown>> {
  /** Shown in the describe() title; default the manifest id. */
  name?: string;
  /**
   * The settings as an admin would save them (strings from a form are fine).
   * The kit applies the core's rules (required, types, patterns, generated tokens)
   * and hands create() what the core would. Called once per check.
   */
  config(): MaybePromise<Record<string, unknown>>;
  /** Context options per check: your fake's URL as `platform`, transcripts, a start time... */
  context?(): MaybePromise<KitContextOptions>;
  /** Settings whose names look like credentials but are shown to admins on purpose. */
  publicFields?: string[];
  /** The customer id the kit sends to (as NormalizedInbound.from would name them). */
  recipient: string;
  webhook: {
    /** A webhook delivery carrying exactly `body`, authenticated as `auth` says. Same env and body: the same delivery. */
    request(body: Uint8Array, auth: Auth, env: KitEnv<Config>): MaybePromise<WebhookRequest>;
    /** The provider's subscription handshake (Meta's GET hub.challenge), if it has one: valid, or with a wrong token. */
    handshake?(auth: "valid" | "forged", env: KitEnv<Config>): MaybePromise<WebhookRequest>;
  };
  samples: {
    /** The n-th distinct inbound text message (n = 1, 2, ...): different n, different message. */
    text(n: number, env: KitEnv<Config>): MaybePromise<Sample>;
    /** Status deliveries, each with the status it must map to (may send first through env.instance). */
    statuses?(env: KitEnv<Config>): MaybePromise<StatusSample[]>;
    /** An inbound file whose bytes your fake serves. */
    media?(env: KitEnv<Config>): MaybePromise<MediaSample>;
    /**
     * manifest.idempotency "callback": the provider's later event about a send the kit
     * just made (a status, or an echo), built from what your fake received, so it
     * carries the key exactly as the plugin sent it along.
     */
    callback?(sent: { idempotencyKey: string; externalId: string }, env: KitEnv<Config>): MaybePromise<Sample>;
  };
  provider?: {
    /** Before the file's checks (beforeAll). */
    start?(): MaybePromise<unknown>;
    /** After them (afterAll). */
    stop?(): MaybePromise<unknown>;
    /** Before each check: forget earlier sends and pending failures. */
    reset?(): MaybePromise<unknown>;
    /**
     * Make the next send meet `outcome`: "rate_limited" (HTTP 429 or the provider's
     * throttling error), "server_error" (5xx), "timeout" (hold the answer at least 1 s:
     * the kit cuts the request after 300 ms), "permanent" (a refusal retrying cannot
     * fix, e.g. an unknown recipient), "token_expired" (the credentials were revoked).
     */
    nextSend?(outcome: SendOutcome, env: KitEnv<Config>): MaybePromise<void | SendOverride>;
  };
  /** Checks that do not apply to this channel, each with the reason (shown as a skipped test). */
  notApplicable?: Partial<Record<CheckId, string>>;
}
