import type { WebhookSubscription } from "../../core/outbound-webhooks/subscription.ts";
import type { PageContext } from "../context.ts";
import type { FieldErrors } from "../components/fields.tsx";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";
import { WebhookForm, type WebhookFormValues } from "./webhook-form.tsx";
import { StatusBadge } from "./status-badge.tsx";

/** Webhooks: the company's subscriptions and the form for a new one. */
export function WebhooksPage(props: {
  ctx: PageContext;
  subscriptions: WebhookSubscription[];
  form?: WebhookFormValues;
  errors?: FieldErrors;
}): JSX.Element {
  const { ctx } = props;
  const { t } = ctx;
  const paused = props.subscriptions.filter((s) => s.pausedReason === "failing").length;
  return (
    <Layout ctx={ctx} title={t.plain("webhook.title")}>
      <div class="page-head">
        <h1>{t("webhook.title")}</h1>
      </div>
      <p class="muted">{t("webhook.intro")}</p>
      {paused ? (
        <div class="banner attention" role="alert" id="webhooks-paused">
          {t("webhook.paused_banner", { count: paused })}
        </div>
      ) : (
        ""
      )}
      <Table
        t={t}
        id="webhooks"
        empty={t("webhook.empty")}
        head={[t("webhook.url"), t("webhook.events"), t("webhook.status"), t("common.actions")]}
        rows={props.subscriptions.map((s) => [
          <span class="break">
            <a href={`/admin/webhooks/${s.id}`} safe>
              {s.url}
            </a>
            {s.description ? <span class="muted block" safe>{s.description}</span> : ""}
          </span>,
          <span class="event-list">
            {s.events.map((e) => (
              <code title={t.plain(`webhook.event.${e}`)}>
                {e}
              </code>
            ))}
          </span>,
          <StatusBadge t={t} s={s} />,
          <a href={`/admin/webhooks/${s.id}`}>{t("webhook.open")}</a>,
        ])}
      />
      <section class="card" id="new-webhook">
        <h2>{t("webhook.new")}</h2>
        <WebhookForm t={t} csrf={ctx.csrf} action="/admin/webhooks" values={props.form ?? { url: "", description: "", events: [] }} errors={props.errors} submit="common.create" />
      </section>
    </Layout>
  );
}
