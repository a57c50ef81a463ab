import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type { AiSettingsService } from "../../core/ai/ai-settings-service.ts";
import { DEFAULT_HANDOFF } from "../../core/ai/ai-auto-answer.ts";
import type { InboundResponder } from "../../core/responses/inbound-responder.ts";
import { T } from "../../core/tokens.ts";
import { OpenAiFake } from "../fakes/openai.ts";
import { api, type Client } from "../helpers/client.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import { WebchatVisitor } from "../helpers/webchat-visitor.ts";

/**
 * The AI answering web chat customers first, against a faithful OpenAI fake on
 * 127.0.0.1: what it is sent, its answers, and every hand-off to the queue.
 */
describe("AI auto-answers on the web chat", () => {
  let app: TestApp;
  let ai: OpenAiFake;
  let base: string;
  let token: string;
  let webchat: number;
  let ana: Client;
  let anaId: number;
  const responder = () => app.container.resolve<InboundResponder>(T.InboundResponder);
  const settle = () => responder().idle();
  const rows = <R>(sql: string, ...args: (string | number)[]) => app.db.query<R, (string | number)[]>(sql).all(...args);
  /** The conversation the visitor just wrote in (the newest). */
  const conversationOf = (_v: WebchatVisitor) =>
    app.db.query<{ id: number; status: string; assignee_id: number | null }, []>("SELECT id, status, assignee_id FROM conversations ORDER BY id DESC LIMIT 1").get()!;
  const messagesOf = (conversation: number) =>
    rows<{ author: string; text: string | null; payload: string | null }>("SELECT author, text, payload FROM messages WHERE conversation_id = ? ORDER BY id", conversation);
  const settings = (over: Record<string, unknown> = {}) =>
    api(app.app, "PUT", "/api/v1/ai", token, {
      enabled: true,
      baseUrl: base,
      model: "gpt-4o-mini",
      apiKey: "sk-test-key",
      instructions: "Trate al cliente de usted. No prometa descuentos.",
      knowledge: "Horario: lunes a viernes de 8:00 a 18:00. Envíos a todo el país.",
      maxTurns: 3,
      monthlyTokenBudget: 0,
      ...over,
    });
  const visitor = async () => new WebchatVisitor(app, webchat).open();

  beforeAll(async () => {
    ai = new OpenAiFake({ apiKey: "sk-test-key" });
    base = await ai.start();
    app = await createTestApp();
    app.container.resolve<AiSettingsService>(T.AiSettingsService).timeoutMs = 400;
    token = app.makeToken(app.companyId);
    const ventas = app.makeQueue(app.companyId, "ventas");
    anaId = await app.makeUser(app.companyId, "ana", "agent", [ventas]);
    ana = app.client();
    await ana.login("ana", "password-123");
    webchat = app.db.query<{ id: number }, []>("SELECT id FROM channels WHERE plugin_id = 'webchat'").get()!.id;
    expect((await api(app.app, "PATCH", `/api/v1/channels/${webchat}`, token, { queueId: ventas, aiMode: "always" })).status).toBe(200);
    expect((await settings()).status).toBe(200);
    // Ana is online: a hand-off reaches her through routing.
    expect((await ana.post("/inbox/presence", { online: "1" })).status).toBe(303);
  });
  afterAll(async () => {
    await app.close();
    await ai.stop();
  });
  beforeEach(() => {
    ai.requests.length = 0;
  });

  test("the AI answers with the business's instructions, knowledge and the conversation so far", async () => {
    const v = await visitor();
    ai.next({ text: "Buenos días. Abrimos de lunes a viernes de 8:00 a 18:00." });
    await v.say("Hola, ¿a qué hora abren?");
    await settle();
    const c = conversationOf(v);
    expect(c.status).toBe("bot");
    expect(c.assignee_id).toBeNull();
    const msgs = messagesOf(c.id);
    expect(msgs.map((m) => [m.author, m.text])).toEqual([
      ["customer", "Hola, ¿a qué hora abren?"],
      ["bot", "Buenos días. Abrimos de lunes a viernes de 8:00 a 18:00."],
    ]);
    expect(JSON.parse(msgs[1]!.payload!)).toEqual({ origin: "ai" });
    const [req] = ai.completions();
    expect(req!.authorization).toBe("Bearer sk-test-key");
    const body = req!.body as { model: string; messages: { role: string; content: string }[]; tools: { function: { name: string } }[]; max_tokens: number };
    expect(body.model).toBe("gpt-4o-mini");
    expect(body.messages[0]!.role).toBe("system");
    expect(body.messages[0]!.content).toContain("Trate al cliente de usted. No prometa descuentos.");
    expect(body.messages[0]!.content).toContain("Horario: lunes a viernes de 8:00 a 18:00.");
    expect(body.messages[0]!.content).toContain("Mi Empresa");
    expect(body.messages.slice(1)).toEqual([{ role: "user", content: "Hola, ¿a qué hora abren?" }]);
    expect(body.tools.map((t) => t.function.name)).toEqual(["handoff_to_human"]);

    // The next message carries the history, the AI's own answer included.
    ai.next({ text: "Sí, enviamos a todo el país." });
    await v.say("¿Envían a Pasto?");
    await settle();
    const second = ai.completions()[1]!.body as { messages: { role: string; content: string }[] };
    expect(second.messages.slice(1)).toEqual([
      { role: "user", content: "Hola, ¿a qué hora abren?" },
      { role: "assistant", content: "Buenos días. Abrimos de lunes a viernes de 8:00 a 18:00." },
      { role: "user", content: "¿Envían a Pasto?" },
    ]);
    // Every call is accounted: tokens, model, latency.
    const calls = rows<{ kind: string; model: string; prompt_tokens: number; completion_tokens: number; outcome: string; conversation_id: number }>(
      "SELECT kind, model, prompt_tokens, completion_tokens, outcome, conversation_id FROM ai_calls WHERE conversation_id = ?",
      c.id,
    );
    expect(calls).toHaveLength(2);
    expect(calls.every((x) => x.kind === "answer" && x.model === "gpt-4o-mini" && x.prompt_tokens > 0 && x.completion_tokens > 0 && x.outcome === "ok")).toBe(true);
    const usage = (await (await api(app.app, "GET", "/api/v1/ai/usage", token)).json()) as { promptTokens: number; completionTokens: number; calls: number };
    expect(usage.calls).toBeGreaterThanOrEqual(2);
    expect(usage.promptTokens).toBe(rows<{ n: number }>("SELECT SUM(prompt_tokens) AS n FROM ai_calls")[0]!.n);
  });

  /** Each trigger: the customer reads the hand-off message, agents see why, routing gives it to Ana. */
  const expectHandoff = (conversation: number, reason: string, detail: string | null) => {
    const c = app.db.query<{ status: string; assignee_id: number | null }, [number]>("SELECT status, assignee_id FROM conversations WHERE id = ?").get(conversation)!;
    expect(c).toEqual({ status: "open", assignee_id: anaId });
    const msgs = messagesOf(conversation);
    const line = msgs.find((m) => m.author === "system" && m.payload?.includes("ai_handoff"));
    expect(JSON.parse(line!.payload!)).toEqual({ event: "ai_handoff", reason, detail });
    expect(msgs.some((m) => m.author === "bot" && m.text === DEFAULT_HANDOFF)).toBe(true);
  };

  test("the customer asks for a person: handed off at once, without asking the model", async () => {
    const v = await visitor();
    await v.say("Quiero hablar con un asesor, por favor");
    await settle();
    expect(ai.completions()).toHaveLength(0);
    expectHandoff(conversationOf(v).id, "customer_asked", null);
    const page = await ana.html(`/inbox/${conversationOf(v).id}`);
    expect(page).toContain("La IA transfirió la conversación: el cliente pidió hablar con una persona");
  });

  test("the model calls the hand-off tool", async () => {
    const v = await visitor();
    ai.next({ toolCall: { name: "handoff_to_human", arguments: { reason: "Pide una factura a nombre de su empresa" } } });
    await v.say("Necesito factura electrónica con NIT");
    await settle();
    expectHandoff(conversationOf(v).id, "tool", "Pide una factura a nombre de su empresa");
  });

  test("after the maximum of AI answers the next message goes to a person", async () => {
    const v = await visitor();
    for (const text of ["uno", "dos", "tres"]) {
      ai.next({ text: `respuesta ${text}` });
      await v.say(`pregunta ${text}`);
      await settle();
    }
    expect(conversationOf(v).status).toBe("bot");
    await v.say("pregunta cuatro");
    await settle();
    expect(ai.completions()).toHaveLength(3);
    expectHandoff(conversationOf(v).id, "turns", "3");
  });

  test("provider failures hand off: 401, 429, a timeout", async () => {
    // (The client retries a timeout once: the fake hangs both times.)
    for (const [behaviours, code] of [
      [[{ error: 429 }], "rate_limited"],
      [[{ hang: true }, { hang: true }], "timeout"],
    ] as const) {
      const v = await visitor();
      ai.next(...behaviours);
      await v.say("¿Tienen talla M?");
      await settle();
      expectHandoff(conversationOf(v).id, "error", code);
    }
    // A wrong key (401).
    expect((await settings({ apiKey: "sk-wrong" })).status).toBe(200);
    const v = await visitor();
    await v.say("¿Tienen talla L?");
    await settle();
    expectHandoff(conversationOf(v).id, "error", "auth");
    const failed = rows<{ outcome: string; error: string }>("SELECT outcome, error FROM ai_calls WHERE outcome = 'error' ORDER BY id");
    expect(failed.map((f) => f.error.split(":")[0])).toEqual(["rate_limited", "timeout", "auth"]);
    expect((await settings()).status).toBe(200);
  });

  test("the monthly budget is enforced: once spent, the AI hands off and the assist buttons say why", async () => {
    const used = rows<{ n: number }>("SELECT SUM(prompt_tokens + completion_tokens) AS n FROM ai_calls")[0]!.n;
    expect((await settings({ monthlyTokenBudget: used })).status).toBe(200);
    const v = await visitor();
    await v.say("¿Hacen domicilios?");
    await settle();
    expect(ai.completions()).toHaveLength(0);
    const id = conversationOf(v).id;
    expectHandoff(id, "budget", null);
    const page = await ana.html(`/inbox/${id}`);
    expect(page).toContain("Se agotó el presupuesto mensual de IA");
    const suggest = await ana.post(`/inbox/${id}/ai/suggest`);
    expect(suggest.status).toBe(409);
    expect(await suggest.text()).toBe("Se agotó el presupuesto mensual de IA");
    expect((await settings()).status).toBe(200);
  });

  test("an agent who takes the conversation silences the AI at once", async () => {
    const v = await visitor();
    ai.next({ text: "Con gusto." });
    await v.say("Hola");
    await settle();
    const id = conversationOf(v).id;
    expect(conversationOf(v).status).toBe("bot");
    expect((await ana.post(`/inbox/${id}/take`)).status).toBe(303);
    ai.requests.length = 0;
    await v.say("¿Sigue ahí?");
    await settle();
    expect(ai.completions()).toHaveLength(0);
    expect(conversationOf(v)).toMatchObject({ status: "open", assignee_id: anaId });
  });

  test("a server that refuses tool_choice still answers (the fallback is said in Probar)", async () => {
    ai.refuseToolChoice = true;
    try {
      const v = await visitor();
      ai.next({ text: "Respuesta sin tool_choice." });
      await v.say("¿Qué medios de pago tienen?");
      await settle();
      expect(messagesOf(conversationOf(v).id).map((m) => m.text)).toContain("Respuesta sin tool_choice.");
      const sent = ai.completions().map((r) => r.body.tool_choice);
      expect(sent).toEqual(["auto", undefined]);
    } finally {
      ai.refuseToolChoice = false;
    }
  });

  test("with the company's AI off, nothing is sent to the provider and conversations go to the queue", async () => {
    expect((await settings({ enabled: false })).status).toBe(200);
    const v = await visitor();
    await v.say("Hola, ¿me ayudan?");
    await settle();
    expect(ai.requests).toHaveLength(0);
    expect(conversationOf(v)).toMatchObject({ status: "open", assignee_id: anaId });
    expect((await settings()).status).toBe(200);
  });

  test("'only when no agent is online' answers while nobody of the queue is connected", async () => {
    expect((await api(app.app, "PATCH", `/api/v1/channels/${webchat}`, token, { aiMode: "no_agents" })).status).toBe(200);
    const online = await visitor();
    await online.say("¿Hay alguien?");
    await settle();
    expect(conversationOf(online).status).toBe("open");
    expect((await ana.post("/inbox/presence", { online: "0" })).status).toBe(303);
    const offline = await visitor();
    ai.next({ text: "Ahora no hay asesores; ¿en qué le ayudo?" });
    await offline.say("¿Hay alguien?");
    await settle();
    expect(conversationOf(offline).status).toBe("bot");
    expect((await ana.post("/inbox/presence", { online: "1" })).status).toBe(303);
    expect((await api(app.app, "PATCH", `/api/v1/channels/${webchat}`, token, { aiMode: "always" })).status).toBe(200);
  });
});
