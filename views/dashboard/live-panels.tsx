import type { AgentStatus } from "../../core/reports/report-service.ts";
import type { Translate } from "../../core/i18n/index.ts";
import type { PageContext } from "../context.ts";
import { Table } from "../components/table.tsx";

export interface LiveData {
  unanswered: { count: number; oldestSince: number | null };
  agents: AgentStatus[];
}

/**
 * What changes while the admin watches: "mensajes por contestar" and "Estado de
 * operadores conectados". The block re-fetches itself when the dashboard stream
 * says something changed (an agent connected, a conversation was answered).
 */
export function LivePanels(props: { ctx: PageContext; data: LiveData; qs: string }): JSX.Element {
  return (
    <div id="live" hx-get={`/dashboard/live?${props.qs}`} hx-trigger="dashboard from:#dash-sse" hx-swap="innerMorph">
      <LiveContent t={props.ctx.t} data={props.data} />
    </div>
  );
}

export function LiveContent(props: { t: Translate; data: LiveData }): JSX.Element {
  const { t, data } = props;
  const online = data.agents.filter((a) => a.online).length;
  return (
    <div class="dash-grid">
      <section class="card" id="unanswered">
        <h2>{t("dashboard.unanswered")}</h2>
        <p class="big-number">
          <strong id="unanswered-count">{data.unanswered.count}</strong>
        </p>
        {data.unanswered.oldestSince !== null ? (
          <p class="muted">
            {t("dashboard.oldest")} <time data-since={data.unanswered.oldestSince}></time>
          </p>
        ) : (
          <p class="muted">{t("dashboard.none_waiting")}</p>
        )}
        <a href="/inbox?tab=all&unanswered=1" id="unanswered-link">
          {t("dashboard.open_inbox")}
        </a>
      </section>
      <section class="card" id="operators">
        <div class="card-head">
          <h2>{t("dashboard.operators")}</h2>
          <a href="/dashboard/export/operators.csv" class="csv-link" download="">
            {t("dashboard.csv")}
          </a>
        </div>
        <p class="muted">{t("dashboard.online_count", { online, total: data.agents.length })}</p>
        <Table
          t={t}
          id="operators-table"
          head={[t("dashboard.status"), t("dashboard.username"), t("dashboard.operator"), t("dashboard.open_conversations")]}
          rows={data.agents.map((a) => [
            <span class={a.online ? "presence on" : "presence off"} data-user={a.username}>
              <span class="dot" aria-hidden="true"></span>
              {t(a.online ? "dashboard.connected" : "dashboard.disconnected")}
            </span>,
            <span safe>{a.username}</span>,
            <span safe>{a.name}</span>,
            <span>{a.openConversations}</span>,
          ])}
          empty={t("dashboard.no_agents")}
        />
      </section>
    </div>
  );
}
