import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { BotRunner } from "../../core/bot/bot-runner.ts";
import type { BotService } from "../../core/bot/bot-service.ts";
import type { ChannelView } from "../../core/channels/channel-service.ts";
import type { ConversationService } from "../../core/conversations/conversation-service.ts";
import type { InboundResponder } from "../../core/responses/inbound-responder.ts";
import { zonedInstant } from "../../core/shared/zoned-time.ts";
import { T } from "../../core/tokens.ts";
import { wa } from "../fakes/meta-graph.ts";
import { OpenAiFake } from "../fakes/openai.ts";
import { api, type Client } from "../helpers/client.ts";
import { APP_SECRET, NUMBER_A, startWithMeta, WABA } from "../helpers/meta-setup.ts";
import { TestClock } from "../helpers/test-app.ts";

const TZ = "America/Bogota";
const ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday"];

/** The manual's program ("test", 60 minutes, Decir saludo, Horario 8:00–18:00 every day and Festivo) with the steps its jumps name. */
function manualProgram(channelId: number, queueId: number, days = ALL_DAYS) {
  return {
    name: "test",
    timeoutMinutes: 60,
    timeoutLabel: "DESPEDIDA",
    channelIds: [channelId],
    steps: [
      { priority: 1, type: "say", text: "saludo" },
      { priority: 2, type: "schedule", days, start: "8:00", end: "18:00", goIfYes: "SALUDAR", goIfNo: "VERIFICAR HORARIO" },
      { priority: 3, label: "SALUDAR", type: "menu", text: "¿Con qué área desea hablar?", options: [{ title: "Ventas", goTo: "VENTAS" }, { title: "Soporte", goTo: "VENTAS" }], goIfNo: "VENTAS" },
      { priority: 4, label: "VERIFICAR HORARIO", type: "end", text: "Nuestro horario es de 8:00 a 18:00. Escríbanos entonces." },
      { priority: 5, label: "VENTAS", type: "transfer", queueId },
      { priority: 6, label: "DESPEDIDA", type: "end", text: "Gracias por escribirnos." },
    ],
  };
}

describe("bot programs on WhatsApp (the Meta fake)", () => {
  const clock = new TestClock(zonedInstant(2026, 7, 21, 10, 0, TZ)); // a Tuesday, 10:00 in Bogotá
  let env: Awaited<ReturnType<typeof startWithMeta>>;
  let channel: ChannelView;
  let token: string;
  let ventas: number;
  let programId: number;
  let ana: Client;
  let anaId: number;
  let n = 0;
  let phone = 573001110000;
  const ai = new OpenAiFake({ apiKey: "sk-bot" });
  const db = () => env.server.db;
  const call = (method: string, path: string, json?: unknown) => api(env.server.app, method, path, token, json, { "accept-language": "es" });
  const settle = async () => {
    await env.server.container.resolve<InboundResponder>(T.InboundResponder).idle();
    await env.server.container.resolve<BotRunner>(T.BotRunner).idle();
  };
  const ctxOf = (from: string) => ({ wabaId: WABA, phoneNumberId: NUMBER_A.phoneNumberId, displayPhoneNumber: NUMBER_A.displayPhoneNumber, from, name: "Marta", timestamp: Math.floor(clock.now() / 1000) });
  /** A customer writes (text, or a button/list tap); returns the conversation and what the business sent since. */
  const customer = async (from: string, text: string, reply?: { id: string; list?: boolean }) => {
    const before = env.meta.sent(NUMBER_A.phoneNumberId).length;
    const id = `wamid.bot${++n}`;
    const ctx = { ...ctxOf(from), id };
    const payload = reply ? (reply.list ? wa.interactiveListReply(ctx, reply.id, text) : wa.interactiveButtonReply(ctx, reply.id, text)) : wa.text(ctx, text);
    const [res] = await env.meta.deliver(channel.webhookUrl, payload, { appSecret: APP_SECRET });
    expect(res!.status).toBe(200);
    await settle();
    await env.server.container.resolve<{ idle(): Promise<void> }>(T.OutboxDispatcher).idle?.();
    await Bun.sleep(30);
    const conversation = db().query<{ id: number }, [string]>("SELECT conversation_id AS id FROM messages WHERE external_id = ?").get(id)!.id;
    return { conversation, sent: env.meta.sent(NUMBER_A.phoneNumberId).slice(before), payload, id };
  };
  const conv = (id: number) => db().query<{ status: string; queue_id: number | null; assignee_id: number | null; bot_step: string | null }, [number]>("SELECT status, queue_id, assignee_id, bot_step FROM conversations WHERE id = ?").get(id)!;
  const newPhone = () => String(++phone);
  const publish = async (body: unknown) => {
    expect((await call("PUT", `/api/v1/bots/${programId}`, body)).status).toBe(200);
    const r = await call("POST", `/api/v1/bots/${programId}/publish`);
    expect(r.status).toBe(200);
    return ((await r.json()) as { version: number }).version;
  };

  beforeAll(async () => {
    env = await startWithMeta({ clock });
    ventas = env.server.makeQueue(env.server.companyId, "ventas");
    channel = env.whatsapp(env.server.companyId, NUMBER_A, ventas);
    token = env.server.makeToken(env.server.companyId);
    anaId = await env.server.makeUser(env.server.companyId, "ana", "agent", [ventas]);
    ana = env.server.client();
    await ana.login("ana", "password-123");
    expect((await call("POST", "/api/v1/responses", { name: "saludo", key: "sl", text: "Hola, {{contact.name}}, ¿cómo está?" })).status).toBe(201);
    expect((await call("POST", "/api/v1/fields", { key: "correo_factura", label: "Correo de factura", type: "email" })).status).toBe(201);
    await ai.start().then((base) => call("PUT", "/api/v1/ai", { enabled: true, baseUrl: base, model: "gpt-4o-mini", apiKey: "sk-bot", maxTurns: 6, monthlyTokenBudget: 0 }));
  });
  afterAll(async () => {
    await env.stop();
    await ai.stop();
  });

  test("a jump to an unknown label is kept in the draft and refused at publishing, naming the step; fixed, it publishes", async () => {
    const body = manualProgram(channel.id, ventas);
    const broken = { ...body, steps: body.steps.slice(0, 2) };
    const created = await call("POST", "/api/v1/bots", broken);
    expect(created.status).toBe(201);
    programId = ((await created.json()) as { id: number }).id;
    const refused = await call("POST", `/api/v1/bots/${programId}/publish`);
    expect(refused.status).toBe(422);
    const err = ((await refused.json()) as { error: { code: string; fields: Record<string, string> } }).error;
    expect(err.code).toBe("validation_failed");
    expect(err.fields["steps[1].goIfYes"]).toBe("Etiqueta desconocida: SALUDAR");
    expect(err.fields["steps[1].goIfNo"]).toBe("Etiqueta desconocida: VERIFICAR HORARIO");
    // A step that cannot be read at all is refused right away (nothing is stored).
    const bad = await call("PUT", `/api/v1/bots/${programId}`, { ...body, steps: [{ priority: 1, type: "schedule", days: ["mon"], start: "9:00", end: "9:00" }] });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { fields: Record<string, string> } }).error.fields["steps[0].end"]).toBe("La hora final no puede ser igual a la de inicio.");
    expect(await publish(body)).toBe(1);
    const got = (await (await call("GET", `/api/v1/bots/${programId}`)).json()) as { publishedVersion: number; steps: unknown[] };
    expect(got.publishedVersion).toBe(1);
    expect(got.steps).toHaveLength(6);
  });

  test("inside hours on a weekday: the canned response 'saludo' by its text, then the menu as WhatsApp buttons; a tap transfers into routing", async () => {
    const from = newPhone();
    const first = await customer(from, "Hola");
    expect(first.sent).toHaveLength(2);
    expect(first.sent[0]).toMatchObject({ messaging_product: "whatsapp", to: from, type: "text", text: { body: "Hola, Marta, ¿cómo está?" } });
    expect(first.sent[1]).toMatchObject({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: from,
      type: "interactive",
      interactive: {
        type: "button",
        body: { text: "¿Con qué área desea hablar?" },
        action: {
          buttons: [
            { type: "reply", reply: { id: "opt:1", title: "Ventas" } },
            { type: "reply", reply: { id: "opt:2", title: "Soporte" } },
          ],
        },
      },
    });
    expect(conv(first.conversation)).toMatchObject({ status: "bot", bot_step: "SALUDAR" });
    const listed = (await (await call("GET", `/api/v1/conversations?status=bot`)).json()) as { data: { id: number; botStep: string }[] };
    expect(listed.data.find((c) => c.id === first.conversation)?.botStep).toBe("SALUDAR");
    // Ana is online: the transfer reaches her through routing.
    expect((await ana.post("/inbox/presence", { online: "1" })).status).toBe(303);
    await customer(from, "Ventas", { id: "opt:1" });
    expect(conv(first.conversation)).toMatchObject({ status: "open", queue_id: ventas, assignee_id: anaId, bot_step: null });
    const authors = db().query<{ author: string; kind: string }, [number]>("SELECT author, kind FROM messages WHERE conversation_id = ? AND direction = 'out' AND author != 'system'").all(first.conversation);
    expect(authors.every((m) => m.author === "bot")).toBe(true);
    expect(authors.map((m) => m.kind)).toEqual(["text", "interactive"]);
  });

  test("outside hours: 'VERIFICAR HORARIO' says the hours and finalizes", async () => {
    clock.t = zonedInstant(2026, 7, 21, 20, 0, TZ);
    const { conversation, sent } = await customer(newPhone(), "Buenas noches");
    expect(sent.map((b) => (b.text as { body: string } | undefined)?.body)).toEqual(["Hola, Marta, ¿cómo está?", "Nuestro horario es de 8:00 a 18:00. Escríbanos entonces."]);
    expect(conv(conversation).status).toBe("closed");
  });

  test("on a Colombian holiday (Monday 2026-06-15, moved by Ley Emiliani): open with Festivo, closed without it after publishing v2", async () => {
    clock.t = zonedInstant(2026, 6, 15, 10, 0, TZ);
    const open = await customer(newPhone(), "Hola");
    expect(open.sent[1]).toMatchObject({ type: "interactive" });
    expect(await publish(manualProgram(channel.id, ventas, ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]))).toBe(2);
    const closed = await customer(newPhone(), "Hola");
    expect((closed.sent[1]!.text as { body: string }).body).toContain("Nuestro horario");
    // The conversation that started on v1 finishes on v1: still at its menu, which answers as v1 did.
    expect(conv(open.conversation).status).toBe("bot");
    const v1 = db().query<{ version: number }, [number]>("SELECT v.version FROM bot_sessions s JOIN bot_versions v ON v.id = s.version_id WHERE s.conversation_id = ?").get(open.conversation)!;
    expect(v1.version).toBe(1);
    expect(await publish(manualProgram(channel.id, ventas))).toBe(3);
  });

  test("invalid menu answers are asked again, then Ir no; a list for four options has the exact Graph body", async () => {
    clock.t = zonedInstant(2026, 7, 22, 9, 0, TZ);
    await publish({
      ...manualProgram(channel.id, ventas),
      steps: [
        { priority: 1, label: "MENU", type: "menu", text: "Elija un área", options: ["Ventas", "Soporte", "Cartera", "Otros"].map((title) => ({ title, goTo: "FIN" })), retries: 1, goIfNo: "NO" },
        { priority: 2, label: "FIN", type: "end", text: "Listo." },
        { priority: 3, label: "NO", type: "transfer", queueId: ventas },
        { priority: 4, label: "DESPEDIDA", type: "end", text: "Adiós." },
      ],
    });
    const from = newPhone();
    const first = await customer(from, "hola");
    expect(first.sent[0]).toMatchObject({
      type: "interactive",
      interactive: {
        type: "list",
        body: { text: "Elija un área" },
        action: { button: "Ver opciones", sections: [{ title: "Ver opciones", rows: [{ id: "opt:1", title: "Ventas" }, { id: "opt:2", title: "Soporte" }, { id: "opt:3", title: "Cartera" }, { id: "opt:4", title: "Otros" }] }] },
      },
    });
    const again = await customer(from, "no sé");
    expect(again.sent.map((b) => b.type)).toEqual(["text", "interactive"]);
    expect((again.sent[0]!.text as { body: string }).body).toBe("Por favor responda con el número o el nombre de una de las opciones.");
    const last = await customer(from, "tampoco");
    expect(last.sent).toHaveLength(0);
    // Handed to the queue (Ana's presence lapsed on the moved clock: it waits there for her).
    expect(conv(first.conversation)).toMatchObject({ status: "queued", queue_id: ventas, bot_step: null });
    // A list tap picks its row.
    const other = newPhone();
    await customer(other, "hola");
    const tapped = await customer(other, "Cartera", { id: "opt:3", list: true });
    expect((tapped.sent[0]!.text as { body: string }).body).toBe("Listo.");
  });

  test("ask into a template field (validated), a condition on it, a tag, an HTTP step that stores a field, then the AI until it hands off", async () => {
    const tag = ((await (await call("POST", "/api/v1/tags", { name: "Bot", color: "#1e88e5" })).json()) as { id: number }).id;
    expect((await call("POST", "/api/v1/fields", { key: "saldo", label: "Saldo", type: "number" })).status).toBe(201);
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: async (req) => {
        const body = (await req.json()) as { contact: { fields: Record<string, string> } };
        return Response.json({ data: { saldo: body.contact.fields.correo_factura === "marta@example.com" ? 230000 : 0 } });
      },
    });
    try {
      await publish({
        ...manualProgram(channel.id, ventas),
        steps: [
          { priority: 1, type: "ask", text: "¿Cuál es su correo?", field: "correo_factura", retries: 2 },
          { priority: 2, type: "condition", on: "field", field: "correo_factura", op: "contains", value: "@example.com", goIfNo: "ASESOR" },
          { priority: 3, type: "tag", tagId: tag },
          { priority: 4, type: "http", url: `http://127.0.0.1:${server.port}/saldo`, timeoutSeconds: 2, map: { saldo: "data.saldo" }, goIfNo: "ASESOR" },
          { priority: 5, type: "say", text: "Su saldo es {{contact.saldo}}." },
          { priority: 6, type: "ai", instructions: "Ayude con dudas del saldo.", goIfYes: "DESPEDIDA", goIfNo: "ASESOR" },
          { priority: 7, label: "ASESOR", type: "transfer", queueId: ventas },
          { priority: 8, label: "DESPEDIDA", type: "end", text: "Gracias." },
        ],
      });
      const from = newPhone();
      const start = await customer(from, "hola");
      expect((start.sent[0]!.text as { body: string }).body).toBe("¿Cuál es su correo?");
      const invalid = await customer(from, "no tengo");
      expect((invalid.sent[0]!.text as { body: string }).body).toBe("Correo no válido (por ejemplo nombre@dominio.com)\n¿Cuál es su correo?");
      ai.next({ text: "Su saldo está al día. ¿Algo más?" });
      const ok = await customer(from, "Marta@Example.com");
      expect(ok.sent.map((b) => (b.text as { body: string }).body)).toEqual(["Su saldo es 230000.", "Su saldo está al día. ¿Algo más?"]);
      const contact = (await (await call("GET", `/api/v1/contacts?q=${from.slice(-6)}`)).json()) as { data: { fields: Record<string, string>; tags: { id: number }[] }[] };
      expect(contact.data[0]!.fields).toMatchObject({ correo_factura: "marta@example.com", saldo: "230000" });
      expect(contact.data[0]!.tags.map((t) => t.id)).toContain(tag);
      expect(JSON.stringify(ai.completions().at(-1)!.body)).toContain("Ayude con dudas del saldo.");
      // The customer asks for a person: the AI step hands off (Ir no) into the transfer.
      const handoff = await customer(from, "Quiero hablar con un asesor");
      expect(handoff.sent).toHaveLength(0);
      expect(conv(start.conversation)).toMatchObject({ status: "queued", queue_id: ventas });
    } finally {
      server.stop(true);
    }
  });

  test("another company's token sees nothing of the program; agents cannot open the editor; bad try dates are refused", async () => {
    const other = env.server.makeCompany("otra");
    const otherToken = env.server.makeToken(other);
    expect((await api(env.server.app, "GET", `/api/v1/bots/${programId}`, otherToken)).status).toBe(404);
    expect((await api(env.server.app, "PUT", `/api/v1/bots/${programId}`, otherToken, manualProgram(channel.id, ventas))).status).toBe(404);
    expect(((await (await api(env.server.app, "GET", "/api/v1/bots", otherToken)).json()) as { data: unknown[] }).data).toEqual([]);
    // Its own program cannot name this company's channel.
    const foreign = await api(env.server.app, "POST", "/api/v1/bots", otherToken, { name: "x", channelIds: [channel.id], steps: [] });
    expect(foreign.status).toBe(422);
    // (Sessions follow the moved clock: Ana signs in again.)
    const agent = env.server.client();
    await agent.login("ana", "password-123");
    expect((await agent.get(`/admin/bots/${programId}`)).status).toBe(403);
    expect((await agent.get("/admin/bots")).status).toBe(403);
    await publish(manualProgram(channel.id, ventas));
    const badAt = await call("POST", `/api/v1/bots/${programId}/try`, { text: "hola", at: "ayer" });
    expect(badAt.status).toBe(422);
    const tried = (await (await call("POST", `/api/v1/bots/${programId}/try`, { text: "hola", at: "2026-06-15T20:00", source: "published" })).json()) as { replies: { from: string; text: string; step: string }[]; done: boolean };
    expect(tried.done).toBe(true);
    expect(tried.replies.filter((r) => r.from === "bot").map((r) => r.step)).toEqual(["1", "VERIFICAR HORARIO"]);
    expect(tried.replies.at(-1)).toMatchObject({ from: "event", step: "VERIFICAR HORARIO" });
  });

  test("an agent takes a conversation from the bot: the program stops at once, and does not start again in it", async () => {
    await publish(manualProgram(channel.id, ventas));
    clock.t = zonedInstant(2026, 7, 22, 11, 0, TZ);
    const from = newPhone();
    const { conversation } = await customer(from, "Hola");
    expect(conv(conversation).status).toBe("bot");
    const conversations = env.server.container.resolve<ConversationService>(T.ConversationService);
    conversations.take({ companyId: env.server.companyId, userId: anaId, name: "Ana", role: "agent" }, conversation);
    const s = db().query<{ active: number; outcome: string }, [number]>("SELECT active, outcome FROM bot_sessions WHERE conversation_id = ?").get(conversation)!;
    expect(s).toEqual({ active: 0, outcome: "taken" });
    const later = await customer(from, "1");
    expect(later.sent).toHaveLength(0);
    expect(conv(conversation)).toMatchObject({ status: "open", assignee_id: anaId });
  });

  test("step analytics count who reached each step and how they left; deleting a program hands its running conversations to the queue", async () => {
    const scope = { companyId: env.server.companyId, userId: null, role: "admin" as const };
    const bots = env.server.container.resolve<BotService>(T.BotService);
    const a = bots.analytics(scope, programId, 30);
    expect(a.steps.find((s) => s.key === "SALUDAR")!.reached).toBeGreaterThan(0);
    expect(a.exits.some((e) => e.outcome === "transfer")).toBe(true);
    expect(a.exits.some((e) => e.outcome === "end" && e.step === "VERIFICAR HORARIO")).toBe(true);
    expect(a.exits.some((e) => e.outcome === "taken")).toBe(true);
    clock.t = zonedInstant(2026, 7, 23, 10, 0, TZ);
    const { conversation } = await customer(newPhone(), "Hola");
    expect(conv(conversation).status).toBe("bot");
    expect((await call("DELETE", `/api/v1/bots/${programId}`)).status).toBe(204);
    expect(conv(conversation)).toMatchObject({ status: "queued", queue_id: ventas, bot_step: null });
    const line = db().query<{ payload: string }, [number]>("SELECT payload FROM messages WHERE conversation_id = ? AND author = 'system' ORDER BY id DESC LIMIT 1").get(conversation)!;
    expect(JSON.parse(line.payload)).toMatchObject({ event: "bot_handoff", step: "SALUDAR" });
    // Without a program the channel's conversations wait in the queue as before.
    const after = await customer(newPhone(), "Hola");
    expect(after.sent).toHaveLength(0);
    expect(conv(after.conversation).status).toBe("queued");
  });
});
