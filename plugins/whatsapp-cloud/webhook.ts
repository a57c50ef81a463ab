import { createHash } from "node:crypto";
import type { InboundResult, NormalizedInbound, PluginLogger, StatusUpdate, WebhookRequest } from "../../core/channels/contract.ts";
import { challengeResponse, subscriptionVerified } from "../meta-common/handshake.ts";
import { validSignature } from "../meta-common/signature.ts";
import { obj, parseMessage, str } from "./parse-message.ts";
import { parseStatus } from "./parse-status.ts";

/** One decoder for every webhook (decoding without `stream` keeps no state between calls); fatal: bytes that are not UTF-8 are refused, not turned into U+FFFD. */
const utf8 = new TextDecoder("utf-8", { fatal: true });

export interface WebhookDeps {
  verifyToken: string;
  appSecret: string;
  now: () => number;
  logger: PluginLogger;
}

/**
 * The channel's webhook: Meta's verification handshake (GET) and signed event
 * deliveries (POST). https://developers.facebook.com/docs/graph-api/webhooks/getting-started
 */
export async function handleWebhook(req: WebhookRequest, deps: WebhookDeps): Promise<InboundResult> {
  if (req.method === "GET") return handshake(req.url, deps.verifyToken);
  const signature = req.headers.get("x-hub-signature-256");
  if (!signature) return { type: "rejected", status: 401, reason: "missing X-Hub-Signature-256" };
  if (!validSignature(req.body, signature, deps.appSecret)) return { type: "rejected", status: 401, reason: "bad X-Hub-Signature-256" };
  let payload: unknown;
  try {
    payload = JSON.parse(utf8.decode(req.body));
  } catch {
    return { type: "rejected", status: 400, reason: "body is not JSON" };
  }
  const object = obj(payload).object;
  if (object !== "whatsapp_business_account") return { type: "ignored", reason: `object is ${JSON.stringify(object ?? null)}, not whatsapp_business_account` };
  const events = parseEnvelope(payload, deps);
  if (events.messages.length === 0 && events.statuses.length === 0) return { type: "ignored", reason: "no messages or statuses" };
  return { type: "events", ...events };
}

/** `hub.mode=subscribe` with our verify token → echo `hub.challenge` (empty when absent) as plain text; anything else 403. */
function handshake(url: URL, verifyToken: string): InboundResult {
  if (!subscriptionVerified(url, verifyToken)) return { type: "rejected", status: 403, reason: "verify token does not match" };
  return challengeResponse(url.searchParams.get("hub.challenge") ?? "");
}

/**
 * Every entry, every change, every message and status. One Meta app posts every
 * number's events to one URL, so each event carries its number (channelKey) and the
 * core files it under the right channel.
 */
function parseEnvelope(payload: unknown, deps: WebhookDeps): { messages: NormalizedInbound[]; statuses: StatusUpdate[] } {
  const messages: NormalizedInbound[] = [];
  const statuses: StatusUpdate[] = [];
  const now = deps.now();
  for (const entry of list(obj(payload).entry)) {
    for (const change of list(obj(entry).changes)) {
      const c = obj(change);
      const value = obj(c.value);
      if (c.field !== "messages") {
        // Template reviews, quality and account updates: nothing for the inbox.
        deps.logger.debug("whatsapp-cloud: webhook field skipped", { field: c.field });
        continue;
      }
      const channelKey = str(obj(value.metadata).phone_number_id) ?? undefined;
      for (const error of list(value.errors)) deps.logger.warn("whatsapp-cloud: Meta reported an error in a webhook", { error });
      for (const raw of list(value.messages)) {
        messages.push(parseMessage(raw, { channelKey, contacts: value.contacts, now, fallbackId }));
      }
      for (const raw of list(value.statuses)) {
        const status = parseStatus(raw, channelKey, now);
        if (status) statuses.push(status);
        else deps.logger.debug("whatsapp-cloud: status skipped", { status: obj(raw).status });
      }
    }
  }
  return { messages, statuses };
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A message without an id still gets a stable one, so Meta's redelivery of it dedupes. */
function fallbackId(raw: unknown): string {
  return `wa-noid-${createHash("sha256").update(JSON.stringify(raw) ?? "").digest("hex").slice(0, 32)}`;
}
