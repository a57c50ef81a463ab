import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BotRunner } from "../../core/bot/bot-runner.ts";
import type { ChannelService } from "../../core/channels/channel-service.ts";
import type { InboundResponder } from "../../core/responses/inbound-responder.ts";
import { zonedInstant } from "../../core/shared/zoned-time.ts";
import { T } from "../../core/tokens.ts";
import { MetaGraphFake, wa } from "../fakes/meta-graph.ts";
import { api } from "../helpers/client.ts";
import { startLiveServer } from "../helpers/live-server.ts";
import { APP_SECRET, NUMBER_A, WABA } from "../helpers/meta-setup.ts";
import { TestClock } from "../helpers/test-app.ts";

const dir = mkdtempSync(join(tmpdir(), "charla-bot-timer-"));
const meta = new MetaGraphFake();
afterAll(async () => {
  await meta.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("the program's timeout jumps to its label after a restart of the server, once", async () => {
  const graph = await meta.start();
  meta.addWhatsAppNumber({ wabaId: WABA, ...NUMBER_A });
  const clock = new TestClock(zonedInstant(2026, 7, 21, 10, 0, "America/Bogota"));
  const env = { META_GRAPH_URL: graph, META_GRAPH_VERSION: "v24.0" };
  let server = await startLiveServer(env, { clock, dir, keepDir: true });
  const token = server.makeToken(server.companyId, "write");
  const channel = server.container.resolve<ChannelService>(T.ChannelService).create({ companyId: server.companyId, userId: null, role: "admin" }, "whatsapp-cloud", {
    name: "WhatsApp",
    queueId: null,
    reopenWindowMinutes: 0,
    config: { phoneNumberId: NUMBER_A.phoneNumberId, wabaId: WABA, accessToken: NUMBER_A.accessToken, appSecret: APP_SECRET },
  });
  const program = await api(server.app, "POST", "/api/v1/bots", token, {
    name: "espera",
    timeoutMinutes: 60,
    timeoutLabel: "DESPEDIDA",
    channelIds: [channel.id],
    steps: [
      { priority: 1, type: "menu", text: "¿Le ayudo con algo?", options: [{ title: "Sí" }, { title: "No", goTo: "DESPEDIDA" }] },
      { priority: 2, type: "end", text: "Un asesor le escribe pronto." },
      { priority: 3, label: "DESPEDIDA", type: "end", text: "Gracias por escribirnos." },
    ],
  });
  const id = ((await program.json()) as { id: number }).id;
  expect((await api(server.app, "POST", `/api/v1/bots/${id}/publish`, token)).status).toBe(200);
  const ctx = { wabaId: WABA, phoneNumberId: NUMBER_A.phoneNumberId, displayPhoneNumber: NUMBER_A.displayPhoneNumber, from: "573005550001", name: "Luis", id: "wamid.timer1", timestamp: Math.floor(clock.now() / 1000) };
  const [res] = await meta.deliver(channel.webhookUrl, wa.text(ctx, "Hola"), { appSecret: APP_SECRET });
  expect(res!.status).toBe(200);
  await server.container.resolve<InboundResponder>(T.InboundResponder).idle();
  await meta.waitForSent(1, NUMBER_A.phoneNumberId);
  const due = server.db.query<{ due_at: number }, []>("SELECT due_at FROM bot_sessions WHERE active = 1").get()!;
  expect(due.due_at).toBe(clock.now() + 60 * 60_000);
  await server.stop();

  // An hour and a minute later the server starts again: the stored timer fires, exactly once.
  clock.advance(61 * 60_000);
  server = await startLiveServer(env, { clock, dir, keepDir: true });
  try {
    const runner = server.container.resolve<BotRunner>(T.BotRunner);
    await Bun.sleep(20);
    await runner.idle();
    const sent = await meta.waitForSent(2, NUMBER_A.phoneNumberId);
    expect((sent[1]!.text as { body: string }).body).toBe("Gracias por escribirnos.");
    await runner.sweep();
    await runner.idle();
    await Bun.sleep(100);
    expect(meta.sent(NUMBER_A.phoneNumberId)).toHaveLength(2);
    const c = server.db.query<{ status: string }, []>("SELECT status FROM conversations ORDER BY id DESC LIMIT 1").get()!;
    expect(c.status).toBe("closed");
    const s = server.db.query<{ active: number; outcome: string; step: string }, []>("SELECT active, outcome, step FROM bot_sessions").get()!;
    expect(s).toEqual({ active: 0, outcome: "end", step: "DESPEDIDA" });
  } finally {
    await server.stop();
  }
});
