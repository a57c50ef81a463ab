import type { InboundResult, NormalizedInbound, StatusUpdate, TranscriptEntry, WebhookRequest } from "../../core/channels/contract.ts";
import { SlidingWindowLimiter } from "./rate-limit.ts";
import type { VisitorIdentity } from "./visitor.ts";

/** One decoder for every webhook (decoding without `stream` keeps no state between calls); fatal: bytes that are not UTF-8 are refused, not turned into U+FFFD. */
const utf8 = new TextDecoder("utf-8", { fatal: true });

export const MAX_BODY_BYTES = 16 * 1024;
export const MAX_TEXT = 4000;
export const VISITOR_LIMIT = 20;
export const ADDRESS_LIMIT = 60;
const MINUTE = 60_000;
const CLIENT_ID = /^[A-Za-z0-9-]{8,64}$/;
const PHONE = /^\+?[0-9 ()-]{6,20}$/;
const OUT_ID = /^wc-out-[\x21-\x7e]{1,200}$/;
const MAX_READ_IDS = 100;

export interface InboundDeps {
  identity: VisitorIdentity;
  now(): number;
  /** Origins allowed to embed the chat; empty means any. */
  allowedOrigins: string[];
  /** Charla's own origin (of PUBLIC_URL): the hosted page and the iframe post from it. */
  ownOrigin: string;
  transcript(customerId: string, limit?: number): Promise<TranscriptEntry[]>;
}

type Rejected = Extract<InboundResult, { type: "rejected" }>;
const reject = (status: Rejected["status"], reason: string): Rejected => ({ type: "rejected", status, reason });

/**
 * Turns the widget's JSON posts into normalized events. Every refusal is a
 * `rejected` result with an English reason (the core logs it and answers with
 * its status); nothing here throws for bad input.
 */
export class InboundHandler {
  private readonly perVisitor: SlidingWindowLimiter;
  private readonly perAddress: SlidingWindowLimiter;
  /** Read receipts cost a transcript lookup, so they get their own generous cap. */
  private readonly readsPerVisitor: SlidingWindowLimiter;

  constructor(private readonly deps: InboundDeps) {
    this.perVisitor = new SlidingWindowLimiter(VISITOR_LIMIT, MINUTE, deps.now);
    this.perAddress = new SlidingWindowLimiter(ADDRESS_LIMIT, MINUTE, deps.now);
    this.readsPerVisitor = new SlidingWindowLimiter(60, MINUTE, deps.now);
  }

  async handle(req: WebhookRequest): Promise<InboundResult> {
    if (req.method !== "POST") return { type: "ignored", reason: "The web chat webhook only takes POSTs from the chat page" };
    if (req.body.byteLength > MAX_BODY_BYTES) return reject(413, `Body larger than ${MAX_BODY_BYTES} bytes`);

    const origin = req.headers.get("origin");
    if (origin && this.deps.allowedOrigins.length && origin !== this.deps.ownOrigin && !this.deps.allowedOrigins.includes(origin)) {
      return reject(403, `Origin ${origin} is not allowed to use this chat`);
    }

    const token = this.deps.identity.tokenOf(req.headers);
    if (!token) return reject(401, "Missing or unknown visitor cookie; open the chat page first");
    const customerId = this.deps.identity.customerId(token);

    // A JSON content type makes a cross-site post need a CORS preflight, which
    // Charla never grants: another site cannot send messages as the visitor.
    const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") return reject(400, "Content-Type must be application/json");
    let body: unknown;
    try {
      body = JSON.parse(utf8.decode(req.body));
    } catch {
      return reject(400, "The body is not valid JSON");
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) return reject(400, "The body must be a JSON object");
    const data = body as Record<string, unknown>;

    if (data.type === "message") return this.message(data, customerId, req.clientAddress);
    if (data.type === "read") return this.read(data, customerId);
    return reject(400, "Unknown type: expected \"message\" or \"read\"");
  }

  clear(): void {
    this.perVisitor.clear();
    this.perAddress.clear();
    this.readsPerVisitor.clear();
  }

  private message(data: Record<string, unknown>, customerId: string, address: string): InboundResult {
    const text = typeof data.text === "string" ? data.text.trim() : null;
    if (text === null) return reject(400, "text must be a string");
    if (!text) return reject(400, "text is empty");
    if (text.length > MAX_TEXT) return reject(400, `text is longer than ${MAX_TEXT} characters`);
    if (typeof data.clientId !== "string" || !CLIENT_ID.test(data.clientId)) {
      return reject(400, "clientId must be 8 to 64 letters, digits or dashes");
    }
    const name = optionalString(data.name);
    if (name === false) return reject(400, "name must be a string");
    if (name && name.length > 100) return reject(400, "name is longer than 100 characters");
    const phone = optionalString(data.phone);
    if (phone === false) return reject(400, "phone must be a string");
    if (phone && !PHONE.test(phone)) return reject(400, "phone is not a phone number");

    // Both limits are checked before either is spent, so a refused message costs nothing.
    if (!this.perVisitor.allows(customerId)) return reject(429, `Too many messages: at most ${VISITOR_LIMIT} a minute per visitor`);
    if (!this.perAddress.allows(address)) return reject(429, `Too many messages: at most ${ADDRESS_LIMIT} a minute per address`);
    this.perVisitor.record(customerId);
    this.perAddress.record(address);

    const message: NormalizedInbound = {
      // The browser's clientId makes a retried post the same message: the core dedupes on it.
      externalId: `wc-in-${customerId}-${data.clientId}`,
      from: customerId,
      timestamp: this.deps.now(),
      content: { kind: "text", text },
    };
    if (name) message.profileName = name;
    if (phone) message.profilePhone = phone;
    return { type: "events", messages: [message], statuses: [] };
  }

  private async read(data: Record<string, unknown>, customerId: string): Promise<InboundResult> {
    const ids = data.externalIds;
    if (!Array.isArray(ids) || !ids.length || ids.length > MAX_READ_IDS) {
      return reject(400, `externalIds must be a list of 1 to ${MAX_READ_IDS} message ids`);
    }
    if (!ids.every((id): id is string => typeof id === "string" && OUT_ID.test(id))) {
      return reject(400, "externalIds must be ids of messages sent by the web chat (wc-out-...)");
    }
    if (!this.readsPerVisitor.allows(customerId)) return reject(429, "Too many read receipts");
    this.readsPerVisitor.record(customerId);

    // A visitor may only mark messages of their own conversation as read.
    let own: Set<string>;
    try {
      const entries = await this.deps.transcript(customerId, 100);
      own = new Set(entries.filter((e) => e.direction === "out" && e.externalId).map((e) => e.externalId!));
    } catch {
      return { type: "ignored", reason: "Could not look up the visitor's conversation" };
    }
    const now = this.deps.now();
    const statuses: StatusUpdate[] = [...new Set(ids)].filter((id) => own.has(id)).map((externalId) => ({ externalId, status: "read", timestamp: now }));
    if (!statuses.length) return { type: "ignored", reason: "None of these messages belongs to this visitor" };
    return { type: "events", messages: [], statuses };
  }
}

/** undefined/null/"" -> undefined; a string -> trimmed; anything else -> false (a client bug worth a 400). */
function optionalString(v: unknown): string | undefined | false {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") return false;
  return v.trim() || undefined;
}
