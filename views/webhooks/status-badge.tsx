import type { Translate } from "../../core/i18n/index.ts";
import type { WebhookSubscription } from "../../core/outbound-webhooks/subscription.ts";

export function StatusBadge({ t, s }: { t: Translate; s: Pick<WebhookSubscription, "status" | "pausedReason"> }): JSX.Element {
  if (s.status === "active") return <span class="badge">{t("webhook.status.active")}</span>;
  return <span class={s.pausedReason === "failing" ? "badge needs_attention" : "badge muted"}>{t(s.pausedReason === "failing" ? "webhook.status.failing" : "webhook.status.paused")}</span>;
}
