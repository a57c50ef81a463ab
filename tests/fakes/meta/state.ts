import { tokenExpired, tokenMissing, withFreshTrace, type MetaErrorSpec } from "./errors.ts";
import { randomAlnum } from "./ids.ts";
import { metaJson } from "./wire.ts";

export interface WhatsAppNumber {
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
  /** As Meta shows it, e.g. "15550783881" or "+1 555-078-3881". */
  displayPhoneNumber: string;
  verifiedName: string;
  qualityRating: "GREEN" | "YELLOW" | "RED" | "UNKNOWN";
}

export interface FacebookPage {
  pageId: string;
  pageAccessToken: string;
  name: string;
}

export interface MessengerProfile {
  psid: string;
  firstName: string;
  lastName: string;
  /** Default: `<fake base>/profile-pic/<psid>.png` (served by the fake, a 1x1 PNG). */
  profilePic?: string;
  /** When set, only this page's token can read the profile (PSIDs are page-scoped). */
  pageId?: string;
}

export interface StoredMedia {
  id: string;
  bytes: Uint8Array;
  mimeType: string;
  /** Hex SHA-256 of the bytes, as GET /{media_id} reports it. */
  sha256: string;
  filename?: string;
  /** Set for uploads: the phone number that uploaded it. */
  phoneNumberId?: string;
}

export interface TemplateComponent {
  type: string;
  text?: string;
  format?: string;
  buttons?: unknown[];
  example?: unknown;
  [k: string]: unknown;
}

export interface MessageTemplate {
  name: string;
  language: string;
  status: "APPROVED" | "PENDING" | "REJECTED" | "PAUSED" | "DISABLED";
  category: "MARKETING" | "UTILITY" | "AUTHENTICATION";
  id: string;
  components: TemplateComponent[];
  parameter_format?: "POSITIONAL" | "NAMED";
}

export interface RecordedRequest {
  method: string;
  /** Full pathname, e.g. "/v24.0/106540352242922/messages". */
  path: string;
  /** Graph version from the path ("v24.0"), or null (e.g. /download/...). */
  version: string | null;
  /** Path without the version, e.g. "/106540352242922/messages" or "/me/messages". */
  route: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON, form fields (files as {filename, type, size}), raw text, or null. */
  body: unknown;
  /** Date.now() when received. */
  at: number;
  /** phone_number_id / page id / object id the request is about (for /me/*: the page of the token). */
  target: string | null;
  /** Answer status and parsed JSON answer, filled when answered (download answers: body null). */
  status?: number;
  response?: unknown;
  /** True when answered by a failNext rule. */
  injected?: boolean;
}

/** One accepted send (the fake answered it with success). */
export interface SentRecord {
  channel: "whatsapp" | "messenger";
  /** phone_number_id or page id. */
  target: string;
  /** The parsed request body. */
  body: Record<string, unknown>;
  /** wamid / Messenger mid; null for mark-read and sender actions. */
  id: string | null;
  /** True for mark-read (WhatsApp) and sender_action (Messenger) calls. */
  action: boolean;
  at: number;
}

/** The request being handled. */
export interface Call {
  rec: RecordedRequest;
  url: URL;
  token: string | null;
  /** Path segments after the version. */
  segs: string[];
  form: FormData | null;
}

/** Where and how the fake reports accepted WhatsApp sends back, as Meta does with status webhooks. */
export interface StatusWebhooks {
  url: string;
  appSecret: string;
  /** Statuses to deliver for each accepted send, in order (default ["sent"]). */
  statuses?: ("sent" | "delivered" | "read")[];
  /** Pause before delivering (default 20 ms). */
  delayMs?: number;
}

export class FakeState {
  /** phone_number_id -> status webhooks to deliver after each accepted send. */
  readonly statusWebhooks = new Map<string, StatusWebhooks>();
  /** Pause between accepting a send and answering it (Meta has already taken the message). */
  sendLatencyMs = 0;
  /** Called after a send is accepted (before the answer leaves). */
  onAccepted: ((record: SentRecord) => void) | null = null;
  readonly numbers = new Map<string, WhatsAppNumber>();
  readonly pages = new Map<string, FacebookPage>();
  readonly profiles = new Map<string, MessengerProfile>();
  readonly media = new Map<string, StoredMedia>();
  /** Templates by WABA id. */
  readonly templates = new Map<string, MessageTemplate[]>();
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Every accepted send, in order. */
  readonly outbox: SentRecord[] = [];
  protected base = "";
  /** Signs media download URLs (internal). */
  readonly urlSecret = randomAlnum(32);

  protected constructor(
    /** How long a media download URL stays valid (Meta: 5 minutes). */
    readonly mediaUrlTtlMs: number,
    /** Page size of GET /{waba}/message_templates without `limit` (Meta: 25). */
    readonly defaultPageSize: number,
    /** Check template sends against addTemplate()d templates: true, false, or "auto" (only if the WABA has any). */
    readonly checkTemplates: boolean | "auto",
  ) {}

  /** Base URL `http://127.0.0.1:PORT` (empty before start()). */
  get url(): string {
    return this.base;
  }

  pageByToken(token: string | null): FacebookPage | undefined {
    if (!token) return undefined;
    for (const p of this.pages.values()) if (p.pageAccessToken === token) return p;
    return undefined;
  }

  /** WABA ids a WhatsApp token can act on. */
  wabasOfToken(token: string | null): Set<string> {
    const out = new Set<string>();
    if (token) for (const n of this.numbers.values()) if (n.accessToken === token) out.add(n.wabaId);
    return out;
  }

  isKnownToken(token: string | null): boolean {
    return this.wabasOfToken(token).size > 0 || this.pageByToken(token) !== undefined;
  }

  /** null when the token is fine; otherwise the error to answer (104 missing, 190 unknown). */
  tokenError(token: string | null): MetaErrorSpec | null {
    if (!token) return tokenMissing();
    return this.isKnownToken(token) ? null : tokenExpired();
  }
}

/** Answers with Meta-style escaped JSON and records the answer on the request. */
export function reply(call: Call, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  call.rec.status = status;
  call.rec.response = body;
  return new Response(metaJson(body), {
    status,
    headers: { "content-type": "application/json; charset=UTF-8", "x-fb-trace-id": randomAlnum(11), ...headers },
  });
}

export function replyError(call: Call, spec: MetaErrorSpec, fresh = false): Response {
  const s = fresh ? withFreshTrace(spec) : spec;
  const headers: Record<string, string> = {};
  if (s.body.error.code === 190)
    headers["www-authenticate"] = `OAuth "Facebook Platform" "invalid_token" "${s.body.error.message.replace(/"/g, "'")}"`;
  return reply(call, s.status, s.body, headers);
}
