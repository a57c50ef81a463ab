import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Guard } from "../http/guard-provider.ts";
import type { ReportRange } from "../reports/report-range.ts";
import type { ReportService, TimesRow } from "../reports/report-service.ts";
import { isoInZone } from "../shared/zoned-time.ts";
import { T } from "../tokens.ts";
import { iso } from "./serializers.ts";
import { Activity, activityExample, agentExample, AgentStatus, BotReport, botReportExample, ChannelReport, channelReportExample, list, listOf, Times, timesExample, Unanswered, unansweredExample } from "./api-schemas.ts";
import { op } from "./docs.ts";
import { IdPage, limitOf } from "./pagination.ts";

const RANGE = t.Object({
  preset: t.Optional(t.Union([t.Literal("today"), t.Literal("week"), t.Literal("month"), t.Literal("custom")])),
  from: t.Optional(t.String({ maxLength: 10 })),
  to: t.Optional(t.String({ maxLength: 10 })),
});

const tags = ["reports"];

function rangeJson(r: ReportRange) {
  return { timeZone: r.timeZone, from: r.fromDate, to: r.toDate, bucket: r.bucket };
}

function timesRowJson(key: "queueId" | "userId", r: TimesRow) {
  return { [key]: r.id, name: r.name, firstResponse: r.firstResponse, resolution: r.resolution };
}

/**
 * `/api/v1/reports/*`: the dashboard's figures for integrations (a BI tool, a
 * spreadsheet). Ranges are calendar days in the company's time zone
 * (`from`/`to` YYYY-MM-DD, inclusive) or a preset; durations in seconds.
 */
@injectable()
export class ReportApi {
  constructor(
    @inject(T.ReportService) private readonly reports: ReportService,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/api/v1" })
      .use(this.guard.plugin)
      .get(
        "/reports/activity",
        ({ scope, query }) => {
          const range = this.reports.range(scope.companyId, query);
          const data = this.reports.activity(scope.companyId, range).map((p) => ({ start: isoInZone(p.start, range.timeZone), received: p.received, sent: p.sent, opened: p.opened, closed: p.closed }));
          return { ...rangeJson(range), data };
        },
        {
          api: "read",
          query: t.Object({ ...RANGE.properties, bucket: t.Optional(t.Union([t.Literal("hour"), t.Literal("day")])) }),
          detail: op({
            summary: "Messages received and sent, conversations opened and finalized, by hour or day in the company's time zone (a series bounded by the range: not paged)",
            tags,
            ok: { schema: Activity, example: activityExample },
          }),
        },
      )
      .get(
        "/reports/agents",
        ({ scope, query }) => {
          const s = this.reports.agentSlice(scope.companyId, query.cursor ?? 0, limitOf(query));
          return { data: s.data.map((a) => ({ userId: a.userId, username: a.username, name: a.name, role: a.role, online: a.online, openConversations: a.openConversations })), next: s.next };
        },
        {
          api: "read",
          query: IdPage,
          detail: op({
            summary: "Estado de operadores conectados: each active user in id order, connected or not, with open conversations",
            tags,
            ok: { schema: listOf(AgentStatus), example: list(agentExample) },
          }),
        },
      )
      .get(
        "/reports/unanswered",
        ({ scope }) => {
          const u = this.reports.unanswered(scope.companyId);
          return { count: u.count, oldestSince: u.oldestSince === null ? null : iso(u.oldestSince) };
        },
        { api: "read", detail: op({ summary: "Conversations waiting for a person's answer, and since when the oldest waits", tags, ok: { schema: Unanswered, example: unansweredExample } }) },
      )
      .get(
        "/reports/times",
        ({ scope, query }) => {
          const range = this.reports.range(scope.companyId, query);
          const r = this.reports.times(scope.companyId, range);
          return {
            ...rangeJson(range),
            firstResponse: r.overall.firstResponse,
            resolution: r.overall.resolution,
            byQueue: r.byQueue.map((q) => timesRowJson("queueId", q)),
            byAgent: r.byAgent.map((a) => timesRowJson("userId", a)),
          };
        },
        {
          api: "read",
          query: RANGE,
          detail: op({ summary: "First-response and resolution times (count, median, p90 in seconds), overall, per queue and per agent", tags, ok: { schema: Times, example: timesExample } }),
        },
      )
      .get(
        "/reports/channels",
        ({ scope, query }) => {
          const range = this.reports.range(scope.companyId, query);
          return { ...rangeJson(range), data: this.reports.channels(scope.companyId, range).map((c) => ({ channelId: c.channelId, name: c.name, plugin: c.pluginId, opened: c.opened, received: c.received, sent: c.sent })) };
        },
        { api: "read", query: RANGE, detail: op({ summary: "Conversations and messages per channel (one row per channel: not paged)", tags, ok: { schema: ChannelReport, example: channelReportExample } }) },
      )
      .get(
        "/reports/bot",
        ({ scope, query }) => {
          const range = this.reports.range(scope.companyId, query);
          return { ...rangeJson(range), ...this.reports.bot(scope.companyId, range) };
        },
        {
          api: "read",
          query: RANGE,
          detail: op({ summary: "Bot containment (share finished without a person) and why conversations were handed to people", tags, ok: { schema: BotReport, example: botReportExample } }),
        },
      );
  }
}
