import type { WebhookDelivery } from "./subscription.ts";

/**
 * The JSON body of a delivery, composed the same way on every attempt (so a
 * redelivery is byte-identical and the receiver can dedupe on `id`):
 * `{"id","event","createdAt","companyId","data"}`.
 */
export function deliveryBody(d: Pick<WebhookDelivery, "uid" | "event" | "createdAt" | "companyId" | "data">): string {
  const head = JSON.stringify({ id: d.uid, event: d.event, createdAt: new Date(d.createdAt).toISOString(), companyId: d.companyId });
  return `${head.slice(0, -1)},"data":${d.data}}`;
}
