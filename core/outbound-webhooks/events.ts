/** What an admin can subscribe a URL to. `webhook.test` is only ever sent by "Enviar prueba". */
export const WEBHOOK_EVENTS = [
  "message.received",
  "message.sent",
  "message.status",
  "conversation.opened",
  "conversation.assigned",
  "conversation.transferred",
  "conversation.finalized",
  "contact.created",
  "contact.updated",
  "contact.merged",
  "contact.erased",
  "bot.handoff",
  "ai.handoff",
  "balance.low",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export type SentEvent = WebhookEvent | "webhook.test";

export const isWebhookEvent = (v: string): v is WebhookEvent => (WEBHOOK_EVENTS as readonly string[]).includes(v);

/** Groups for the subscription form, in this order. */
export const EVENT_GROUPS: readonly { key: "messages" | "conversations" | "contacts" | "automation" | "billing"; events: readonly WebhookEvent[] }[] = [
  { key: "messages", events: ["message.received", "message.sent", "message.status"] },
  { key: "conversations", events: ["conversation.opened", "conversation.assigned", "conversation.transferred", "conversation.finalized"] },
  { key: "contacts", events: ["contact.created", "contact.updated", "contact.merged", "contact.erased"] },
  { key: "automation", events: ["bot.handoff", "ai.handoff"] },
  { key: "billing", events: ["balance.low"] },
];
