import type { MessageKey, Translate } from "../../core/i18n/index.ts";
import type { SystemSummary } from "../../core/observability/system-summary.ts";
import type { PageContext } from "../context.ts";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";

export interface SystemStatusData {
  summary: SystemSummary;
  metricsOn: boolean;
  /** "14:05:12" in the viewer's zone. */
  updatedAt: string;
}

/** "Estado del sistema": the operator's readable view of what /metrics publishes, refreshed every 10 s. */
export function SystemStatusPage({ ctx, data }: { ctx: PageContext; data: SystemStatusData }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("system.title")}>
      <div class="page-head">
        <h1>{t("system.title")}</h1>
      </div>
      <p class="help">
        {t("system.intro")} {data.metricsOn ? t("system.metrics_on") : t("system.metrics_off")}
      </p>
      {/* The figures re-fetch themselves; innerMorph keeps the page still while numbers change. */}
      <div id="system-live" hx-get="/admin/system/live" hx-trigger="every 10s" hx-swap="innerMorph">
        <SystemFigures t={t} data={data} />
      </div>
    </Layout>
  );
}

export function SystemFigures({ t, data }: { t: Translate; data: SystemStatusData }): JSX.Element {
  const s = data.summary;
  const f = formats(t);
  const kpi = (id: string, label: MessageKey, value: string, warn = false) => (
    <div class={warn ? "kpi warn" : "kpi"} id={id}>
      <span class="kpi-label">{t(label)}</span>
      <strong safe>{value}</strong>
    </div>
  );
  const ago = (ms: number | null, none: MessageKey) => (ms === null ? t.plain(none) : t.plain("system.ago", { age: f.duration(ms) }));
  return (
    <>
      <section class="card" id="system-process">
        <h2>{t("system.section.process")}</h2>
        <div class="kpis">
          {kpi("sys-uptime", "system.uptime", f.duration(s.uptimeMs))}
          {kpi("sys-rss", "system.memory", f.bytes(s.rssBytes))}
          {kpi("sys-heap", "system.heap", f.bytes(s.heapBytes))}
          {kpi("sys-in-flight", "system.in_flight", f.n(s.inFlight))}
        </div>
      </section>
      <section class="card" id="system-traffic">
        <h2>{t("system.section.traffic")}</h2>
        <div class="kpis">
          {kpi("sys-http", "system.http_total", f.n(s.http.total))}
          {kpi("sys-http-4xx", "system.http_4xx", f.n(s.http.clientErrors))}
          {kpi("sys-http-5xx", "system.http_5xx", f.n(s.http.serverErrors), s.http.serverErrors > 0)}
          {kpi("sys-webhooks", "system.webhooks", f.n(s.webhooks.total))}
          {kpi("sys-webhooks-refused", "system.webhooks_refused", f.n(s.webhooks.refused), s.webhooks.refused > 0)}
          {kpi("sys-webhook-p50", "system.webhook_p50", f.latency(s.webhooks.p50))}
          {kpi("sys-webhook-p99", "system.webhook_p99", f.latency(s.webhooks.p99))}
        </div>
        <Table
          t={t}
          id="system-routes"
          empty={t("system.no_traffic")}
          head={[t("system.route"), t("system.requests")]}
          rows={s.http.top.map((r) => [<code safe>{r.route}</code>, <span safe>{f.n(r.count)}</span>])}
        />
      </section>
      <section class="card" id="system-sending">
        <h2>{t("system.section.sending")}</h2>
        <div class="kpis">
          {kpi("sys-outbox", "system.outbox", f.n(s.outbox.depth))}
          {kpi("sys-outbox-oldest", "system.outbox_oldest", s.outbox.oldestAgeMs === null ? t.plain("system.none") : f.duration(s.outbox.oldestAgeMs), (s.outbox.oldestAgeMs ?? 0) > 10 * 60_000)}
          {kpi("sys-sent", "system.sent", f.n(s.sends.sent))}
          {kpi("sys-retries", "system.retries", f.n(s.sends.retries))}
          {kpi("sys-failures", "system.failures", f.n(s.sends.failures), s.sends.failures > 0)}
          {kpi("sys-webhook-queue", "system.webhook_queue", f.n(s.webhookQueue))}
        </div>
        {s.sends.byCode.length ? (
          <>
            <h3>{t("system.failures_by_code")}</h3>
            <Table
              t={t}
              id="system-send-codes"
              head={[t("system.outcome"), t("system.code"), t("system.count")]}
              rows={s.sends.byCode.map((r) => [
                t(r.outcome === "retry" ? "system.outcome.retry" : "system.outcome.failed"),
                r.code ? <code safe>{r.code}</code> : t("system.code_none"),
                <span safe>{f.n(r.count)}</span>,
              ])}
            />
          </>
        ) : (
          ""
        )}
      </section>
      <section class="card" id="system-live-figures">
        <h2>{t("system.section.live")}</h2>
        <div class="kpis">
          {kpi("sys-sse-inbox", "system.sse_inbox", f.n(s.sse.inbox))}
          {kpi("sys-sse-dashboard", "system.sse_dashboard", f.n(s.sse.dashboard))}
        </div>
      </section>
      <section class="card" id="system-automation">
        <h2>{t("system.section.automation")}</h2>
        <div class="kpis">
          {kpi("sys-bot-started", "system.bot_started", f.n(s.bots.started))}
          {kpi("sys-bot-ended", "system.bot_ended", f.n(s.bots.ended))}
          {kpi("sys-ai-calls", "system.ai_calls", f.n(s.ai.calls))}
          {kpi("sys-ai-errors", "system.ai_errors", f.n(s.ai.errors), s.ai.errors > 0)}
          {kpi("sys-ai-tokens", "system.ai_tokens", f.n(s.ai.tokens))}
        </div>
      </section>
      <section class="card" id="system-storage">
        <h2>{t("system.section.storage")}</h2>
        <div class="kpis">
          {kpi("sys-db", "system.db_size", f.bytes(s.storage.databaseBytes))}
          {kpi("sys-wal", "system.wal_size", f.bytes(s.storage.walBytes))}
          {kpi("sys-backup", "system.backup_age", ago(s.storage.backupAgeMs, "system.backup_none"), s.storage.backupAgeMs === null || s.storage.backupAgeMs > 2 * 86_400_000)}
          {kpi(
            "sys-replication",
            "system.replication",
            s.storage.replication.enabled ? ago(s.storage.replication.lagMs, "system.replication_never") : t.plain("system.replication_off"),
            s.storage.replication.enabled && (s.storage.replication.lagMs === null || s.storage.replication.lagMs > 5 * 60_000),
          )}
        </div>
      </section>
      <p class="help" id="system-updated" safe>
        {t.plain("system.updated", { time: data.updatedAt })}
      </p>
    </>
  );
}

/** Numbers, sizes and durations in the viewer's language. */
function formats(t: Translate) {
  const locale = t.lang === "en" ? "en-US" : "es-CO";
  const int = new Intl.NumberFormat(locale);
  const one = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const unit = (u: string) => new Intl.NumberFormat(locale, { style: "unit", unit: u, unitDisplay: "narrow", maximumFractionDigits: 0 });
  const [d, h, m, s] = ["day", "hour", "minute", "second"].map(unit) as [Intl.NumberFormat, Intl.NumberFormat, Intl.NumberFormat, Intl.NumberFormat];
  return {
    n: (x: number) => int.format(x),
    bytes: (b: number) => (b >= 1024 ** 3 ? `${one.format(b / 1024 ** 3)} GB` : b >= 1024 ** 2 ? `${one.format(b / 1024 ** 2)} MB` : `${one.format(b / 1024)} KB`),
    /** The two largest units: "3 d 4 h", "12 min 5 s". */
    duration: (ms: number) => {
      const sec = Math.floor(ms / 1000);
      if (sec < 60) return s.format(sec);
      if (sec < 3600) return `${m.format(Math.floor(sec / 60))} ${s.format(sec % 60)}`;
      if (sec < 86_400) return `${h.format(Math.floor(sec / 3600))} ${m.format(Math.floor((sec % 3600) / 60))}`;
      return `${d.format(Math.floor(sec / 86_400))} ${h.format(Math.floor((sec % 86_400) / 3600))}`;
    },
    /** A histogram bound: "≤ 5 ms" ("—" with no webhooks yet). */
    latency: (sec: number | null) => (sec === null ? "—" : sec === Infinity ? "> 10 s" : sec < 1 ? `≤ ${one.format(sec * 1000)} ms` : `≤ ${one.format(sec)} s`),
  };
}
