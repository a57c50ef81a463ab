import type { ChannelHealth, PluginKeyValue, PluginLogger, SendErrorCode, SendResult } from "../../core/channels/contract.ts";
import type { GraphError, GraphObserver } from "./graph-client.ts";

type SendFailure = Extract<SendResult, { ok: false }>;

/**
 * Send API error codes and what Charla does with them.
 * https://developers.facebook.com/docs/messenger-platform/error-codes
 * https://developers.facebook.com/docs/graph-api/guides/error-handling
 */
export const TOKEN_EXPIRED = 190;
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
/** 1 unknown / 2 service: Meta says wait and retry; 1200 "temporary send message failure". */
const TRANSIENT_CODES = new Set([1, 2, 1200]);

export function describe(e: GraphError): string {
  if (e.code === null) return e.message;
  return `Meta error ${e.code}${e.subcode !== null ? `/${e.subcode}` : ""}: ${e.message}`;
}

/** One Graph failure of a send, as the outbox should treat it. */
export function mapSendError(e: GraphError): SendFailure {
  const reason = describe(e);
  const permanent = (code: SendErrorCode | string): SendFailure => ({ ok: false, retryable: false, reason, code });
  const retry = (code?: SendErrorCode | string): SendFailure => {
    const out: SendFailure = { ok: false, retryable: true, reason };
    if (code) out.code = code;
    if (e.retryAfterMs) out.retryAfterMs = e.retryAfterMs;
    if (e.maybeDelivered) out.maybeSent = true;
    return out;
  };

  if (e.code === TOKEN_EXPIRED) return permanent("token_expired");
  // 10/2018278 (and the older 10/2018065): sent outside the allowed window.
  if (e.code === 10 && (e.subcode === 2018278 || e.subcode === 2018065)) return permanent("outside_window");
  // 551 and 200/1545041 "this person isn't available right now"; 10/2018108 "cannot receive messages from you".
  if (e.code === 551 || e.subcode === 1545041 || (e.code === 10 && e.subcode === 2018108)) return permanent("undeliverable"); // the person cannot be messaged now
  if (e.code !== null && RATE_LIMIT_CODES.has(e.code)) return retry("rate_limited");
  if (e.code === 100 && e.subcode === 2018001) return permanent("undeliverable"); // no matching user
  if (e.code === 368 || (e.code === 200 && e.subcode === 2018028)) return permanent("policy");
  if (e.code === 100) return permanent("invalid");
  if (e.httpStatus === 0 || e.isTransient || (e.code !== null && TRANSIENT_CODES.has(e.code)) || e.httpStatus >= 500) {
    return retry(e.code !== null ? String(e.code) : undefined);
  }
  return permanent(e.code !== null ? String(e.code) : `http_${e.httpStatus}`);
}

/**
 * Reports an expired or revoked page token (code 190) as "needs attention" and the
 * first success after it as "active" again. The flag lives in the channel's kv so
 * a restart in between still clears it.
 */
export class TokenHealth implements GraphObserver {
  private static readonly KEY = "health:token";
  private troubled = false;

  constructor(
    private readonly kv: PluginKeyValue,
    private readonly report: (health: ChannelHealth) => Promise<void>,
    private readonly logger: PluginLogger,
  ) {}

  async load(): Promise<void> {
    this.troubled = (await this.kv.get(TokenHealth.KEY)) !== null;
  }

  async failed(e: GraphError): Promise<void> {
    if (e.code !== TOKEN_EXPIRED) return;
    this.troubled = true;
    await this.safely(async () => {
      await this.kv.set(TokenHealth.KEY, String(e.subcode ?? ""));
      await this.report({ status: "needs_attention", reason: `The page access token is no longer valid (${describe(e)})` });
    });
  }

  async succeeded(): Promise<void> {
    if (!this.troubled) return;
    this.troubled = false;
    await this.safely(async () => {
      await this.report({ status: "active" });
      await this.kv.delete(TokenHealth.KEY);
    });
  }

  private async safely(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.logger.error("messenger: could not record the channel's health", { error: e instanceof Error ? e.message : String(e) });
    }
  }
}
