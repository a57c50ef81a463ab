#!/usr/bin/env bun
/**
 * The API's lists at 100k rows: seeds the inbox bench data (100k conversations, 1M
 * messages over 60k contacts), 100k usage charges with a few recharges among them,
 * 100k notes on one contact and 100k messages in one conversation, then times
 * REQUESTS app.handle() calls of each list's first page, a page deep in it (a cursor
 * half-way) and a page of ?limit=200. Prints p50/p95 per list against the 20 ms
 * aim; a p95 over it prints its statements' plans. Asserts nothing.
 * Run: bun bench/api-lists.ts   (no network; removes its temp dir)
 */
import { api } from "../tests/helpers/client.ts";
import { createTestApp } from "../tests/helpers/test-app.ts";
import { ms, pct } from "./lib/http.ts";
import { seedInbox } from "./lib/seed-inbox.ts";
import { makeTempDir, removeAllTempDirs } from "./lib/server-process.ts";
import { explain, oneLine, profileQueries } from "./lib/sql-profile.ts";

const ROWS = 100_000;
const REQUESTS = 200;
const WARMUP = 20;
const AIM_P95_MS = 20;

async function main(): Promise<void> {
  const app = await createTestApp({ env: { DATA_DIR: makeTempDir() } });
  try {
    const seeded = await seedInbox(app, ROWS, 60_000);
    const company = app.companyId;
    const db = app.db;
    const contact = db.query<{ id: number }, []>("SELECT id FROM contacts ORDER BY id LIMIT 1").get()!.id;
    const conversation = seeded.conversationIds.last;
    const t0 = performance.now();
    db.transaction(() => {
      const usage = db.query(
        "INSERT INTO ledger_entries (company_id, kind, amount, currency, value_date, usage_kind, quantity, ref_type, ref_id, created_by, created_at) VALUES (?, 'usage', -45, 'COP', '2026-01-15', 'whatsapp.utility', 1, 'message', ?, 'meter', ?)",
      );
      const recharge = db.query("INSERT INTO ledger_entries (company_id, kind, amount, currency, value_date, method, created_by, created_at) VALUES (?, 'recharge', 1000000, 'COP', '2026-01-10', 'nequi', 'bench', ?)");
      const note = db.query("INSERT INTO contact_notes (company_id, contact_id, author_id, author_name, text, created_at) VALUES (?, ?, NULL, 'bench', ?, ?)");
      const message = db.query(
        "INSERT INTO messages (conversation_id, company_id, channel_id, direction, author, kind, text, status, created_at) VALUES (?, ?, ?, 'in', 'customer', 'text', ?, 'received', ?)",
      );
      for (let i = 0; i < ROWS; i++) {
        usage.run(company, i + 1, 1_700_000_000_000 + i * 1000);
        if (i % 2000 === 0) recharge.run(company, 1_700_000_000_000 + i * 1000);
        note.run(company, contact, `nota ${i}`, 1_700_000_000_000 + i);
        message.run(conversation, company, seeded.channelId, `mensaje ${i}`, 1_700_000_000_000 + i);
      }
    })();
    console.log(`API lists at ${ROWS} rows (in process, app.handle, Bun ${Bun.version}): inbox seeded in ${(seeded.ms / 1000).toFixed(1)} s, ledger/notes/messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const token = app.makeToken(company, "read");
    const mid = (sql: string) => db.query<{ v: number }, []>(sql).get()!.v;
    const cases: [string, string][] = [
      ["conversations", "/api/v1/conversations"],
      ["conversations closed", "/api/v1/conversations?status=closed"],
      ["conversations deep", `/api/v1/conversations?cursor=${db.query<{ at: number; id: number }, [number]>("SELECT last_message_at AS at, id FROM conversations WHERE company_id = ? ORDER BY last_message_at DESC, id DESC LIMIT 1 OFFSET 50000").get(company)!.at}:${mid(`SELECT id AS v FROM conversations ORDER BY last_message_at DESC, id DESC LIMIT 1 OFFSET 50000`)}`],
      ["messages of one conversation", `/api/v1/conversations/${conversation}/messages`],
      ["messages deep", `/api/v1/conversations/${conversation}/messages?cursor=${mid(`SELECT id AS v FROM messages WHERE conversation_id = ${conversation} ORDER BY id LIMIT 1 OFFSET 50000`)}`],
      ["contacts", "/api/v1/contacts"],
      ["contacts deep", `/api/v1/contacts?cursor=${mid("SELECT id AS v FROM contacts ORDER BY id LIMIT 1 OFFSET 30000")}`],
      ["notes of one contact", `/api/v1/contacts/${contact}/notes`],
      ["notes deep", `/api/v1/contacts/${contact}/notes?cursor=${mid(`SELECT id AS v FROM contact_notes ORDER BY id LIMIT 1 OFFSET 50000`)}`],
      ["usage", "/api/v1/usage"],
      ["usage deep", `/api/v1/usage?cursor=${mid("SELECT id AS v FROM ledger_entries WHERE kind = 'usage' ORDER BY id LIMIT 1 OFFSET 50000")}`],
      ["recharges (few among 100k charges)", "/api/v1/recharges"],
      ["users", "/api/v1/users"],
      ["queues", "/api/v1/queues"],
      ["reports/agents", "/api/v1/reports/agents"],
    ];
    const rows: string[] = [];
    for (const [name, path] of cases) {
      for (const [label, url] of [
        ["", path],
        [" limit=200", `${path}${path.includes("?") ? "&" : "?"}limit=200`],
      ] as const) {
        const times: number[] = [];
        for (let i = 0; i < WARMUP + REQUESTS; i++) {
          const t = performance.now();
          const res = await api(app.app, "GET", url, token);
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
          if (i >= WARMUP) times.push(performance.now() - t);
        }
        const p95 = pct(times, 95);
        rows.push(`${`${name}${label}`.padEnd(44)} p50 ${ms(pct(times, 50)).padStart(9)}  p95 ${ms(p95).padStart(9)}${p95 > AIM_P95_MS ? "  OVER the aim" : ""}`);
        if (p95 > AIM_P95_MS) {
          const profile = profileQueries(db);
          for (let i = 0; i < 5; i++) await (await api(app.app, "GET", url, token)).arrayBuffer();
          profile.stop();
          const worst = [...profile.stats.values()].sort((a, b) => b.maxMs - a.maxMs).slice(0, 2);
          for (const q of worst) rows.push(`    ${ms(q.maxMs)} ${oneLine(q.sql)}\n${explain(db, q.sql, q.slowestArgs).map((l) => `      ${l}`).join("\n")}`);
        }
      }
    }
    console.log(rows.join("\n"));
    console.log(`aim: p95 < ${AIM_P95_MS} ms for every list, first page, deep page and limit=200`);
  } finally {
    await app.close();
    removeAllTempDirs();
  }
}

await main();
