import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, TestClock, type TestApp } from "../helpers/test-app.ts";

describe("webhook pipeline", () => {
  let app: TestApp;
  let channel: number;
  let queue: number;
  const clock = new TestClock();
  const count = (sql: string, ...args: (string | number)[]) => app.db.query<{ n: number }, (string | number)[]>(`SELECT COUNT(*) AS n FROM ${sql}`).get(...args)!.n;

  beforeAll(async () => {
    app = await createTestApp({ clock });
    queue = app.makeQueue(app.companyId, "ventas");
    channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/unused", queue, 30);
  });
  afterAll(() => app.close());

  test("a customer message creates contact, conversation and message, answered 200 after commit", async () => {
    const res = await app.webhook(channel, { messages: [{ id: "in-1", from: "573001112233", text: "Hola, ¿tienen envíos?", name: "Ana" }] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, stored: 1, duplicates: 0, statuses: 0, unrouted: 0 });
    const conv = app.db
      .query<{ status: string; queue_id: number; unread_count: number; unanswered_since: number; last_preview: string }, []>(
        "SELECT status, queue_id, unread_count, unanswered_since, last_preview FROM conversations",
      )
      .get()!;
    expect(conv).toEqual({ status: "queued", queue_id: queue, unread_count: 1, unanswered_since: clock.t, last_preview: "Hola, ¿tienen envíos?" });
    expect(app.db.query("SELECT name FROM contacts").get()).toEqual({ name: "Ana" });
  });

  test("the same webhook delivered twice stores one message", async () => {
    const body = { messages: [{ id: "in-dup", from: "573001112233", text: "repetido" }] };
    expect(await (await app.webhook(channel, body)).json()).toMatchObject({ stored: 1, duplicates: 0 });
    expect(await (await app.webhook(channel, body)).json()).toMatchObject({ stored: 0, duplicates: 1 });
    expect(count("messages WHERE external_id = ?", "in-dup")).toBe(1);
    // Same customer, same open conversation: no second conversation either.
    expect(count("conversations")).toBe(1);
  });

  test("unverified or malformed input gets 4xx and writes nothing", async () => {
    const before = count("messages");
    const forged = await app.webhook(channel, { messages: [{ id: "x1", from: "1", text: "hack" }] }, "wrong-token");
    expect(forged.status).toBe(401);
    const broken = await app.webhook(channel, "{not json");
    expect(broken.status).toBe(400);
    expect((await broken.json()) as object).toEqual({ error: { code: "webhook_rejected", message: "not JSON" } });
    expect((await app.app.handle(new Request("http://localhost/webhooks/99999", { method: "POST", body: "{}" }))).status).toBe(404);
    expect((await app.app.handle(new Request("http://localhost/webhooks/abc", { method: "POST", body: "{}" }))).status).toBe(404);
    const huge = await app.webhook(channel, `{"messages":[{"id":"big","from":"1","text":"${"x".repeat(5 * 1024 * 1024)}"}]}`);
    expect(huge.status).toBe(413);
    expect(count("messages")).toBe(before);
    expect(count("contacts")).toBe(1);
  });

  test("delivery statuses apply idempotently and never move backwards", async () => {
    const conv = app.db.query<{ id: number; contact_id: number }, []>("SELECT id, contact_id FROM conversations").get()!;
    app.db
      .query("INSERT INTO messages (conversation_id, company_id, channel_id, direction, author, kind, text, external_id, status, created_at) VALUES (?, ?, ?, 'out', 'agent', 'text', 'hola', 'out-1', 'sent', 1)")
      .run(conv.id, app.companyId, channel);
    const status = () => app.db.query<{ status: string; error: string | null }, []>("SELECT status, error FROM messages WHERE external_id = 'out-1'").get()!;
    await app.webhook(channel, { statuses: [{ id: "out-1", status: "read" }] });
    expect(status().status).toBe("read");
    // Out of order and repeated: delivered after read, sent again, read again.
    const late = await app.webhook(channel, { statuses: [{ id: "out-1", status: "delivered" }, { id: "out-1", status: "sent" }, { id: "out-1", status: "read" }] });
    expect(await late.json()).toMatchObject({ statuses: 0 });
    expect(status()).toEqual({ status: "read", error: null });
    // A status for a message we never sent is acknowledged and ignored.
    expect((await app.webhook(channel, { statuses: [{ id: "nobody", status: "read" }] })).status).toBe(200);
  });

  test("a finalized conversation reopens within the channel's window, and a new one starts after it", async () => {
    const conv = app.db.query<{ id: number }, []>("SELECT id FROM conversations").get()!.id;
    app.db.query("UPDATE conversations SET status = 'closed', closed_at = ? WHERE id = ?").run(clock.t, conv);
    clock.advance(10 * 60_000);
    await app.webhook(channel, { messages: [{ id: "in-after-10", from: "573001112233", text: "una cosa más" }] });
    expect(app.db.query("SELECT status FROM conversations WHERE id = ?").get(conv)).toEqual({ status: "queued" });
    expect(count("conversations")).toBe(1);
    expect(count("messages WHERE conversation_id = ? AND kind = 'event'", conv)).toBe(1);

    app.db.query("UPDATE conversations SET status = 'closed', closed_at = ? WHERE id = ?").run(clock.t, conv);
    clock.advance(31 * 60_000);
    await app.webhook(channel, { messages: [{ id: "in-after-41", from: "573001112233", text: "otra consulta" }] });
    expect(count("conversations")).toBe(2);
    expect(app.db.query("SELECT status FROM conversations WHERE id = ?").get(conv)).toEqual({ status: "closed" });
  });
});
