import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { BillingService } from "../../core/billing/billing-service.ts";
import type { ChannelView } from "../../core/channels/channel-service.ts";
import type { OutboxDispatcher } from "../../core/conversations/outbox-dispatcher.ts";
import type { EventBus } from "../../core/events/bus.ts";
import { T } from "../../core/tokens.ts";
import { wa } from "../fakes/meta-graph.ts";
import { api } from "../helpers/client.ts";
import { APP_SECRET, NUMBER_A, NUMBER_B, startWithMeta, WABA } from "../helpers/meta-setup.ts";
import { TestClock } from "../helpers/test-app.ts";

/** A number's monthly free allowance, the fee per conversation, and sends the outbox holds back once the balance is spent. */
describe("allowances, conversation fees and the outbox's balance check", () => {
  const clock = new TestClock(Date.UTC(2026, 10, 20, 15));
  let env: Awaited<ReturnType<typeof startWithMeta>>;
  let a: ChannelView;
  let b: ChannelView;
  let token: string;
  let billing: BillingService;
  let recharge: number;
  let n = 0;
  const ctx = (number: typeof NUMBER_A, from: string) => ({ wabaId: WABA, phoneNumberId: number.phoneNumberId, displayPhoneNumber: number.displayPhoneNumber, from, name: "Marta" });
  const deliver = async (channel: ChannelView, payload: unknown) => {
    const [res] = await env.meta.deliver(channel.webhookUrl, payload, { appSecret: APP_SECRET });
    expect(res!.status).toBe(200);
  };
  const dispatcher = () => env.server.container.resolve<OutboxDispatcher>(T.OutboxDispatcher);
  /** A customer writes on `number`; the API answers; returns the answer's wamid once Meta has it. */
  const answered = async (channel: ChannelView, number: typeof NUMBER_A, from: string) => {
    await deliver(channel, wa.text({ ...ctx(number, from), id: `wamid.in${++n}` }, "Hola"));
    const conversation = env.server.db.query<{ id: number }, [string]>("SELECT conversation_id AS id FROM messages WHERE external_id = ?").get(`wamid.in${n}`)!.id;
    const before = env.meta.sent(number.phoneNumberId).length;
    expect((await api(env.server.app, "POST", `/api/v1/conversations/${conversation}/messages`, token, { text: "Con gusto." })).status).toBe(201);
    await dispatcher().idle();
    await env.meta.waitForSent(before + 1, number.phoneNumberId);
    return env.server.db.query<{ e: string }, [number]>("SELECT external_id AS e FROM messages WHERE conversation_id = ? AND direction = 'out' ORDER BY id DESC LIMIT 1").get(conversation)!.e;
  };
  const billable = { pricing: { category: "service", type: "regular" as const } };
  const usage = (kind: string) =>
    env.server.db.query<{ amount: number; detail: string; ref_id: number }, [string]>("SELECT amount, detail, ref_id FROM ledger_entries WHERE kind = 'usage' AND usage_kind = ? ORDER BY id").all(kind);

  beforeAll(async () => {
    env = await startWithMeta({ clock });
    a = env.whatsapp(env.server.companyId, NUMBER_A, null);
    b = env.whatsapp(env.server.companyId, NUMBER_B, null);
    token = env.server.makeToken(env.server.companyId);
    billing = env.server.container.resolve<BillingService>(T.BillingService);
    recharge = billing.recharge({ companyId: env.server.companyId, amount: "1000", date: "", method: "nequi", reference: "", note: "" }, "test").id;
    billing.setRate({ kind: "whatsapp.service", amount: "25", country: "", model: "", companyId: null, currency: "COP", freePerMonth: "2" });
  });
  afterAll(() => env.stop());

  test("each number's first messages of the month are free (written at 0, marked as allowance); a repeated status takes nothing more; a new month starts again", async () => {
    const first = await answered(a, NUMBER_A, "573001000001");
    await deliver(a, wa.status(ctx(NUMBER_A, "573001000001"), first, "delivered", billable));
    await deliver(a, wa.status(ctx(NUMBER_A, "573001000001"), first, "read", billable));
    const second = await answered(a, NUMBER_A, "573001000002");
    await deliver(a, wa.status(ctx(NUMBER_A, "573001000002"), second, "delivered", billable));
    const third = await answered(a, NUMBER_A, "573001000003");
    await deliver(a, wa.status(ctx(NUMBER_A, "573001000003"), third, "delivered", billable));
    // The other number has an allowance of its own.
    const other = await answered(b, NUMBER_B, "573001000004");
    await deliver(b, wa.status(ctx(NUMBER_B, "573001000004"), other, "delivered", billable));
    const rows = usage("whatsapp.service");
    expect(rows.map((r) => r.amount)).toEqual([0, 0, -2500, 0]);
    expect(JSON.parse(rows[0]!.detail).freeAllowance).toBe(true);
    expect(JSON.parse(rows[2]!.detail).freeAllowance).toBeUndefined();
    // December in Bogotá: the allowance is whole again.
    clock.t = Date.UTC(2026, 11, 1, 6);
    const december = await answered(a, NUMBER_A, "573001000005");
    await deliver(a, wa.status(ctx(NUMBER_A, "573001000005"), december, "delivered", billable));
    expect(usage("whatsapp.service").at(-1)!.amount).toBe(0);
  });

  test("the operator's fee per conversation is charged once when a conversation starts, not for each message in it", async () => {
    billing.setRate({ kind: "conversation", amount: "50", country: "", model: "", companyId: null, currency: "COP" });
    await deliver(a, wa.text({ ...ctx(NUMBER_A, "573002000001"), id: "wamid.fee1" }, "Buenas"));
    await deliver(a, wa.text({ ...ctx(NUMBER_A, "573002000001"), id: "wamid.fee2" }, "¿Hay alguien?"));
    await deliver(a, wa.text({ ...ctx(NUMBER_A, "573002000001"), id: "wamid.fee2" }, "¿Hay alguien?"));
    const conversation = env.server.db.query<{ id: number }, []>("SELECT conversation_id AS id FROM messages WHERE external_id = 'wamid.fee1'").get()!.id;
    expect(usage("conversation")).toEqual([{ amount: -5000, detail: "null", ref_id: conversation }]);
    billing.setRate({ kind: "conversation", amount: "0", country: "", model: "", companyId: null, currency: "COP" });
  });

  test("a send queued while the balance lasted is not sent once it is spent: it fails with the reason, and goes after a recharge", async () => {
    billing.setRate({ kind: "whatsapp.service", amount: "25", country: "", model: "", companyId: null, currency: "COP", freePerMonth: "0" });
    await deliver(a, wa.text({ ...ctx(NUMBER_A, "573003000001"), id: "wamid.late1" }, "Hola"));
    const conversation = env.server.db.query<{ id: number }, []>("SELECT conversation_id AS id FROM messages WHERE external_id = 'wamid.late1'").get()!.id;
    const sentBefore = env.meta.sent(NUMBER_A.phoneNumberId).length;
    // Meta is busy: the answer waits in the outbox for its retry, and meanwhile the recharge is reversed.
    env.meta.failNext("/messages", 130429);
    const res = await api(env.server.app, "POST", `/api/v1/conversations/${conversation}/messages`, token, { text: "Ya le confirmo." });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { id: number }).id;
    await dispatcher().idle();
    expect(env.server.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM outbox").get()!.n).toBe(1);
    billing.reverse(recharge, "Pago rechazado", "test");
    expect(billing.balance(env.server.companyId).balance).toBeLessThanOrEqual(0);
    clock.advance(10 * 60_000);
    env.server.container.resolve<EventBus>(T.EventBus).emit("outbox.queued", { channelId: a.id });
    await dispatcher().idle();
    const failed = env.server.db.query<{ status: string; error_code: string }, [number]>("SELECT status, error_code FROM messages WHERE id = ?").get(id)!;
    expect(failed).toEqual({ status: "failed", error_code: "insufficient_balance" });
    expect(env.meta.sent(NUMBER_A.phoneNumberId).length).toBe(sentBefore);
    // The agent sees why, in their language, with "Reintentar".
    await env.server.makeUser(env.server.companyId, "rita", "supervisor");
    const rita = env.server.client();
    await rita.login("rita", "password-123");
    const pane = await rita.html(`/inbox/${conversation}`);
    expect(pane).toContain("Saldo insuficiente: recargue para responder.");
    // Retrying while the balance is still spent says so and changes nothing.
    const inbox = await rita.request("POST", `/inbox/messages/${id}/retry`, { form: {} });
    expect(inbox.status).toBe(402);
    expect(env.server.db.query<{ status: string }, [number]>("SELECT status FROM messages WHERE id = ?").get(id)!.status).toBe("failed");
    // Recharged: the retry goes.
    billing.recharge({ companyId: env.server.companyId, amount: "500", date: "", method: "pse", reference: "", note: "" }, "test");
    expect((await rita.request("POST", `/inbox/messages/${id}/retry`, { form: {} })).status).toBeLessThan(400);
    await dispatcher().idle();
    await env.meta.waitForSent(sentBefore + 1, NUMBER_A.phoneNumberId);
    expect(env.server.db.query<{ status: string }, [number]>("SELECT status FROM messages WHERE id = ?").get(id)!.status).toBe("sent");
  });
});
