import type { InboundResult, NormalizedInbound, PluginLogger, StatusUpdate, WebhookRequest } from "../../core/channels/contract.ts";
import { challengeResponse, subscriptionVerified } from "../meta-common/handshake.ts";
import { validSignature } from "../meta-common/signature.ts";
import type { ResolvedConfig } from "./config.ts";
import { isObject } from "./graph-client.ts";
import { parseEnvelope } from "./inbound-events.ts";
import type { ProfileNames } from "./profile.ts";
import type { SentLog } from "./read-receipts.ts";

/** One decoder for every webhook (decoding without `stream` keeps no state between calls); fatal: bytes that are not UTF-8 are refused, not turned into U+FFFD. */
const utf8 = new TextDecoder("utf-8", { fatal: true });

type Rejected = Extract<InboundResult, { type: "rejected" }>;
const reject = (status: Rejected["status"], reason: string): Rejected => ({ type: "rejected", status, reason });

export interface WebhookDeps {
  config: ResolvedConfig;
  sentLog: SentLog;
  profiles: ProfileNames;
  now(): number;
  logger: PluginLogger;
}

/**
 * Meta's webhook: the GET verification handshake, then signed POSTs of page events.
 * https://developers.facebook.com/docs/messenger-platform/webhooks
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started
 */
export class WebhookHandler {
  constructor(private readonly deps: WebhookDeps) {}

  async handle(req: WebhookRequest): Promise<InboundResult> {
    if (req.method === "GET") return handshake(req.url, this.deps.config.verifyToken);

    if (!validSignature(req.body, req.headers.get("x-hub-signature-256"), this.deps.config.appSecret)) {
      return reject(401, "Missing or wrong X-Hub-Signature-256 (is the app secret right?)");
    }
    let payload: unknown;
    try {
      payload = JSON.parse(utf8.decode(req.body));
    } catch {
      return reject(400, "The body is not valid JSON");
    }
    if (!isObject(payload)) return reject(400, "The body must be a JSON object");
    if (payload.object !== "page") return { type: "ignored", reason: `Not a page event (object: ${JSON.stringify(payload.object ?? null)})` };

    const parsed = parseEnvelope(payload, this.deps.now());
    const companions = await Promise.all(parsed.messages.map((m) => (m.echo ? this.deps.sentLog.isCompanion(m.externalId) : false)));
    parsed.messages = parsed.messages.filter((_, i) => !companions[i]);
    if (parsed.skipped.length) this.deps.logger.debug("messenger: skipped events that carry no message", { events: parsed.skipped });

    await this.addNames(parsed.messages);
    const statuses: StatusUpdate[] = [];
    for (const d of parsed.deliveries) {
      const mids = d.mids ?? (this.own(d.pageId) ? (await this.deps.sentLog.upTo(d.psid, d.watermark)).map((e) => e.mid) : []);
      for (const externalId of mids) statuses.push({ externalId, channelKey: d.pageId, status: "delivered", timestamp: d.timestamp });
    }
    for (const r of parsed.reads) {
      if (!this.own(r.pageId)) {
        this.deps.logger.debug("messenger: read watermark of another page skipped (its sends are logged by its own channel)", { pageId: r.pageId });
        continue;
      }
      for (const e of await this.deps.sentLog.takeReadUpTo(r.psid, r.watermark)) {
        statuses.push({ externalId: e.mid, channelKey: r.pageId, status: "read", timestamp: r.timestamp });
      }
    }
    // The page's own messages sent elsewhere (Page inbox, another app) get read ticks too.
    for (const m of parsed.messages) {
      if (m.echo && this.own(m.channelKey) && !m.externalId.includes("#")) await this.deps.sentLog.record(m.from, m.externalId, m.timestamp);
    }

    if (!parsed.messages.length && !statuses.length) return { type: "ignored", reason: "No messages or statuses in this page event" };
    return { type: "events", messages: parsed.messages, statuses };
  }

  /**
   * Names of customers first seen now. Only for this channel's page: a PSID is
   * page-scoped, so another page's customers need that page's token.
   */
  private async addNames(messages: NormalizedInbound[]): Promise<void> {
    const psids = [...new Set(messages.filter((m) => !m.echo && this.own(m.channelKey)).map((m) => m.from))];
    const names = new Map<string, string | undefined>();
    await Promise.all(
      psids.map(async (psid) => {
        try {
          names.set(psid, await this.deps.profiles.nameOf(psid));
        } catch (e) {
          this.deps.logger.warn("messenger: customer name lookup failed", { psid, error: e instanceof Error ? e.message : String(e) });
        }
      }),
    );
    for (const m of messages) {
      const name = m.echo ? undefined : names.get(m.from);
      if (name) m.profileName = name;
    }
  }

  private own(pageId: string | undefined): boolean {
    return !pageId || pageId === this.deps.config.pageId;
  }
}

/** `GET ?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C` -> 200 with exactly C, else 403 (400 without C). */
export function handshake(url: URL, verifyToken: string): InboundResult {
  if (!subscriptionVerified(url, verifyToken)) return reject(403, "Verify token does not match this channel's");
  const challenge = url.searchParams.get("hub.challenge");
  if (challenge === null) return reject(400, "hub.challenge is missing");
  return challengeResponse(challenge);
}
