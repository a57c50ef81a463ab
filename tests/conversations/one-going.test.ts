import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/**
 * "The current conversation of this contact on this channel" is found and opened
 * inside one write transaction; a partial unique index backs it, so no path (a
 * race, a reopen, a future feature) can leave a customer two conversations going
 * on one channel.
 */
describe("one conversation going per customer and channel", () => {
  let app: TestApp;
  let channel: number;

  beforeAll(async () => {
    app = await createTestApp();
    channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", app.makeQueue(app.companyId, "ventas", "manual"));
  });
  afterAll(() => app.close());

  test("many concurrent first messages of one new customer open one contact and one conversation", async () => {
    const results = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        // Some in the same turn of the event loop (one group commit), some spread over several.
        if (i % 3) await Bun.sleep(i % 5);
        return app.webhook(channel, { messages: [{ id: `first-${i}`, from: "573009990000", text: `mensaje ${i}` }] });
      }),
    );
    expect(results.map((r) => r.status)).toEqual(Array(24).fill(200));
    const rows = app.db
      .query<{ contacts: number; conversations: number; messages: number }, []>(
        `SELECT (SELECT COUNT(*) FROM contact_identities WHERE external_id = '573009990000') AS contacts,
                (SELECT COUNT(*) FROM conversations c JOIN contact_identities i ON i.contact_id = c.contact_id WHERE i.external_id = '573009990000') AS conversations,
                (SELECT COUNT(*) FROM messages WHERE external_id LIKE 'first-%') AS messages`,
      )
      .get()!;
    expect(rows).toEqual({ contacts: 1, conversations: 1, messages: 24 });
  });

  test("the database itself refuses a second conversation going for the same customer and channel", () => {
    const c = app.db.query<{ contact_id: number; company_id: number }, []>("SELECT contact_id, company_id FROM conversations LIMIT 1").get()!;
    const insert = () =>
      app.db
        .query("INSERT INTO conversations (company_id, channel_id, contact_id, status, last_message_at, created_at) VALUES (?, ?, ?, 'queued', 0, 0)")
        .run(c.company_id, channel, c.contact_id);
    expect(insert).toThrow(/UNIQUE constraint failed/);
  });

  test("an older finalized conversation cannot be reopened while a newer one is going (409, with a reason)", async () => {
    const op = await app.operator();
    const first = app.db.query<{ id: number }, []>("SELECT id FROM conversations ORDER BY id LIMIT 1").get()!.id;
    expect((await op.post(`/inbox/${first}/close`, { note: "" })).status).toBe(303);
    await app.webhook(channel, { messages: [{ id: "again-1", from: "573009990000", text: "otra vez yo" }] });
    const newer = app.db.query<{ id: number }, []>("SELECT id FROM conversations ORDER BY id DESC LIMIT 1").get()!.id;
    expect(newer).not.toBe(first);
    const res = await op.post(`/inbox/${first}/reopen`);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("Este cliente ya tiene una conversación más reciente abierta en este canal");
    expect(app.db.query<{ status: string }, [number]>("SELECT status FROM conversations WHERE id = ?").get(first)!.status).toBe("closed");
  });

  test("a customer whose older conversation is open while a newer one is finalized (left by earlier versions) still gets through", async () => {
    await app.webhook(channel, { messages: [{ id: "legacy-1", from: "573008880000", text: "primera" }] });
    const older = app.db.query<{ id: number; contact_id: number; company_id: number }, []>("SELECT id, contact_id, company_id FROM conversations ORDER BY id DESC LIMIT 1").get()!;
    const newer = Number(
      app.db
        .query("INSERT INTO conversations (company_id, channel_id, contact_id, status, last_message_at, created_at, closed_at) VALUES (?, ?, ?, 'closed', 1, 1, 1)")
        .run(older.company_id, channel, older.contact_id).lastInsertRowid,
    );
    expect(newer).toBeGreaterThan(older.id);
    const res = await app.webhook(channel, { messages: [{ id: "legacy-2", from: "573008880000", text: "segunda" }] });
    expect(res.status).toBe(200);
    expect(app.db.query<{ c: number }, []>("SELECT conversation_id AS c FROM messages WHERE external_id = 'legacy-2'").get()!.c).toBe(older.id);
  });
});
