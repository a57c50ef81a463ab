import { expect } from "bun:test";
import type { OutboxDispatcher } from "../../core/conversations/outbox-dispatcher.ts";
import { T } from "../../core/tokens.ts";
import { api } from "./client.ts";
import type { TestApp } from "./test-app.ts";

/** The customer writes on a relay channel; returns their conversation's id. */
export async function relayConversation(app: TestApp, channel: number, customer: string, messageId = `in-${customer}`): Promise<number> {
  expect((await app.webhook(channel, { messages: [{ id: messageId, from: customer, text: "hola" }] })).status).toBe(200);
  return app.db
    .query<{ id: number }, [string, number]>(
      "SELECT c.id FROM conversations c JOIN contact_identities i ON i.contact_id = c.contact_id AND i.channel_id = c.channel_id WHERE i.external_id = ? AND c.channel_id = ? ORDER BY c.id DESC",
    )
    .get(customer, channel)!.id;
}

/** An answer through the API (as an integration would send it); returns the message id. */
export async function apiReply(app: TestApp, token: string, conversation: number, text: string): Promise<number> {
  const res = await api(app.app, "POST", `/api/v1/conversations/${conversation}/messages`, token, { text });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

/** Waits until the outbox is empty (every send settled) or ~3 s passed. */
export async function settleOutbox(app: TestApp): Promise<void> {
  const d = app.container.resolve<OutboxDispatcher>(T.OutboxDispatcher);
  for (let i = 0; i < 300 && app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM outbox").get()!.n > 0; i++) {
    await d.idle();
    await Bun.sleep(10);
  }
  await d.idle();
}
