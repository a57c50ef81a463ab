#!/usr/bin/env bun
/**
 * Dashboard and ledger at size: (1) 1M messages and 60k conversation cycles over
 * 30 days, written through the real schema (the triggers keep the rollups), then
 * the whole dashboard page for "Mes" through app.handle, p50/p95 server time, with
 * the data reads and the two chart drawings measured apart (aim < 100 ms);
 * (2) ledger entries written per second (usage charges, each in its own
 * transaction as the meter does); (3) the balance read p95 with 1M entries.
 * Asserts nothing. Run: bun bench/dashboard.ts [--messages 1000000]
 */
import type { LedgerRepository } from "../core/billing/ledger-repository.ts";
import type { UnitOfWork } from "../core/db/unit-of-work.ts";
import type { ReportService } from "../core/reports/report-service.ts";
import { activityChartSvg } from "../core/reports/activity-chart.ts";
import { T } from "../core/tokens.ts";
import { createTestApp } from "../tests/helpers/test-app.ts";
import { makeTempDir, removeAllTempDirs } from "./lib/server-process.ts";

const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const MESSAGES = arg("--messages", 1_000_000);
const CYCLES = 60_000;
const LEDGER = 1_000_000;
const DAY = 86_400_000;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
const f = (n: number) => n.toFixed(1);

const app = await createTestApp({ env: { DATA_DIR: makeTempDir() } });
try {
  const db = app.db;
  const queue = app.makeQueue(app.companyId, "ventas");
  const agent = await app.makeUser(app.companyId, "ana", "agent", [queue]);
  await app.makeUser(app.companyId, "jefa", "admin");
  const channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", queue);
  const now = Date.now();
  const start = now - 30 * DAY;

  let t0 = performance.now();
  db.query("INSERT INTO contacts (company_id, name, created_at, updated_at) VALUES (?, 'bench', ?, ?)").run(app.companyId, start, start);
  const contact = db.query<{ id: number }, []>("SELECT max(id) AS id FROM contacts").get()!.id;
  const conv = db.query("INSERT INTO conversations (company_id, channel_id, contact_id, status, queue_id, last_message_at, created_at, opened_at) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?)");
  const answer = db.query("UPDATE conversations SET assignee_id = ?, status = 'open', first_response_at = ? WHERE id = ?");
  const close = db.query("UPDATE conversations SET status = 'closed', closed_at = ? WHERE id = ?");
  const msg = db.query("INSERT INTO messages (conversation_id, company_id, channel_id, direction, author, kind, status, created_at) VALUES (?, ?, ?, ?, ?, 'text', 'received', ?)");
  const perCycle = Math.ceil(MESSAGES / CYCLES);
  let written = 0;
  db.transaction(() => {
    for (let i = 0; i < CYCLES; i++) {
      const at = start + Math.floor((i / CYCLES) * 30 * DAY);
      const id = Number(conv.run(app.companyId, channel, contact, queue, at, at, at).lastInsertRowid);
      for (let k = 0; k < perCycle && written < MESSAGES; k++, written++) {
        const out = k % 2 === 1;
        msg.run(id, app.companyId, channel, out ? "out" : "in", out ? "agent" : "customer", at + k * 30_000);
      }
      answer.run(agent, at + 120_000 + (i % 600) * 1000, id);
      close.run(at + 3_600_000 + (i % 7200) * 1000, id);
    }
  })();
  const seedS = (performance.now() - t0) / 1000;
  const rollups = db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM activity_rollups").get()!.n;
  console.log(`seeded ${written.toLocaleString("en")} messages, ${CYCLES.toLocaleString("en")} cycles in ${f(seedS)} s (${rollups} rollup rows)`);

  // (1) The dashboard for "Mes": the whole page, and its parts.
  const admin = app.client();
  await admin.login("jefa", "password-123");
  await admin.get("/?preset=month"); // loads echarts once
  const page: number[] = [];
  for (let i = 0; i < 30; i++) {
    t0 = performance.now();
    const res = await admin.get("/?preset=month");
    await res.text();
    page.push(performance.now() - t0);
  }
  const reports = app.container.resolve<ReportService>(T.ReportService);
  const data: number[] = [];
  const chart: number[] = [];
  for (let i = 0; i < 30; i++) {
    t0 = performance.now();
    const range = reports.range(app.companyId, { preset: "month" });
    const points = reports.activity(app.companyId, range);
    reports.times(app.companyId, range);
    reports.channels(app.companyId, range);
    reports.bot(app.companyId, range);
    reports.agents(app.companyId);
    reports.unanswered(app.companyId);
    data.push(performance.now() - t0);
    t0 = performance.now();
    const labels = points.map((p) => String(p.start));
    const text = { title: "t", received: "r", sent: "s", opened: "o", closed: "c" };
    activityChartSvg(points, labels, text, { width: 960, height: 300 });
    activityChartSvg(points, labels, text, { width: 360, height: 280 });
    chart.push(performance.now() - t0);
  }
  console.log(`dashboard "Mes" (30 days, ${written.toLocaleString("en")} messages): page p50 ${f(pct(page, 50))} ms, p95 ${f(pct(page, 95))} ms (aim < 100)`);
  console.log(`  of which data reads p50 ${f(pct(data, 50))} ms p95 ${f(pct(data, 95))} ms; the two SVG charts p50 ${f(pct(chart, 50))} ms p95 ${f(pct(chart, 95))} ms`);

  // (2) Ledger inserts, one transaction each (as a status webhook's charge commits).
  const ledger = app.container.resolve<LedgerRepository>(T.LedgerRepository);
  const uow = app.container.resolve<UnitOfWork>(T.UnitOfWork);
  const single = 20_000;
  t0 = performance.now();
  for (let i = 0; i < single; i++) {
    uow.run(() => ledger.chargeOnce({ companyId: app.companyId, usageKind: "whatsapp.service", quantity: 1, price: 25, currency: "COP", valueDate: "2026-11-30", refType: "message", refId: 10_000_000 + i, externalId: null, detail: null, createdAt: now }));
  }
  const perSec = single / ((performance.now() - t0) / 1000);
  console.log(`ledger: ${Math.round(perSec).toLocaleString("en")} usage entries/s, each in its own transaction`);
  t0 = performance.now();
  db.transaction(() => {
    for (let i = single; i < LEDGER; i++) ledger.chargeOnce({ companyId: app.companyId, usageKind: "whatsapp.service", quantity: 1, price: 25, currency: "COP", valueDate: "2026-11-30", refType: "message", refId: 10_000_000 + i, externalId: null, detail: null, createdAt: now });
  })();
  console.log(`  filled to ${LEDGER.toLocaleString("en")} entries in ${f((performance.now() - t0) / 1000)} s`);

  // (3) The balance read with 1M entries (every page and every priced send reads it).
  const reads: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    t0 = performance.now();
    ledger.account(app.companyId);
    reads.push(performance.now() - t0);
  }
  const sum = db.query<{ s: number }, [number]>("SELECT SUM(amount) AS s FROM ledger_entries WHERE company_id = ?").get(app.companyId)!.s;
  console.log(`balance read at ${LEDGER.toLocaleString("en")} entries: p50 ${(pct(reads, 50) * 1000).toFixed(1)} µs, p95 ${(pct(reads, 95) * 1000).toFixed(1)} µs; equals the ledger's sum: ${ledger.account(app.companyId)!.balance === sum}`);
} finally {
  await app.shutdown();
  removeAllTempDirs();
}
