#!/usr/bin/env bun
/**
 * What Charla adds between a customer's message and the AI's answer being queued:
 * a customer writes (a relay channel's webhook, in process), the OpenAI fake
 * on 127.0.0.1 answers at once, and the time until the answer's outbox row exists
 * is measured; the provider call's own time (from ai_calls) is subtracted to give
 * Charla's overhead. Prints p50/p95; asserts nothing.
 * Run: bun bench/ai-latency.ts
 */
import type { EventBus } from "../core/events/bus.ts";
import { T } from "../core/tokens.ts";
import { OpenAiFake } from "../tests/fakes/openai.ts";
import { api } from "../tests/helpers/client.ts";
import { createTestApp } from "../tests/helpers/test-app.ts";
import { ms, pct } from "./lib/http.ts";
import { makeTempDir, removeAllTempDirs } from "./lib/server-process.ts";

const MESSAGES = 200;
const WARMUP = 20;
const AIM_P95_MS = 20;

async function main(): Promise<void> {
  const ai = new OpenAiFake({ apiKey: "sk-bench" });
  ai.fallback = () => ({ text: "Con gusto le ayudo." });
  const base = await ai.start();
  const app = await createTestApp({ env: { DATA_DIR: makeTempDir() } });
  try {
    const token = app.makeToken(app.companyId);
    const queue = app.makeQueue(app.companyId, "ventas");
    const channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", queue);
    await api(app.app, "PATCH", `/api/v1/channels/${channel}`, token, { aiMode: "always" });
    // Many turns allowed: every message of the run gets an AI answer.
    await api(app.app, "PUT", "/api/v1/ai", token, { enabled: true, baseUrl: base, model: "gpt-4o-mini", apiKey: "sk-bench", maxTurns: 50 });
    const bus = app.container.resolve<EventBus>(T.EventBus);
    const waiting = new Map<number, () => void>();
    bus.on("outbox.queued", () => {
      for (const [conversationId, done] of waiting) {
        const last = app.db.query<{ author: string }, [number]>("SELECT author FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT 1").get(conversationId);
        if (last?.author === "bot") {
          waiting.delete(conversationId);
          done();
        }
      }
    });
    const totals: number[] = [];
    const overheads: number[] = [];
    for (let i = 0; i < WARMUP + MESSAGES; i++) {
      const t0 = performance.now();
      const answered = new Promise<void>((resolve) => {
        const conversation = () => app.db.query<{ id: number }, []>("SELECT conversation_id AS id FROM messages WHERE author = 'customer' ORDER BY id DESC LIMIT 1").get()!.id;
        // A customer of their own each time: a fresh conversation, as most AI answers are.
        void app.webhook(channel, { messages: [{ id: `bench-${i}`, from: `57300${100000 + i}`, text: `Hola, ¿tienen envíos a Pasto? (${i})` }] }).then(() => waiting.set(conversation(), resolve));
      });
      await answered;
      const total = performance.now() - t0;
      const provider = app.db.query<{ l: number }, []>("SELECT latency_ms AS l FROM ai_calls ORDER BY id DESC LIMIT 1").get()!.l;
      if (i >= WARMUP) {
        totals.push(total);
        overheads.push(Math.max(0, total - provider));
      }
    }
    console.log(`AI answer latency (in process, webhook -> answer queued in the outbox, OpenAI fake answering at once, ${MESSAGES} messages after ${WARMUP} warm-up, Bun ${Bun.version}):`);
    console.log(`total              p50 ${ms(pct(totals, 50)).padStart(10)}  p95 ${ms(pct(totals, 95)).padStart(10)}  max ${ms(Math.max(...totals)).padStart(10)}`);
    const p95 = pct(overheads, 95);
    console.log(`Charla's overhead  p50 ${ms(pct(overheads, 50)).padStart(10)}  p95 ${ms(p95).padStart(10)}  (total minus the provider call's own time; aim p95 < ${AIM_P95_MS} ms: ${p95 < AIM_P95_MS ? "met" : "NOT met"})`);
  } finally {
    await app.close();
    await ai.stop();
    removeAllTempDirs();
  }
}

try {
  await main();
} catch (e) {
  console.error(`bench/ai-latency failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
}
