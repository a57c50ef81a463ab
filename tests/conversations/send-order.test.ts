import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { apiReply, relayConversation, settleOutbox } from "../helpers/outbox.ts";
import type { OutboxDispatcher } from "../../core/conversations/outbox-dispatcher.ts";
import type { OutboxRepository } from "../../core/conversations/outbox-repository.ts";
import { T } from "../../core/tokens.ts";
import { RelayProvider } from "../helpers/relay.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/**
 * Defect: with a transient failure on the first of two quick replies the provider
 * received "first, second, first". A conversation's sends leave in the order they
 * were written; a later one waits while an earlier one retries; other
 * conversations are not held up.
 */
describe("outbox: one conversation's sends leave in order", () => {
  let app: TestApp;
  let token: string;
  const provider = new RelayProvider();
  let channel: number;

  const conversationOf = (customer: string, id: string) => relayConversation(app, channel, customer, id);
  const send = (conversation: number, text: string) => apiReply(app, token, conversation, text);
  const settle = () => settleOutbox(app);

  beforeAll(async () => {
    app = await createTestApp();
    channel = app.makeRelayChannel(app.companyId, provider.start());
    token = app.makeToken(app.companyId);
  });
  afterAll(async () => {
    await app.close();
    provider.stop();
  });

  test("a retried first reply still reaches the customer before the second, each exactly once", async () => {
    const conversation = await conversationOf("573000000001", "in-1");
    provider.script = [{ status: 503, error: "down for a moment", retryAfterMs: 150 }];
    const first = await send(conversation, "primero");
    const second = await send(conversation, "segundo");
    await settle();
    const order = provider.calls.filter((c) => c.to === "573000000001").map((c) => c.text);
    expect(order).toEqual(["primero", "primero", "segundo"]);
    const statuses = app.db.query<{ id: number; status: string }, [number]>("SELECT id, status FROM messages WHERE conversation_id = ? AND direction = 'out' AND author <> 'system' ORDER BY id").all(conversation);
    expect(statuses).toEqual([
      { id: first, status: "sent" },
      { id: second, status: "sent" },
    ]);
  });

  test("while one conversation waits on a retry, another conversation's reply goes ahead", async () => {
    const slow = await conversationOf("573000000002", "in-2");
    const other = await conversationOf("573000000003", "in-3");
    provider.calls.length = 0;
    provider.script = [{ status: 503, error: "down", retryAfterMs: 400 }];
    await send(slow, "lento 1");
    await send(slow, "lento 2");
    await Bun.sleep(50);
    await send(other, "rápido");
    await settle();
    const texts = provider.calls.map((c) => c.text);
    expect(texts).toEqual(["lento 1", "rápido", "lento 1", "lento 2"]);
  });

  test("a permanently failed send does not block the ones after it", async () => {
    const conversation = await conversationOf("573000000004", "in-4");
    provider.calls.length = 0;
    provider.script = [{ status: 400, error: "rechazado" }];
    const bad = await send(conversation, "malo");
    const good = await send(conversation, "bueno");
    await settle();
    expect(provider.calls.map((c) => c.text)).toEqual(["malo", "bueno"]);
    const row = (id: number) => app.db.query<{ status: string }, [number]>("SELECT status FROM messages WHERE id = ?").get(id)!.status;
    expect([row(bad), row(good)]).toEqual(["failed", "sent"]);
  });

  test("while a conversation's first reply waits to retry, the loop sleeps until then (its follower does not count as due)", async () => {
    const conversation = await conversationOf("573000000005", "in-5");
    const outbox = app.container.resolve<OutboxRepository>(T.OutboxRepository);
    await app.container.resolve<OutboxDispatcher>(T.OutboxDispatcher).stop();
    await send(conversation, "uno");
    await send(conversation, "dos");
    const [first, second] = app.db.query<{ id: number }, [number]>("SELECT id FROM outbox WHERE conversation_id = ? ORDER BY id").all(conversation);
    const later = Date.now() + 60_000;
    app.db.query("UPDATE outbox SET next_attempt_at = ? WHERE id = ?").run(later, first!.id);
    app.db.query("UPDATE outbox SET next_attempt_at = 0 WHERE id = ?").run(second!.id);
    expect(outbox.due(Date.now(), 10).filter((r) => r.conversationId === conversation)).toEqual([]);
    expect(outbox.nextDueAt()).toBe(later);
    app.db.query("DELETE FROM outbox WHERE conversation_id = ?").run(conversation);
    app.container.resolve<OutboxDispatcher>(T.OutboxDispatcher).start();
  });
});
