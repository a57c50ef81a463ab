#!/usr/bin/env bun
/**
 * Bot programs: (1) the engine alone, steps per second over the manual's program
 * (start, schedule, menu, an answer, transfer); (2) engine time per inbound
 * message inside the runner (context + step(), the actions' own sends excluded)
 * p50/p95, aim p95 < 2 ms; (3) in-process ingest, relay webhooks per second
 * through app.handle with every new conversation entering a program vs none
 * (the bot's replies run after each 200, as in production). Asserts nothing.
 * Run: bun bench/bot.ts
 */
import type { BotContextFactory } from "../core/bot/bot-context.ts";
import { readDefinition } from "../core/bot/definition-check.ts";
import { INITIAL, step } from "../core/bot/engine.ts";
import type { BotRunner } from "../core/bot/bot-runner.ts";
import type { InboundResponder } from "../core/responses/inbound-responder.ts";
import { T } from "../core/tokens.ts";
import { api } from "../tests/helpers/client.ts";
import { createTestApp } from "../tests/helpers/test-app.ts";
import { ms, pct } from "./lib/http.ts";
import { makeTempDir, removeAllTempDirs } from "./lib/server-process.ts";

const ENGINE_RUNS = 50_000;
const MESSAGES = 2_000;

const program = (queueId: number, channelIds: number[]) => ({
  name: "test",
  timeoutMinutes: 60,
  timeoutLabel: "DESPEDIDA",
  channelIds,
  steps: [
    { priority: 1, type: "say", text: "saludo" },
    { priority: 2, type: "schedule", days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday"], start: "00:00", end: "23:59", goIfYes: "SALUDAR", goIfNo: "VERIFICAR HORARIO" },
    { priority: 3, label: "SALUDAR", type: "menu", text: "¿Con qué área desea hablar?", options: [{ title: "Ventas", goTo: "VENTAS" }, { title: "Soporte", goTo: "VENTAS" }] },
    { priority: 4, label: "VERIFICAR HORARIO", type: "end", text: "Nuestro horario es de 8:00 a 18:00." },
    { priority: 5, label: "VENTAS", type: "transfer", queueId },
    { priority: 6, label: "DESPEDIDA", type: "end", text: "Gracias." },
  ],
});

async function ingest(withProgram: boolean): Promise<{ rate: number; endToEnd: number; engine: number[] }> {
  const app = await createTestApp({ env: { DATA_DIR: makeTempDir() } });
  try {
    const token = app.makeToken(app.companyId);
    const queue = app.makeQueue(app.companyId, "ventas");
    const channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", queue);
    await api(app.app, "POST", "/api/v1/responses", token, { name: "saludo", key: "sl", text: "Hola, {{contact.name}}" });
    if (withProgram) {
      const r = (await (await api(app.app, "POST", "/api/v1/bots", token, program(queue, [channel]))).json()) as { id: number };
      await api(app.app, "POST", `/api/v1/bots/${r.id}/publish`, token);
    }
    // Engine time inside the runner: the context it builds plus step(), per message.
    const engine: number[] = [];
    const factory = app.container.resolve<BotContextFactory>(T.BotContextFactory);
    const build = factory.build.bind(factory);
    factory.build = (...args) => {
      const t0 = performance.now();
      const ctx = build(...args);
      engine.push(performance.now() - t0);
      return ctx;
    };
    const responder = app.container.resolve<InboundResponder>(T.InboundResponder);
    const t0 = performance.now();
    let inRequests = 0;
    for (let i = 0; i < MESSAGES; i++) {
      // Half start a conversation (greeting + menu), half answer the menu (transfer).
      const from = `57300${100000 + Math.floor(i / 2)}`;
      const text = i % 2 === 0 ? "Hola" : "1";
      const r0 = performance.now();
      const res = await app.webhook(channel, { messages: [{ id: `b-${i}`, from, text, name: "Cliente" }] });
      inRequests += performance.now() - r0;
      if (res.status !== 200) throw new Error(`webhook ${res.status}`);
      if (i % 2 === 1) await responder.idle();
    }
    await responder.idle();
    await app.container.resolve<BotRunner>(T.BotRunner).idle();
    const endToEnd = MESSAGES / ((performance.now() - t0) / 1000);
    return { rate: MESSAGES / (inRequests / 1000), endToEnd, engine };
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const def = readDefinition(program(1, [1])).definition;
  const ctx = {
    now: Date.UTC(2026, 6, 21, 15),
    timeZone: "America/Bogota",
    isHoliday: () => false,
    contact: { fields: {}, tagIds: [] },
    channelId: 1,
    response: () => ({ text: "Hola", mediaId: null }),
    fill: (t: string) => t,
    checkField: () => ({ ok: false as const, message: "" }),
    words: { invalidOption: "?" },
  };
  let steps = 0;
  const t0 = performance.now();
  for (let i = 0; i < ENGINE_RUNS; i++) {
    const a = step(def, INITIAL, { type: "start" }, ctx);
    const b = step(def, a.state, { type: "message", text: "1" }, ctx);
    steps += a.actions.filter((x) => x.type === "visit").length + b.actions.filter((x) => x.type === "visit").length;
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(`bot engine alone (Bun ${Bun.version}): ${Math.round(steps / seconds).toLocaleString("en")} steps/s (${ENGINE_RUNS.toLocaleString("en")} runs of the manual's program: start -> say, schedule, menu; answer -> transfer)`);

  const none = await ingest(false);
  const bot = await ingest(true);
  const p95 = pct(bot.engine, 95);
  const perStep = 1000 / (steps / seconds);
  console.log(`engine time per inbound message in the runner: building its context p50 ${ms(pct(bot.engine, 50))}  p95 ${ms(p95)}, plus step() about ${ms(perStep * 3)} for 3 steps (aim p95 < 2 ms: ${p95 + perStep * 3 < 2 ? "met" : "NOT met"}; ${bot.engine.length} runs)`);
  console.log(`in-process ingest, ${MESSAGES} relay webhooks via app.handle, time inside the requests (webhook -> 200): no program ${Math.round(none.rate)} msg/s, every conversation in a program ${Math.round(bot.rate)} msg/s (ratio ${(bot.rate / none.rate).toFixed(2)})`);
  console.log(`end to end including the bot's replies (greeting + menu, then transfer; outbox sends to a closed port): no program ${Math.round(none.endToEnd)} msg/s, in a program ${Math.round(bot.endToEnd)} msg/s`);
}

try {
  await main();
} finally {
  removeAllTempDirs();
}
