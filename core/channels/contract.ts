/**
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
  /** Customer-service window in hours (WhatsApp 24, Messenger 24 + human agent 7 days). */
  messagingWindowHours?: number;
  description?: { es: string; en: string };
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

export interface PluginContext {
  channelId: number;
  /** The URL Meta (or any provider) must call: <PUBLIC_URL>/webhooks/<channelId>. */
  webhookUrl: string;
  fetch: typeof fetch;
  logger: PluginLogger;
  now(): number;
  kv: PluginKeyValue;
}

export interface WebhookRequest {
  method: "GET" | "POST";
  url: URL;
  headers: Headers;
  /** The raw body bytes, read once by the core (signatures are over these bytes). */
  body: Uint8Array;
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
  /** The customer's id on this channel (phone number, PSID, visitor id). */
  from: string;
  profileName?: string;
  timestamp: number;
  content: InboundContent;
  replyToExternalId?: string;
}

export interface StatusUpdate {
  externalId: string;
  status: "sent" | "delivered" | "read" | "failed";
  timestamp: number;
  error?: { code: string; message: string };
}

export type InboundResult =
  | { type: "challenge"; response: Response }
  | { type: "events"; messages: NormalizedInbound[]; statuses: StatusUpdate[] }
  | { type: "ignored"; reason: string }
  | { type: "rejected"; status: 400 | 401 | 403; reason: string };

export interface OutboundMessage {
  to: string;
  content:
    | { kind: "text"; text: string }
    | { kind: "media"; mediaType: "image" | "audio" | "video" | "document"; url: string; caption?: string; filename?: string }
    | { kind: "reaction"; emoji: string; targetExternalId: string }
    | { kind: "template"; name: string; language: string; parameters: string[] };
  replyToExternalId?: string;
}

export type SendResult =
  | { ok: true; externalId: string }
  | { ok: false; retryable: true; reason: string; retryAfterMs?: number }
  | { ok: false; retryable: false; reason: string; code?: string };

export interface ChannelInstance {
  handleWebhook(req: WebhookRequest): Promise<InboundResult>;
  send(msg: OutboundMessage): Promise<SendResult>;
  fetchMedia?(ref: MediaRef): Promise<Blob>;
  dispose?(): Promise<void> | void;
}

export interface ChannelPlugin<Config = Record<string, unknown>> {
  manifest: PluginManifest;
  configSchema: JsonSchema;
  create(ctx: PluginContext, config: Config): Promise<ChannelInstance>;
}
