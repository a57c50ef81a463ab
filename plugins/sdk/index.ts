/**
 * @charla/plugin-sdk — the channel plugin contract, apiVersion 1. It imports
 * nothing: copy this folder beside your plugin, or depend on it, and import it
 * with `import type` so your plugin carries no code of ours.
 *
 * The channel plugin contract. A plugin imports only these types; everything it
 * needs at run time arrives in its PluginContext, so a plugin folder dropped into
 * PLUGINS_DIR next to the compiled binary loads without the core's sources.
 *
 * `configSchema` is a JSON Schema object (TypeBox schemas are JSON Schema, so
 * built-in plugins write them with TypeBox); the core validates channel config
 * against it and renders the settings form from it.
 */
export const PLUGIN_API_VERSION = 1;

export type Capability =
  | "text"
  | "media"
  | "location"
  | "contacts"
  | "interactive"
  | "reactions"
  | "templates"
  | "read_receipts"
  | "delivery_status";

export interface PluginManifest {
  /** Stable id, lowercase kebab-case: "whatsapp-cloud". */
  id: string;
  name: string;
  version: string;
  apiVersion: typeof PLUGIN_API_VERSION;
  capabilities: readonly Capability[];
  /**
   * Customer-service window in hours, opened by each customer message (WhatsApp and
   * Messenger: 24). Outside it the core only lets through what the plugin allows:
   * templates when the plugin has the "templates" capability, human-agent replies
   * within humanAgentWindowHours. Absent: no window (web chat).
   */
  messagingWindowHours?: number;
  /** Messenger's HUMAN_AGENT tag: a person may still answer this many hours after the last customer message (168). */
  humanAgentWindowHours?: number;
  /** Least time between two sends to the same recipient (provider pair rate limits). */
  recipientGapMs?: number;
  description?: { es: string; en: string };
  /** The plugin serves its own customer-facing client at /chat/<channelId> (admins get an embed snippet). */
  hostsClient?: boolean;
  /** The longest text the provider takes in one message (Messenger 2,000; WhatsApp 4,096); the core's limit applies when absent. */
  maxTextLength?: number;
  /** Sends per second the core's outbox allows on one channel of this kind (default 20). */
  sendsPerSecond?: number;
  /**
   * What protects a customer from getting a message twice when a request was cut
   * off (process killed mid-send, timeout) and the core cannot know whether it arrived:
   * - "provider": the provider itself ignores a repeated `idempotencyKey`; resending is safe.
   * - "callback": the plugin sends the key along and reports it back with the provider's
   *   later events (`StatusUpdate.idempotencyKey`, or an echo's `NormalizedInbound.idempotencyKey`);
   *   the core waits a grace period for it before sending again.
   * - absent: neither; the core resends and marks the message as possibly received twice.
   */
  idempotency?: "provider" | "callback";
}

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema & { secret?: boolean; title?: string }>;
  required?: string[];
  [key: string]: unknown;
}

export interface PluginLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface PluginKeyValue {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** One message of a customer's conversation, as a channel that hosts its own client shows it. */
export interface TranscriptEntry {
  id: number;
  direction: "in" | "out";
  author: "customer" | "agent" | "bot" | "system";
  kind: string;
  text: string | null;
  /** Public, signed URL of an attachment (outbound media). */
  mediaUrl: string | null;
  mediaType: string | null;
  filename: string | null;
  status: string;
  externalId: string | null;
  createdAt: number;
}

export type ChannelHealth = { status: "active" } | { status: "needs_attention"; reason: string };

export interface PluginContext {
  channelId: number;
  /** Platform defaults a plugin may fall back to (per-channel settings override them). */
  platform: { metaGraphUrl: string; metaGraphVersion: string };
  /** Tell the admins the channel needs attention (expired token...) or is fine again. */
  reportHealth(health: ChannelHealth): Promise<void>;
  /** The URL Meta (or any provider) must call: <PUBLIC_URL>/webhooks/<channelId>. */
  webhookUrl: string;
  /** Base of the plugin's own public pages: <PUBLIC_URL>/chat/<channelId>. */
  publicUrl: string;
  /** True when PUBLIC_URL is https (cookies may then be Secure / SameSite=None). */
  secure: boolean;
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  logger: PluginLogger;
  now(): number;
  kv: PluginKeyValue;
  /**
   * The latest conversation with this customer on this channel, oldest message
   * first (at most `limit`). For channels that host their own client (web chat).
   */
  transcript(customerId: string, limit?: number): Promise<TranscriptEntry[]>;
  /**
   * Whether someone who could answer is online now (an agent of the channel's
   * queue, or of the company when it has none), so a customer-facing client can
   * say "nobody is online" and still take the message.
   */
  agentsOnline(): Promise<boolean>;
}

export interface WebhookRequest {
  method: "GET" | "POST";
  url: URL;
  headers: Headers;
  /** The raw body bytes, read once by the core (signatures are over these bytes). */
  body: Uint8Array;
  /** Caller address as the core sees it (honours TRUST_PROXY), for abuse limits. */
  clientAddress: string;
}

/** A request to the plugin's public pages under /chat/<channelId>/<path>. */
export interface PublicRequest extends WebhookRequest {
  /** What follows /chat/<channelId>: "" for the page itself, "stream", "widget.js"... */
  path: string;
  /** Aborted when the client goes away (long-lived streams end with it). */
  signal: AbortSignal;
}

export type InboundContent =
  | { kind: "text"; text: string }
  | { kind: "media"; mediaType: "image" | "audio" | "video" | "document" | "sticker"; ref: MediaRef; caption?: string; filename?: string }
  | { kind: "location"; latitude: number; longitude: number; name?: string; address?: string }
  | { kind: "contacts"; contacts: { name: string; phones: string[] }[] }
  | { kind: "interactive_reply"; id: string; title: string }
  | { kind: "reaction"; emoji: string; targetExternalId: string }
  | { kind: "unsupported"; raw: unknown };

export interface MediaRef {
  id: string;
  mimeType?: string;
}

export interface NormalizedInbound {
  externalId: string;
  /**
   * The provider account this event is for (WhatsApp phone_number_id, Messenger
   * page id). One Meta app sends every number's events to one URL: the core files
   * each event under the channel whose routingKey() matches, or logs and drops it.
   */
  channelKey?: string;
  /** The business's own message, sent outside Charla (Messenger echo); stored as outbound. */
  echo?: boolean;
  /** The customer's id on this channel (phone number, PSID, visitor id). */
  from: string;
  profileName?: string;
  /** A phone number of the customer: one they typed (web chat pre-chat form), or their WhatsApp number. */
  profilePhone?: string;
  /**
   * The channel itself proves the sender owns profilePhone (WhatsApp). A new
   * sender is then filed under the company's contact with that phone, if there is
   * one (imported or created by hand), instead of a new contact.
   */
  phoneVerified?: boolean;
  timestamp: number;
  content: InboundContent;
  replyToExternalId?: string;
  /** On an echo of a message Charla sent: the OutboundMessage.idempotencyKey the provider repeated (Messenger `metadata`). */
  idempotencyKey?: string;
}

export interface StatusUpdate {
  externalId: string;
  channelKey?: string;
  status: "sent" | "delivered" | "read" | "failed";
  timestamp: number;
  /** `code` is one of SEND_ERROR_CODES when the plugin recognises the failure, else the provider's code. */
  error?: { code: string; message: string };
  /** The OutboundMessage.idempotencyKey the provider repeated (WhatsApp `biz_opaque_callback_data`). */
  idempotencyKey?: string;
  /**
   * What the provider says it charges for this message (WhatsApp's `pricing`), if
   * anything: `billable` as the provider decided, `category` its pricing category,
   * `recipient` the number it went to; `raw` as it came.
   */
  pricing?: { billable: boolean; category: string; recipient: string | null; raw: Record<string, unknown> };
}

/**
 * Failure classes the core explains to agents in their language and acts on:
 * - outside_window: the provider's customer-service window is closed (the composer offers templates)
 * - undeliverable: this customer cannot be reached on this channel (unknown number, blocked the bot, person unavailable)
 * - rate_limited: too many sends; retryable, with retryAfterMs when the provider says
 * - token_expired: the channel's credentials are refused; also call ctx.reportHealth so
 *   the channel shows "needs attention" (the core marks it too when a send says so)
 * - policy: the provider refuses this content or this send by its rules
 * - invalid: the message itself is malformed for the provider (too long, bad parameter)
 * - template: the template is unknown, unapproved or its parameters do not fit
 * - unavailable: the provider is down or did not answer (5xx, network); retryable
 * - unsupported: the channel cannot send this kind of message
 */
export const SEND_ERROR_CODES = [
  "outside_window",
  "undeliverable",
  "rate_limited",
  "token_expired",
  "policy",
  "invalid",
  "template",
  "unavailable",
  "unsupported",
] as const;
export type SendErrorCode = (typeof SEND_ERROR_CODES)[number];

export interface TemplateInfo {
  name: string;
  language: string;
  category: string;
  status: string;
  /** Body text with {{1}}, {{2}}... placeholders. */
  body: string;
  /** How many {{n}} parameters the body takes. */
  parameterCount: number;
  raw: unknown;
}

export type InboundResult =
  | { type: "challenge"; response: Response }
  | { type: "events"; messages: NormalizedInbound[]; statuses: StatusUpdate[] }
  | { type: "ignored"; reason: string }
  | { type: "rejected"; status: 400 | 401 | 403 | 413 | 429; reason: string };

export interface OutboundMessage {
  /**
   * Stable per message across retries (at most 64 characters): plugins pass it to
   * their provider where it can carry one (see PluginManifest.idempotency).
   */
  idempotencyKey: string;
  to: string;
  /** Last customer message time (epoch ms), for window rules (Messenger RESPONSE vs HUMAN_AGENT). */
  lastInboundAt: number | null;
  content:
    | { kind: "text"; text: string }
    | {
        kind: "media";
        mediaType: "image" | "audio" | "video" | "document";
        /** Public signed link (providers that fetch by URL). */
        url: string;
        mimeType: string;
        caption?: string;
        filename?: string;
        /** The bytes, for providers that want an upload. */
        read(): Promise<Blob>;
      }
    | { kind: "reaction"; emoji: string; targetExternalId: string }
    | { kind: "template"; name: string; language: string; parameters: string[] }
    | {
        /**
         * A question with options (bot menus): plugins with the "interactive" capability
         * send native buttons or a list; a reply comes back as an `interactive_reply`
         * carrying the option's id. `numberedText` is the same menu as plain text,
         * for when the options do not fit the provider's limits.
         */
        kind: "interactive";
        text: string;
        options: { id: string; title: string }[];
        /** The label of the button that opens a list ("Ver opciones"). */
        button: string;
        numberedText: string;
      };
  replyToExternalId?: string;
}

export type SendResult =
  | { ok: true; externalId: string; /** "delivered" when the channel knows it reached the device. */ status?: "sent" | "delivered" }
  | {
      ok: false;
      retryable: true;
      reason: string;
      retryAfterMs?: number;
      code?: SendErrorCode | string;
      /** The request may have reached the provider (timeout, connection cut after sending): see manifest.idempotency. */
      maybeSent?: boolean;
    }
  | { ok: false; retryable: false; reason: string; code?: SendErrorCode | string };

export interface ChannelInstance {
  handleWebhook(req: WebhookRequest): Promise<InboundResult>;
  send(msg: OutboundMessage): Promise<SendResult>;
  fetchMedia?(ref: MediaRef): Promise<Blob>;
  /** The plugin's own public pages and streams (web chat page, widget script, visitor stream). */
  handlePublic?(req: PublicRequest): Promise<Response>;
  /** Tell the provider the customer's message was read (agent opened the conversation). */
  markRead?(customerId: string, externalId: string): Promise<void>;
  /** Approved and pending message templates of the account. */
  listTemplates?(): Promise<TemplateInfo[]>;
  /** A cheap authenticated call, for the admin's "test connection" button. */
  testConnection?(): Promise<{ ok: boolean; detail: string }>;
  dispose?(): Promise<void> | void;
}

export interface ChannelPlugin<Config = Record<string, unknown>> {
  manifest: PluginManifest;
  /**
   * Settings. Properties may carry `secret: true` (sealed at rest, write-only) and
   * `generate: "token"` (filled with a random token when left empty, e.g. a verify token).
   */
  configSchema: JsonSchema;
  create(ctx: PluginContext, config: Config): Promise<ChannelInstance>;
  /** The provider account a channel's settings name (phone_number_id, page id), for routing shared webhooks. */
  routingKey?(config: Config): string | null;
  /** Channels may receive each other's events only when this matches (e.g. same app secret). */
  trustKey?(config: Config): string | null;
}
