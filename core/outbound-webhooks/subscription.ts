import type { WebhookEvent } from "./events.ts";

export type SubscriptionStatus = "active" | "paused";
export type PauseReason = "failing" | "manual";

export interface WebhookSubscription {
  id: number;
  companyId: number;
  url: string;
  description: string;
  events: WebhookEvent[];
  status: SubscriptionStatus;
  pausedReason: PauseReason | null;
  pausedAt: number | null;
  /** First failure since the last success (null while deliveries succeed). */
  failingSince: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface SubscriptionInput {
  url: string;
  description: string;
  events: WebhookEvent[];
}

export type DeliveryState = "pending" | "delivered" | "failed";

export interface WebhookDelivery {
  id: number;
  uid: string;
  subscriptionId: number;
  companyId: number;
  event: string;
  orderKey: string;
  data: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number;
  expiresAt: number;
  sendingSince: number | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  finishedAt: number | null;
}

/** One request made for a delivery, as the log shows it. */
export interface DeliveryAttempt {
  id: number;
  deliveryId: number;
  deliveryUid: string;
  event: string;
  state: DeliveryState;
  attempt: number;
  at: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}
