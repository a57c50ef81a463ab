import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHmac, timingSafeEqual } from "node:crypto";
import { api } from "../helpers/client.ts";
import { setup, type Setup } from "./setup.ts";

/** The receiver's side of the README's recipe, written from the documentation alone. */
function verify(secret: string, raw: string, header: string | null): boolean {
  const expected = "sha256=" + createHmac("sha256", secret).update(raw).digest("hex");
  const given = header ?? "";
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

describe("outbound webhooks: what a receiver gets", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup();
  });
  afterAll(() => s.close());

  test("a customer message reaches the subscribed URL signed, with the documented envelope and headers", async () => {
    const { secret, id } = await s.subscribe(["message.received", "conversation.opened"]);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{40,}$/);
    // The secret is shown once: reading the subscription back never carries it.
    const read = await api(s.app.app, "GET", `/api/v1/webhooks/${id}`, s.token);
    expect(await read.text()).not.toContain(secret);

    await s.customer("573001110001", "Hola, ¿tienen envíos?");
    await s.settle();
    expect(s.receiver.events()).toEqual(["conversation.opened", "message.received"]);
    for (const r of s.receiver.received) {
      expect(verify(secret, r.raw, r.headers.get("x-charla-signature"))).toBe(true);
      expect(r.headers.get("x-charla-event")).toBe(r.body.event);
      expect(r.headers.get("x-charla-delivery")).toBe(r.body.id);
      expect(r.headers.get("content-type")).toBe("application/json");
      expect(Object.keys(r.body)).toEqual(["id", "event", "createdAt", "companyId", "data"]);
      expect(r.body.companyId).toBe(s.app.companyId);
      expect(new Date(r.body.createdAt).toISOString()).toBe(r.body.createdAt);
    }
    const msg = s.receiver.received[1]!.body.data as { message: { text: string; direction: string; author: string }; conversation: { id: number; contact: { name: string } } };
    expect(msg.message).toMatchObject({ text: "Hola, ¿tienen envíos?", direction: "in", author: "customer" });
    expect(msg.conversation.contact.name).toBe("Cliente 573001110001");
    // A body altered in transit, or signed with another secret, fails the same recipe.
    const r = s.receiver.received[1]!;
    expect(verify(secret, r.raw.replace("envíos", "envios"), r.headers.get("x-charla-signature"))).toBe(false);
    expect(verify("whsec_other", r.raw, r.headers.get("x-charla-signature"))).toBe(false);
    await api(s.app.app, "DELETE", `/api/v1/webhooks/${id}`, s.token);
  });

  test("an agent's reply, its status, the assignment and the close are events too, in order", async () => {
    s.receiver.received.length = 0;
    const { id } = await s.subscribe(["message.sent", "message.status", "conversation.assigned", "conversation.finalized"]);
    await s.customer("573001110002", "Quiero un pedido");
    const list = (await (await api(s.app.app, "GET", "/api/v1/conversations", s.token)).json()) as { data: { id: number; contact: { phone: string | null; name: string } }[] };
    const conv = list.data.find((c) => c.contact.name === "Cliente 573001110002")!.id;
    await s.app.makeUser(s.app.companyId, "ana-wh", "admin");
    const agent = s.app.client();
    await agent.login("ana-wh", "password-123");
    expect((await agent.post(`/inbox/${conv}/take`, {})).status).toBeLessThan(400);
    expect((await agent.post(`/inbox/${conv}/messages`, { text: "Con gusto", key: "k-1" })).status).toBeLessThan(400);
    await s.settle();
    expect((await agent.post(`/inbox/${conv}/close`, {})).status).toBeLessThan(400);
    await s.settle();
    expect(s.receiver.events()).toEqual(["conversation.assigned", "message.sent", "message.status", "conversation.finalized"]);
    const sent = s.receiver.received[1]!.body.data as { message: { text: string; author: string } };
    expect(sent.message).toMatchObject({ text: "Con gusto", author: "agent" });
    const status = s.receiver.received[2]!.body.data as { message: { status: string } };
    expect(status.message.status).toBe("sent");
    await api(s.app.app, "DELETE", `/api/v1/webhooks/${id}`, s.token);
  });

  test("contacts: created and erased (the erased event carries the id only)", async () => {
    s.receiver.received.length = 0;
    const { id } = await s.subscribe(["contact.created", "contact.updated", "contact.erased"]);
    const created = await api(s.app.app, "POST", "/api/v1/contacts", s.token, { name: "Beatriz Gómez", phone: "+573001234567" });
    expect(created.status).toBe(201);
    const contact = ((await created.json()) as { id: number }).id;
    expect((await api(s.app.app, "PATCH", `/api/v1/contacts/${contact}`, s.token, { email: "bea@example.com" })).status).toBe(200);
    const operator = await s.app.operator();
    const erase = await operator.post(`/contacts/${contact}/erase`, { confirm: "1" });
    expect(erase.status).toBeLessThan(400);
    await s.settle();
    expect(s.receiver.events()).toEqual(["contact.created", "contact.updated", "contact.erased"]);
    expect((s.receiver.received[0]!.body.data as { contact: { name: string } }).contact.name).toBe("Beatriz Gómez");
    expect((s.receiver.received[1]!.body.data as { contact: { email: string } }).contact.email).toBe("bea@example.com");
    expect(s.receiver.received[2]!.body.data).toEqual({ contactId: contact });
    expect(s.receiver.received[2]!.raw).not.toContain("Beatriz");
    await api(s.app.app, "DELETE", `/api/v1/webhooks/${id}`, s.token);
  });

  test("never sent for another company's events, and another company cannot see or touch the subscription", async () => {
    s.receiver.received.length = 0;
    const { id } = await s.subscribe(["message.received"]);
    const other = s.app.makeCompany("otra-wh");
    const otherToken = s.app.makeToken(other);
    const otherChannel = s.app.makeRelayChannel(other, "http://127.0.0.1:9/send");
    const res = await s.app.webhook(otherChannel, { messages: [{ id: "other-1", from: "573009990000", text: "de otra empresa" }] });
    expect(res.status).toBe(200);
    await s.customer("573001110003", "de mi empresa");
    await s.settle();
    expect(s.receiver.events()).toEqual(["message.received"]);
    expect(s.receiver.received.map((r) => (r.body.data as { message: { text: string } }).message.text)).toEqual(["de mi empresa"]);
    expect(s.receiver.received.every((r) => r.body.companyId === s.app.companyId)).toBe(true);
    expect((await api(s.app.app, "GET", `/api/v1/webhooks/${id}`, otherToken)).status).toBe(404);
    expect((await api(s.app.app, "DELETE", `/api/v1/webhooks/${id}`, otherToken)).status).toBe(404);
    expect(((await (await api(s.app.app, "GET", "/api/v1/webhooks", otherToken)).json()) as { data: unknown[] }).data).toEqual([]);
    await api(s.app.app, "DELETE", `/api/v1/webhooks/${id}`, s.token);
  });
});
