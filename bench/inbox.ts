#!/usr/bin/env bun
/**
 * Inbox render times on a big company: seeds 100k conversations / 1M messages into
 * a fresh in-process app (bench/lib/seed-inbox.ts), signs in as the operator and as
 * an agent, and times REQUESTS app.handle() calls per page (full response body
 * read): list, agent-restricted list, FTS searches, and conversation pages for
 * random conversations. A page whose p95 misses the aim gets its costliest SQL
 * statements and their EXPLAIN QUERY PLAN printed.
 * Run: bun bench/inbox.ts   (no network; removes its temp dir)
 */
import { statSync } from "node:fs";
import { ADMIN_PASSWORD, createTestApp } from "../tests/helpers/test-app.ts";
import { login, ms, pct, type Send } from "./lib/http.ts";
import { COMMON_WORD, MESSAGES_PER, MID_WORD, QUEUES, RARE_WORD, seedInbox } from "./lib/seed-inbox.ts";
import { makeTempDir, removeAllTempDirs } from "./lib/server-process.ts";
import { explain, oneLine, profileQueries } from "./lib/sql-profile.ts";

const CONVERSATIONS = 100_000;
const CONTACTS = 60_000;
const REQUESTS = 200;
const WARMUP = 20;
const PROFILED = 20;
const AIM_P95_MS = 20;
const BASE = "http://localhost";

interface Scenario {
  label: string;
  cookie: string;
  path: () => string;
  /** Something the page must contain, so a fast error page cannot pass for a fast page. */
  expect: string;
}

async function main(): Promise<void> {
  const app = await createTestApp({ env: { DATA_DIR: makeTempDir() } });
  try {
    const seeded = await seedInbox(app, CONVERSATIONS, CONTACTS);
    const n = app.db
      .query<{ c: number; m: number; active: number }, []>(
        "SELECT (SELECT COUNT(*) FROM conversations) AS c, (SELECT COUNT(*) FROM messages) AS m, (SELECT COUNT(*) FROM conversations WHERE status <> 'closed') AS active",
      )
      .get()!;
    app.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const mib = statSync(app.config.databasePath).size / 2 ** 20;
    console.log(`inbox render (in process, app.handle, ${REQUESTS} requests each after ${WARMUP} warm-up, Bun ${Bun.version}):`);
    console.log(
      `seeded ${n.c} conversations (${n.active} not closed), ${n.m} messages (${MESSAGES_PER} each, FTS triggers on), ${CONTACTS} contacts, ${QUEUES} queues, ${seeded.agentUsernames.length} agents, 1 channel in ${(seeded.ms / 1000).toFixed(1)} s; database ${mib.toFixed(0)} MiB`,
    );

    const matches = (word: string) =>
      app.db
        .query<{ m: number; c: number }, [string]>(
          "SELECT COUNT(*) AS m, COUNT(DISTINCT m.conversation_id) AS c FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid WHERE messages_fts MATCH ?",
        )
        .get(`"${word}"*`)!;
    for (const w of [COMMON_WORD, MID_WORD, RARE_WORD]) {
      const { m, c } = matches(w);
      console.log(`search word "${w}" is in ${m} messages of ${c} conversations`);
    }

    const send: Send = (r) => app.app.handle(r);
    const operator = await login(send, BASE, "admin", ADMIN_PASSWORD);
    const agent = await login(send, BASE, seeded.agentUsernames[0]!, "password-123");
    let seed = 7;
    const randomConversation = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seeded.conversationIds.first + (seed % CONVERSATIONS);
    };
    const scenarios: Scenario[] = [
      { label: "list    /inbox?tab=all (operator)", cookie: operator, path: () => "/inbox?tab=all", expect: 'id="conv-' },
      { label: "list    /inbox?tab=all (agent, own queues)", cookie: agent, path: () => "/inbox?tab=all", expect: 'id="conv-' },
      { label: `search  /inbox?tab=all&q=${COMMON_WORD} (operator)`, cookie: operator, path: () => `/inbox?tab=all&q=${COMMON_WORD}`, expect: 'id="conv-' },
      { label: `search  /inbox?tab=all&q=${MID_WORD} (operator)`, cookie: operator, path: () => `/inbox?tab=all&q=${MID_WORD}`, expect: 'id="conv-' },
      { label: `search  /inbox?tab=closed&q=${RARE_WORD} (operator)`, cookie: operator, path: () => `/inbox?tab=closed&q=${RARE_WORD}`, expect: 'id="conv-' },
      { label: `search  /inbox?tab=all&q=${COMMON_WORD} (agent)`, cookie: agent, path: () => `/inbox?tab=all&q=${COMMON_WORD}`, expect: 'id="conv-' },
      { label: "pane    /inbox/<random id> (operator)", cookie: operator, path: () => `/inbox/${randomConversation()}`, expect: 'id="msg-' },
    ];
    const get = async (s: Scenario) => {
      const t0 = performance.now();
      const res = await send(new Request(`${BASE}${s.path()}`, { headers: { cookie: s.cookie } }));
      const body = await res.text();
      const dt = performance.now() - t0;
      if (res.status !== 200 || !body.includes(s.expect)) throw new Error(`${s.label}: status ${res.status}, ${body.length} bytes without ${s.expect}`);
      return dt;
    };
    const slow: Scenario[] = [];
    for (const s of scenarios) {
      for (let i = 0; i < WARMUP; i++) await get(s);
      const xs: number[] = [];
      for (let i = 0; i < REQUESTS; i++) xs.push(await get(s));
      const p95 = pct(xs, 95);
      console.log(`${s.label.padEnd(48)} p50 ${ms(pct(xs, 50)).padStart(10)}  p95 ${ms(p95).padStart(10)}  max ${ms(Math.max(...xs)).padStart(10)}${p95 > AIM_P95_MS ? "  <- p95 over aim" : ""}`);
      if (p95 > AIM_P95_MS) slow.push(s);
    }
    console.log(slow.length ? `aim p95 < ${AIM_P95_MS} ms: NOT met by ${slow.length} of ${scenarios.length}` : `aim p95 < ${AIM_P95_MS} ms: met by all ${scenarios.length}`);

    for (const s of slow) {
      const profile = profileQueries(app.db);
      for (let i = 0; i < PROFILED; i++) await get(s);
      profile.stop();
      const top = [...profile.stats.values()].sort((a, b) => b.totalMs - a.totalMs).filter((st, i) => i === 0 || st.totalMs / PROFILED >= 1).slice(0, 3);
      console.log(`slow: ${s.label.trim()} -- costliest statements over ${PROFILED} requests:`);
      for (const st of top) {
        console.log(`  ${ms(st.totalMs / PROFILED)}/request (max ${ms(st.maxMs)}, ${st.calls} calls): ${oneLine(st.sql, 400)}`);
        if (/^\s*SELECT/i.test(st.sql)) for (const l of explain(app.db, st.sql, st.slowestArgs)) console.log(`    ${l}`);
      }
    }
  } finally {
    await app.close();
    removeAllTempDirs();
  }
}

try {
  await main();
} catch (e) {
  console.error(`bench/inbox failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
}
