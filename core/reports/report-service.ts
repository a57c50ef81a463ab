import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import type { LedgerRepository } from "../billing/ledger-repository.ts";
import type { PresenceService } from "../routing/presence-service.ts";
import { PLATFORM_TIME_ZONE } from "../tenancy/company.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { API_PAGE_SIZE, toSlice, type Slice } from "../shared/paging.ts";
import { T } from "../tokens.ts";
import { bucketIndexes, reportRange, type ReportRange } from "./report-range.ts";
import type { AgentRow, ReportRepository, TimeStatRow } from "./report-repository.ts";

export interface ActivityPoint {
  start: number;
  received: number;
  sent: number;
  opened: number;
  closed: number;
}

/** Count, median and 90th percentile of durations, in whole seconds (null when there are none). */
export interface TimeStat {
  count: number;
  median: number | null;
  p90: number | null;
}

export interface TimesRow {
  id: number | null;
  name: string | null;
  firstResponse: TimeStat;
  resolution: TimeStat;
}

export interface TimesReport {
  overall: { firstResponse: TimeStat; resolution: TimeStat };
  byQueue: TimesRow[];
  byAgent: TimesRow[];
}

export interface AgentStatus {
  userId: number;
  username: string;
  name: string;
  role: string;
  online: boolean;
  openConversations: number;
}

export interface BotReport {
  finished: number;
  contained: number;
  /** Share of bot-started conversations finalized without a person, 0..1 (null: none finished). */
  containment: number | null;
  handoffs: { reason: string; count: number }[];
}

export interface CompanyOverview {
  companyId: number;
  name: string;
  currency: string;
  balance: number;
  received: number;
  sent: number;
  opened: number;
  closed: number;
  unanswered: number;
  online: number;
}

/**
 * The dashboard's and the reports API's figures: activity by hour or day in the
 * company's time zone, who is connected, what waits for an answer, response and
 * resolution times, channels, the bots' share. Reads only.
 */
@injectable()
export class ReportService {
  constructor(
    @inject(T.ReportRepository) private readonly reports: ReportRepository,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.LedgerRepository) private readonly ledger: LedgerRepository,
    @inject(T.PresenceService) private readonly presence: PresenceService,
    @inject(T.Clock) private readonly clock: Clock,
  ) {}

  timeZoneOf(companyId: number | null): string {
    return (companyId !== null ? this.companies.get(companyId)?.timeZone : undefined) ?? PLATFORM_TIME_ZONE;
  }

  range(companyId: number | null, input: { preset?: string; from?: string; to?: string; bucket?: string }): ReportRange {
    return reportRange(input, this.clock.now(), this.timeZoneOf(companyId));
  }

  activity(companyId: number | null, range: ReportRange): ActivityPoint[] {
    const points = range.edges.slice(0, -1).map((start) => ({ start, received: 0, sent: 0, opened: 0, closed: 0 }));
    const rows = this.reports.activity(companyId, range.from, range.to);
    bucketIndexes(rows.map((r) => r.bucket), range.edges).forEach((i, k) => {
      if (i < 0) return;
      const p = points[i]!;
      const r = rows[k]!;
      p.received += r.received;
      p.sent += r.sent;
      p.opened += r.opened;
      p.closed += r.closed;
    });
    return points;
  }

  times(companyId: number, range: ReportRange): TimesReport {
    const stats = (metric: "first_response" | "resolution", by: "all" | "queue" | "agent") => this.reports.timeStats(companyId, range.from, range.to, metric, by);
    const overall = (metric: "first_response" | "resolution") => inSeconds(stats(metric, "all")[0]);
    return { overall: { firstResponse: overall("first_response"), resolution: overall("resolution") }, byQueue: grouped(stats("first_response", "queue"), stats("resolution", "queue")), byAgent: grouped(stats("first_response", "agent"), stats("resolution", "agent")) };
  }

  channels(companyId: number, range: ReportRange) {
    return this.reports.byChannel(companyId, range.from, range.to);
  }

  bot(companyId: number, range: ReportRange): BotReport {
    const c = this.reports.containment(companyId, range.from, range.to);
    return { ...c, containment: c.finished ? c.contained / c.finished : null, handoffs: this.reports.handoffs(companyId, range.from, range.to) };
  }

  agents(companyId: number): AgentStatus[] {
    return this.reports.agents(companyId).map((a) => this.status(a));
  }

  /** A page of `agents` in user id order (the API). */
  agentSlice(companyId: number, afterId: number, limit = API_PAGE_SIZE): Slice<AgentStatus> {
    return toSlice(this.reports.agentsAfter(companyId, afterId, limit + 1).map((a) => this.status(a)), limit, (a) => a.userId);
  }

  unanswered(companyId: number): { count: number; oldestSince: number | null } {
    return this.reports.unanswered(companyId);
  }

  /** The operator's view: every company with its balance and the range's activity, and the platform's totals. */
  overview(range: ReportRange): { companies: CompanyOverview[]; totals: Omit<CompanyOverview, "companyId" | "name" | "currency" | "balance"> } {
    const activity = new Map(this.reports.activityByCompany(range.from, range.to).map((a) => [a.companyId, a]));
    const unanswered = this.reports.unansweredByCompany();
    const online = new Map<number, number>();
    for (const u of this.reports.choseOnline()) if (this.presence.isOnlineGiven(u.userId, true)) online.set(u.companyId, (online.get(u.companyId) ?? 0) + 1);
    const companies = this.ledger.balances().map((c) => {
      const a = activity.get(c.companyId);
      return {
        companyId: c.companyId,
        name: c.name,
        currency: c.currency,
        balance: c.balance,
        received: a?.received ?? 0,
        sent: a?.sent ?? 0,
        opened: a?.opened ?? 0,
        closed: a?.closed ?? 0,
        unanswered: unanswered.get(c.companyId) ?? 0,
        online: online.get(c.companyId) ?? 0,
      };
    });
    const totals = { received: 0, sent: 0, opened: 0, closed: 0, unanswered: 0, online: 0 };
    for (const c of companies) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += c[k];
    return { companies, totals };
  }

  private status(a: AgentRow): AgentStatus {
    return { userId: a.userId, username: a.username, name: a.name, role: a.role, online: this.presence.isOnlineGiven(a.userId, a.choseOnline), openConversations: a.open };
  }
}

/** Count, median and p90 in whole seconds (null when there is nothing to measure). */
function inSeconds(r: TimeStatRow | undefined): TimeStat {
  if (!r) return { count: 0, median: null, p90: null };
  return { count: r.count, median: r.median === null ? null : Math.round(r.median / 1000), p90: r.p90 === null ? null : Math.round(r.p90 / 1000) };
}

/** One row per queue or agent that had either figure, by name. */
function grouped(first: TimeStatRow[], resolution: TimeStatRow[]): TimesRow[] {
  const rows = new Map<number | null, TimesRow>();
  const row = (r: TimeStatRow) => rows.get(r.id) ?? rows.set(r.id, { id: r.id, name: r.name, firstResponse: inSeconds(undefined), resolution: inSeconds(undefined) }).get(r.id)!;
  for (const r of first) row(r).firstResponse = inSeconds(r);
  for (const r of resolution) row(r).resolution = inSeconds(r);
  return [...rows.values()].sort((a, b) => (a.name ?? "\uffff").localeCompare(b.name ?? "\uffff"));
}
