import pkg from "../../package.json";
import { signBody } from "./signature.ts";
import { deliveryBody } from "./delivery-body.ts";
import type { WebhookDelivery } from "./subscription.ts";
import type { AttemptOutcome } from "./delivery-repository.ts";

export const DELIVERY_TIMEOUT_MS = 5_000;
const MAX_ERROR = 300;

/**
 * One POST of a delivery: signed, 5 s to answer, redirects not followed (a 3xx is
 * a failure: the admin should fix the URL). Any 2xx is success; the response
 * body is not kept.
 */
export async function sendDelivery(d: WebhookDelivery, url: string, secret: string, now: () => number): Promise<AttemptOutcome & { ok: boolean }> {
  const body = deliveryBody(d);
  const at = now();
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": `Charla-Webhooks/${pkg.version}`,
        "x-charla-event": d.event,
        "x-charla-delivery": d.uid,
        "x-charla-signature": signBody(secret, body),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    await res.body?.cancel().catch(() => {});
    const latencyMs = Math.round(performance.now() - started);
    const ok = res.status >= 200 && res.status < 300;
    return { ok, at, statusCode: res.status, latencyMs, error: ok ? null : `HTTP ${res.status}` };
  } catch (e) {
    const latencyMs = Math.round(performance.now() - started);
    const name = (e as Error)?.name;
    const error = name === "TimeoutError" || name === "AbortError" ? `timeout after ${DELIVERY_TIMEOUT_MS / 1000} s` : String((e as Error)?.message ?? e);
    return { ok: false, at, statusCode: null, latencyMs, error: error.slice(0, MAX_ERROR) };
  }
}
