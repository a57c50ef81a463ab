import type { DeliveryAttempt, WebhookSubscription } from "../../core/outbound-webhooks/subscription.ts";
import type { PageContext } from "../context.ts";
import { ActionButton, CsrfField, type FieldErrors } from "../components/fields.tsx";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";
import { SecretCard } from "./secret-card.tsx";
import { StatusBadge } from "./status-badge.tsx";
import { WebhookForm, type WebhookFormValues } from "./webhook-form.tsx";

export interface TestOutcome {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/** One subscription: its actions, its settings, and the delivery log. */
export function WebhookPage(props: {
  ctx: PageContext;
  subscription: WebhookSubscription;
  attempts: DeliveryAttempt[];
  /** Attempt id to continue the log from (older), or null on the last page. */
  olderFrom: number | null;
  pending: number;
  formatTime: (ms: number | null) => string;
  secret?: string;
  test?: TestOutcome;
  form?: WebhookFormValues;
  errors?: FieldErrors;
}): JSX.Element {
  const { ctx, subscription: s } = props;
  const { t } = ctx;
  const base = `/admin/webhooks/${s.id}`;
  return (
    <Layout ctx={ctx} title={t.plain("webhook.title")}>
      <p>
        <a href="/admin/webhooks">{t("webhook.back")}</a>
      </p>
      <h1 class="break">
        <span safe>{s.url}</span> <StatusBadge t={t} s={s} />
      </h1>
      {s.pausedReason === "failing" ? (
        <div class="banner attention" role="alert" id="webhook-paused">
          {t("webhook.paused_failing", { since: props.formatTime(s.pausedAt) })}
        </div>
      ) : (
        ""
      )}
      {props.secret ? <SecretCard t={t} secret={props.secret} /> : ""}
      {props.test ? (
        <section class={props.test.ok ? "card ok" : "card warn"} id="test-result" role="status">
          {props.test.ok
            ? t("webhook.test_ok", { status: props.test.statusCode ?? 0, ms: props.test.latencyMs })
            : t("webhook.test_failed", { reason: props.test.error ?? "" })}
        </section>
      ) : (
        ""
      )}
      <div class="actions card" id="webhook-actions">
        <form method="post" action={`${base}/test`} class="inline">
          <CsrfField csrf={ctx.csrf} />
          <button type="submit" class="primary">
            {t("webhook.send_test")}
          </button>
        </form>
        {s.status === "active" ? (
          <ActionButton csrf={ctx.csrf} action={`${base}/pause`} label={t("webhook.pause")} />
        ) : (
          <ActionButton csrf={ctx.csrf} action={`${base}/resume`} label={t("webhook.resume")} />
        )}
        <ActionButton csrf={ctx.csrf} action={`${base}/rotate`} label={t("webhook.rotate")} confirm={t.plain("webhook.confirm_rotate")} />
        <ActionButton csrf={ctx.csrf} action={`${base}/delete`} label={t("common.delete")} confirm={t.plain("webhook.confirm_delete")} danger />
      </div>
      <section class="card" id="webhook-log">
        <h2>{t("webhook.log")}</h2>
        {props.pending ? <p class="muted">{t("webhook.pending", { count: props.pending })}</p> : ""}
        <Table
          t={t}
          id="deliveries"
          empty={t("webhook.log_empty")}
          head={[t("webhook.col.time"), t("webhook.col.event"), t("webhook.col.response"), t("webhook.col.latency"), t("webhook.col.attempt"), t("common.actions")]}
          rows={props.attempts.map((a) => [
            <span safe>{props.formatTime(a.at)}</span>,
            <code safe>{a.event}</code>,
            a.statusCode !== null ? (
              <span class={a.statusCode >= 200 && a.statusCode < 300 ? "ok-text" : "danger-text"}>{a.statusCode}</span>
            ) : (
              <span class="danger-text" safe>
                {a.error ?? "—"}
              </span>
            ),
            <span>{t("webhook.ms", { ms: a.latencyMs })}</span>,
            <span>{a.attempt}</span>,
            a.event === "webhook.test" ? (
              ""
            ) : (
              <ActionButton csrf={ctx.csrf} action={`${base}/deliveries/${a.deliveryUid}/redeliver`} label={t("webhook.redeliver")} />
            ),
          ])}
        />
        {props.olderFrom ? (
          <p>
            <a href={`${base}?before=${props.olderFrom}#webhook-log`} rel="next">
              {t("webhook.older")}
            </a>
          </p>
        ) : (
          ""
        )}
      </section>
      <section class="card" id="edit-webhook">
        <h2>{t("webhook.edit")}</h2>
        <WebhookForm t={t} csrf={ctx.csrf} action={base} values={props.form ?? { url: s.url, description: s.description, events: s.events }} errors={props.errors} submit="common.save" />
      </section>
      <section class="card docs" id="verify-signature">
        <h2>{t("webhook.verify_title")}</h2>
        <p>{t("webhook.verify_intro")}</p>
        <pre class="snippet">
          {VERIFY_SNIPPET}
        </pre>
      </section>
    </Layout>
  );
}

const VERIFY_SNIPPET = `// Node.js / Bun
import { createHmac, timingSafeEqual } from "node:crypto";
const raw = await request.text(); // the body exactly as received
const expected = "sha256=" + createHmac("sha256", SECRET).update(raw).digest("hex");
const given = request.headers.get("x-charla-signature") ?? "";
const ok = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));`;
