import { majorText } from "../billing/money.ts";
import { isoInZone } from "../shared/zoned-time.ts";
import type { ReportRange } from "./report-range.ts";
import type { ReportService } from "./report-service.ts";

type Rows = (string | number | null)[][];

/**
 * Every dashboard table as CSV rows (machine headers, durations in seconds,
 * amounts in the major unit): what a spreadsheet sums. `companyId` null: the
 * operator's all-companies table.
 */
export function dashboardCsv(reports: ReportService, table: string, companyId: number | null, range: ReportRange): Rows | null {
  if (table === "activity") {
    return [["start", "received", "sent", "opened", "closed"], ...reports.activity(companyId, range).map((p) => [isoInZone(p.start, range.timeZone), p.received, p.sent, p.opened, p.closed])];
  }
  if (companyId === null) {
    if (table !== "companies") return null;
    return [
      ["company", "currency", "balance", "received", "sent", "opened", "closed", "unanswered", "online"],
      ...reports.overview(range).companies.map((c) => [c.name, c.currency, majorText(c.balance, c.currency), c.received, c.sent, c.opened, c.closed, c.unanswered, c.online]),
    ];
  }
  switch (table) {
    case "operators":
      return [["username", "name", "role", "online", "open_conversations"], ...reports.agents(companyId).map((a) => [a.username, a.name, a.role, a.online ? "yes" : "no", a.openConversations])];
    case "queues":
    case "agents-times": {
      const times = reports.times(companyId, range);
      const list = table === "queues" ? times.byQueue : times.byAgent;
      return [
        [table === "queues" ? "queue" : "agent", "first_response_median_s", "first_response_p90_s", "first_responses", "resolution_median_s", "resolution_p90_s", "finalized"],
        ...list.map((r) => [r.name, r.firstResponse.median, r.firstResponse.p90, r.firstResponse.count, r.resolution.median, r.resolution.p90, r.resolution.count]),
      ];
    }
    case "channels":
      return [["channel", "plugin", "opened", "received", "sent"], ...reports.channels(companyId, range).map((c) => [c.name, c.pluginId, c.opened, c.received, c.sent])];
    case "handoffs": {
      const bot = reports.bot(companyId, range);
      return [["reason", "count"], ...bot.handoffs.map((h) => [h.reason, h.count]), ["contained", bot.contained], ["finished_with_bot", bot.finished]];
    }
    default:
      return null;
  }
}
