import type { StatusUpdate } from "../../core/channels/contract.ts";
import { describeError, failureCode } from "./errors.ts";
import { obj, str } from "./parse-message.ts";

/**
 * One `value.statuses[]` item → StatusUpdate, or null for a status the core has no
 * use for (Meta's "deleted", "warning"...). Statuses arrive out of order and
 * repeat; the core keeps them from moving backwards.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components#statuses-object
 */
export function parseStatus(raw: unknown, channelKey: string | undefined, now: number): StatusUpdate | null {
  const s = obj(raw);
  const externalId = str(s.id);
  const status = mapStatus(str(s.status));
  if (!externalId || !status) return null;
  const seconds = Number(s.timestamp);
  const out: StatusUpdate = { externalId, status, timestamp: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : now };
  if (channelKey) out.channelKey = channelKey;
  // Our idempotency key, sent as biz_opaque_callback_data (send.ts): names the message even when its wamid was never recorded.
  const key = str(s.biz_opaque_callback_data);
  if (key) out.idempotencyKey = key;
  // Billing: `type` "regular" is charged (newer payloads drop the deprecated `billable`).
  const pricing = obj(s.pricing);
  if (Object.keys(pricing).length) {
    const type = str(pricing.type);
    out.pricing = { billable: type ? type === "regular" : pricing.billable === true, category: str(pricing.category) ?? "unknown", recipient: str(s.recipient_id), raw: pricing };
  }
  if (status === "failed") {
    const e = obj(Array.isArray(s.errors) ? s.errors[0] : undefined);
    const code = typeof e.code === "number" ? e.code : /^\d+$/.test(String(e.code ?? "")) ? Number(e.code) : null;
    out.error = {
      // 131047 here means the customer's 24 h window had closed: the core offers a template.
      code: failureCode(code) ?? "unknown",
      message: describeError({ message: str(e.message), title: str(e.title), details: str(obj(e.error_data).details) }),
    };
  }
  return out;
}

function mapStatus(s: string | null): StatusUpdate["status"] | null {
  switch (s) {
    case "sent":
    case "delivered":
    case "read":
    case "failed":
      return s;
    case "played": // a voice message was listened to: it was certainly read
      return "read";
    default:
      return null;
  }
}
