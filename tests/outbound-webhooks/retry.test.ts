import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { api } from "../helpers/client.ts";
import { setup, type Setup } from "./setup.ts";

const HOUR = 3_600_000;

describe("outbound webhooks: failures", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup();
  });
  afterAll(() => s.close());

  /** Moves the clock past any retry delay and lets due deliveries go. */
  const later = async (ms = HOUR) => {
    s.clock.advance(ms);
    await s.settle();
  };

  test("a 500 is retried with backoff; a conversation's later events wait for the earlier one, other conversations go ahead", async () => {
    const { id } = await s.subscribe(["message.received"]);
    s.receiver.script = [500];
    await s.customer("573002220001", "primero");
    await s.settle();
    // The first delivery failed; the second message of the same conversation must not overtake it.
    await s.customer("573002220001", "segundo");
    await s.customer("573002220002", "otra conversación");
    await s.settle();
    const texts = () => s.receiver.received.map((r) => `${(r.body.data as { message: { text: string } }).message.text}:${r.answered}`);
    expect(texts()).toEqual(["primero:500", "otra conversación:200"]);
    await later();
    await s.settle();
    expect(texts()).toEqual(["primero:500", "otra conversación:200", "primero:200", "segundo:200"]);
    // The retry is the same delivery: same id, byte-identical body.
    expect(s.receiver.received[2]!.body.id).toBe(s.receiver.received[0]!.body.id);
    expect(s.receiver.received[2]!.raw).toBe(s.receiver.received[0]!.raw);
    // The log shows both attempts of the first delivery.
    const log = (await (await api(s.app.app, "GET", `/api/v1/webhooks/${id}/attempts`, s.token)).json()) as { data: { attempt: number; statusCode: number; deliveryId: string }[] };
    const first = log.data.filter((a) => a.deliveryId === s.receiver.received[0]!.body.id);
    expect(first.map((a) => [a.attempt, a.statusCode])).toEqual([
      [2, 200],
      [1, 500],
    ]);
    await api(s.app.app, "DELETE", `/api/v1/webhooks/${id}`, s.token);
  });

  test("a receiver that does not answer within 5 s counts as a failure and is retried", async () => {
    s.receiver.received.length = 0;
    const { id } = await s.subscribe(["message.received"]);
    s.receiver.script = ["hang"];
    await s.customer("573002220003", "lento");
    await s.settle();
    const log = (await (await api(s.app.app, "GET", `/api/v1/webhooks/${id}/attempts`, s.token)).json()) as { data: { statusCode: number | null; error: string; latencyMs: number }[] };
    expect(log.data[0]!.statusCode).toBeNull();
    expect(log.data[0]!.error).toContain("timeout");
    expect(log.data[0]!.latencyMs).toBeGreaterThanOrEqual(4_900);
    await later();
    expect(s.receiver.accepted().map((r) => (r.body.data as { message: { text: string } }).message.text)).toEqual(["lento"]);
    await api(s.app.app, "DELETE", `/api/v1/webhooks/${id}`, s.token);
  }, 20_000);

  test("a day of failures pauses the subscription, with a banner for the admins; resuming sends what waited", async () => {
    s.receiver.received.length = 0;
    const { id } = await s.subscribe(["message.received"]);
    s.receiver.fallback = 503;
    await s.customer("573002220004", "nadie escucha");
    await s.settle();
    for (let h = 0; h < 25; h++) await later();
    const sub = (await (await api(s.app.app, "GET", `/api/v1/webhooks/${id}`, s.token)).json()) as { status: string; pausedReason: string };
    expect(sub).toMatchObject({ status: "paused", pausedReason: "failing" });
    const tries = s.receiver.received.length;
    expect(tries).toBeGreaterThan(10);
    // Paused: nothing more is tried, and new events are not queued for it.
    await s.customer("573002220005", "mientras estaba pausado");
    await later();
    expect(s.receiver.received.length).toBe(tries);

    const admin = s.app.client();
    await s.app.makeUser(s.app.companyId, "admin-wh", "admin");
    await admin.login("admin-wh", "password-123");
    expect(await admin.html("/inbox")).toContain('id="webhooks-paused-notice"');
    expect(await admin.html("/admin/webhooks")).toContain('id="webhooks-paused"');
    expect(await admin.html(`/admin/webhooks/${id}`)).toContain('id="webhook-paused"');

    s.receiver.fallback = 200;
    expect((await admin.post(`/admin/webhooks/${id}/resume`, {})).status).toBe(303);
    await s.settle();
    const ok = s.receiver.accepted().map((r) => (r.body.data as { message: { text: string } }).message.text);
    expect(ok).toEqual(["nadie escucha"]);
    expect(await admin.html("/inbox")).not.toContain('id="webhooks-paused-notice"');
  });

  test("one delivery the receiver keeps refusing gives up after 24 h (others succeed, no pause) and can be sent again", async () => {
    s.receiver.received.length = 0;
    const { id } = await s.subscribe(["message.received"]);
    let refuse = true;
    s.receiver.respond = (body) => (refuse && JSON.stringify(body.data).includes("reenvíame") ? 500 : 200);
    await s.customer("573002220006", "reenvíame");
    await s.settle();
    for (let h = 0; h < 25; h++) {
      await s.customer(`5730033300${String(h).padStart(2, "0")}`, `hora ${h}`);
      await later();
    }
    const sub = (await (await api(s.app.app, "GET", `/api/v1/webhooks/${id}`, s.token)).json()) as { status: string };
    expect(sub.status).toBe("active");
    const deliveries = (await (await api(s.app.app, "GET", `/api/v1/webhooks/${id}/deliveries?limit=200`, s.token)).json()) as { data: { id: string; state: string }[] };
    const poison = deliveries.data.at(-1)!;
    expect(poison.state).toBe("failed");
    expect(deliveries.data.slice(0, -1).every((d) => d.state === "delivered")).toBe(true);
    refuse = false;
    const redo = await api(s.app.app, "POST", `/api/v1/webhooks/${id}/deliveries/${poison.id}/redeliver`, s.token);
    expect(redo.status).toBe(200);
    await s.settle();
    expect(s.receiver.accepted().at(-1)!.body.id).toBe(poison.id);
    s.receiver.respond = null;
  });

  test("a subscription deleted while one of its deliveries is out: the answer is dropped, nothing breaks", async () => {
    s.receiver.received.length = 0;
    const { id } = await s.subscribe(["message.received"]);
    s.receiver.script = [500];
    s.receiver.respond = null;
    const hold = Promise.withResolvers<void>();
    const original = globalThis.fetch;
    // Hold the request until the subscription is gone, then let it fail.
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).startsWith(s.receiver.url)) await hold.promise;
      return original(input as RequestInfo, init);
    }) as typeof fetch;
    try {
      await s.customer("573002220099", "borrado en vuelo");
      const settled = s.settle();
      await Bun.sleep(50);
      expect((await api(s.app.app, "DELETE", `/api/v1/webhooks/${id}`, s.token)).status).toBe(204);
      hold.resolve();
      await settled;
    } finally {
      globalThis.fetch = original;
    }
    expect(s.app.db.query("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE subscription_id = ?").get(id)).toEqual({ n: 0 });
    // The dispatcher still works for the others.
    const other = await s.subscribe(["message.received"]);
    await s.customer("573002220098", "sigue funcionando");
    await s.settle();
    expect(s.receiver.accepted().some((r) => JSON.stringify(r.body.data).includes("sigue funcionando"))).toBe(true);
    await api(s.app.app, "DELETE", `/api/v1/webhooks/${other.id}`, s.token);
  });
});
