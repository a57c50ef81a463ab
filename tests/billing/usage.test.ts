import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { BillingService } from "../../core/billing/billing-service.ts";
import type { ChannelView } from "../../core/channels/channel-service.ts";
import type { OutboxDispatcher } from "../../core/conversations/outbox-dispatcher.ts";
import { T } from "../../core/tokens.ts";
import { wa } from "../fakes/meta-graph.ts";
import { OpenAiFake } from "../fakes/openai.ts";
import { api } from "../helpers/client.ts";
import { APP_SECRET, NUMBER_A, startWithMeta, WABA } from "../helpers/meta-setup.ts";

/** Usage charged as it happens: WhatsApp by Meta's pricing in the status webhooks, AI calls by their tokens. */
describe("usage charges", () => {
  let env: Awaited<ReturnType<typeof startWithMeta>>;
  let channel: ChannelView;
  let token: string;
  let billing: BillingService;
  let recharge: number;
  const ai = new OpenAiFake({ apiKey: "sk-usage" });
  let n = 0;
  const ctx = (from: string) => ({ wabaId: WABA, phoneNumberId: NUMBER_A.phoneNumberId, displayPhoneNumber: NUMBER_A.displayPhoneNumber, from, name: "Marta" });
  const deliver = async (payload: unknown) => {
    const [res] = await env.meta.deliver(channel.webhookUrl, payload, { appSecret: APP_SECRET });
    expect(res!.status).toBe(200);
  };
  /** A customer writes; an agent (the API) answers; returns the conversation and the answer's wamid. */
  const answered = async (from: string) => {
    await deliver(wa.text({ ...ctx(from), id: `wamid.in${++n}` }, "Hola"));
    const conversation = env.server.db.query<{ id: number }, [string]>("SELECT conversation_id AS id FROM messages WHERE external_id = ?").get(`wamid.in${n}`)!.id;
    const before = env.meta.sent(NUMBER_A.phoneNumberId).length;
    expect((await api(env.server.app, "POST", `/api/v1/conversations/${conversation}/messages`, token, { text: "Con gusto le ayudo." })).status).toBe(201);
    await env.server.container.resolve<OutboxDispatcher>(T.OutboxDispatcher).idle();
    await env.meta.waitForSent(before + 1, NUMBER_A.phoneNumberId);
    const wamid = env.server.db.query<{ e: string }, [number]>("SELECT external_id AS e FROM messages WHERE conversation_id = ? AND direction = 'out' ORDER BY id DESC LIMIT 1").get(conversation)!.e;
    return { conversation, wamid };
  };
  const usage = () => env.server.db.query<{ usage_kind: string; amount: number; ref_type: string; external_id: string | null; detail: string }, []>("SELECT usage_kind, amount, ref_type, external_id, detail FROM ledger_entries WHERE kind = 'usage' ORDER BY id").all();

  beforeAll(async () => {
    env = await startWithMeta();
    channel = env.whatsapp(env.server.companyId, NUMBER_A, null);
    token = env.server.makeToken(env.server.companyId);
    billing = env.server.container.resolve<BillingService>(T.BillingService);
    // A prepaid balance of $100 to spend.
    recharge = billing.recharge({ companyId: env.server.companyId, amount: "100", date: "", method: "nequi", reference: "", note: "" }, "test").id;
    billing.setRate({ kind: "whatsapp.service", amount: "25", country: "CO", model: "", companyId: null, currency: "COP" });
    billing.setRate({ kind: "whatsapp.service", amount: "40", country: "", model: "", companyId: null, currency: "COP" });
    billing.setRate({ kind: "whatsapp.default", amount: "10", country: "", model: "", companyId: null, currency: "COP" });
    billing.setRate({ kind: "ai.prompt_1k", amount: "2", country: "", model: "", companyId: null, currency: "COP" });
    billing.setRate({ kind: "ai.completion_1k", amount: "8", country: "", model: "gpt-4o-mini", companyId: null, currency: "COP" });
  });
  afterAll(async () => {
    await env.stop();
    await ai.stop();
  });

  test("a billable WhatsApp reply is charged once at the recipient country's rate, although its statuses repeat and come out of order; the pricing object is kept", async () => {
    const { wamid } = await answered("573001234567");
    const pricing = { category: "service", type: "regular" as const };
    await deliver(wa.status(ctx("573001234567"), wamid, "read", { pricing }));
    await deliver(wa.status(ctx("573001234567"), wamid, "delivered", { pricing }));
    await deliver(wa.status(ctx("573001234567"), wamid, "delivered", { pricing }));
    await deliver(wa.status(ctx("573001234567"), wamid, "sent", { pricing }));
    const rows = usage();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ usage_kind: "whatsapp.service", amount: -2500, ref_type: "message", external_id: wamid });
    expect(JSON.parse(rows[0]!.detail)).toMatchObject({ category: "service", type: "regular", pricing_model: "PMP", country: "CO" });
    // The message itself still reads "read": a late "delivered" does not move it back.
    expect(env.server.db.query<{ status: string }, [string]>("SELECT status FROM messages WHERE external_id = ?").get(wamid)!.status).toBe("read");
  });

  test("free statuses cost nothing; another country takes the every-country row; a category Meta adds later is priced as default", async () => {
    const free = await answered("573009990000");
    await deliver(wa.status(ctx("573009990000"), free.wamid, "delivered", { pricing: { category: "service", type: "free_customer_service" } }));
    expect(usage()).toHaveLength(1);
    const mx = await answered("5215512345678");
    await deliver(wa.status(ctx("5215512345678"), mx.wamid, "delivered", { pricing: { category: "service", type: "regular" } }));
    const lite = await answered("573005550000");
    await deliver(wa.status(ctx("573005550000"), lite.wamid, "delivered", { pricing: { category: "marketing_lite", type: "regular" } }));
    expect(usage().slice(1).map((u) => [u.usage_kind, u.amount])).toEqual([
      ["whatsapp.service", -4000],
      ["whatsapp.default", -1000],
    ]);
    const api1 = (await (await api(env.server.app, "GET", "/api/v1/usage", token)).json()) as { data: { kind: string; amount: number; ref: { type: string; externalId?: string } }[] };
    expect(api1.data.map((u) => u.amount)).toEqual([2500, 4000, 1000]);
    expect(api1.data[0]!.ref).toMatchObject({ type: "message", externalId: expect.stringMatching(/^wamid\./) });
    expect(billing.balance(env.server.companyId).balance).toBe(10_000 - 7500);
  });

  test("an AI call is charged by its tokens at the model's rates when it completes", async () => {
    const base = await ai.start();
    expect((await api(env.server.app, "PUT", "/api/v1/ai", token, { enabled: true, baseUrl: base, model: "gpt-4o-mini", apiKey: "sk-usage" })).status).toBe(200);
    const { conversation } = await answered("573001112200");
    ai.next({ text: "Resumen: saluda.", usage: { prompt_tokens: 1500, completion_tokens: 500 } });
    expect((await api(env.server.app, "POST", `/api/v1/conversations/${conversation}/summarize`, token)).status).toBe(200);
    const last = usage().at(-1)!;
    expect(last.usage_kind).toBe("ai.tokens");
    expect(last.ref_type).toBe("ai_call");
    // 1500 × 2.00/1k + 500 × 8.00/1k = 3.00 + 4.00 = 7.00 COP = 700 minor units.
    expect(last.amount).toBe(-700);
  });

  test("with the balance spent, priced sends are refused with a reason while customers' messages are still stored; a recharge lets them through", async () => {
    const company = env.server.companyId;
    billing.reverse(recharge, "Pago rechazado por el banco", "test");
    expect(billing.balance(company).balance).toBeLessThanOrEqual(0);
    await deliver(wa.text({ ...ctx("573001234567"), id: "wamid.broke1" }, "¿Siguen ahí?"));
    const conversation = env.server.db.query<{ id: number }, []>("SELECT conversation_id AS id FROM messages WHERE external_id = 'wamid.broke1'").get()!.id;
    const refused = await api(env.server.app, "POST", `/api/v1/conversations/${conversation}/messages`, token, { text: "Sí" }, { "accept-language": "es" });
    expect(refused.status).toBe(402);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toEqual({ code: "insufficient_balance", message: "Saldo insuficiente: recargue para responder." });
    // The agent reads it in the composer before typing.
    await env.server.makeUser(env.server.companyId, "vera", "supervisor");
    const vera = env.server.client();
    await vera.login("vera", "password-123");
    expect(await vera.html(`/inbox/${conversation}`)).toContain('id="balance-blocked"');
    const assist = await api(env.server.app, "POST", `/api/v1/conversations/${conversation}/summarize`, token);
    expect(assist.status).toBe(402);
    // Recharged: the same reply goes.
    billing.recharge({ companyId: company, amount: "500", date: "", method: "pse", reference: "", note: "" }, "test");
    expect((await api(env.server.app, "POST", `/api/v1/conversations/${conversation}/messages`, token, { text: "Sí, aquí estamos" })).status).toBe(201);
  });
});
