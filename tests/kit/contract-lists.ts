/**
 * The few values of the plugin contract the kit needs at run time. The SDK exports
 * them too, but the kit imports the SDK with `import type` only (so it carries no
 * code of ours), and keeps its own copies. The type checks below make `tsc` fail
 * the moment the SDK gains a capability, an error code or a new apiVersion the kit
 * does not know.
 */
import type { Capability, PluginManifest, SendErrorCode, StatusUpdate, InboundContent } from "../../plugins/sdk/index.ts";

export const API_VERSION: PluginManifest["apiVersion"] = 1;

export const CAPABILITIES = [
  "text",
  "media",
  "location",
  "contacts",
  "interactive",
  "reactions",
  "templates",
  "read_receipts",
  "delivery_status",
] as const satisfies readonly Capability[];

/** Failure classes the core explains to agents in their language (SEND_ERROR_CODES). */
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
] as const satisfies readonly SendErrorCode[];

export const STATUS_VALUES = ["sent", "delivered", "read", "failed"] as const satisfies readonly StatusUpdate["status"][];

export const CONTENT_KINDS = ["text", "media", "location", "contacts", "interactive_reply", "reaction", "unsupported"] as const satisfies readonly InboundContent["kind"][];

export const INBOUND_MEDIA_TYPES = ["image", "audio", "video", "document", "sticker"] as const satisfies readonly Extract<InboundContent, { kind: "media" }>["mediaType"][];

/** The statuses a rejected webhook may carry (InboundResult). */
export const REJECT_STATUSES = [400, 401, 403, 413, 429] as const;

type Covered<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;
/** Compile-time: every Capability of the SDK is in CAPABILITIES. */
export const capabilitiesCovered: Covered<Capability, (typeof CAPABILITIES)[number]> = true;
/** Compile-time: every SendErrorCode of the SDK is in SEND_ERROR_CODES. */
export const sendErrorCodesCovered: Covered<SendErrorCode, (typeof SEND_ERROR_CODES)[number]> = true;
/** Compile-time: every status and content kind of the SDK is known here. */
export const statusesCovered: Covered<StatusUpdate["status"], (typeof STATUS_VALUES)[number]> = true;
export const contentKindsCovered: Covered<InboundContent["kind"], (typeof CONTENT_KINDS)[number]> = true;
export const mediaTypesCovered: Covered<Extract<InboundContent, { kind: "media" }>["mediaType"], (typeof INBOUND_MEDIA_TYPES)[number]> = true;
