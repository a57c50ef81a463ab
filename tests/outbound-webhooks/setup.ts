import { createTestApp, TestClock, type TestApp } from "../helpers/test-app.ts";
import { RelayProvider } from "../helpers/relay.ts";
import { WebhookReceiver } from "../helpers/webhook-receiver.ts";
import { api } from "../helpers/client.ts";
import { T } from "../../core/tokens.ts";
import type { WebhookDispatcher } from "../../core/outbound-webhooks/webhook-dispatcher.ts";
import type { OutboxDispatcher } from "../../core/conversations/outbox-dispatcher.ts";

export interface Setup {
  app: TestApp;
  clock: TestClock;
  receiver: WebhookReceiver;
  provider: RelayProvider;
  token: string;
  channel: number;
  /** Subscribes the receiver (or `url`) to `events`; returns the API's answer. */
  subscribe(events: string[], url?: string, token?: string): Promise<{ id: number; secret: string }>;
  /** A customer message through the relay channel. */
  customer(from: string, text: string, id?: string): Promise<void>;
  /** Lets queued deliveries go (the dispatcher's pass and its lanes). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

let seq = 0;

/** The real app with outbound webhooks allowed to 127.0.0.1, a relay channel and a receiver. */
export async function setup(): Promise<Setup> {
  const clock = new TestClock();
  const app = await createTestApp({ clock, env: { WEBHOOKS_ALLOW_PRIVATE: "true" } });
  const receiver = new WebhookReceiver();
  receiver.start();
  const provider = new RelayProvider();
  const endpoint = provider.start();
  const channel = app.makeRelayChannel(app.companyId, endpoint);
  const token = app.makeToken(app.companyId);
  const dispatcher = app.container.resolve<WebhookDispatcher>(T.WebhookDispatcher);
  const outbox = app.container.resolve<OutboxDispatcher>(T.OutboxDispatcher);
  return {
    app,
    clock,
    receiver,
    provider,
    token,
    channel,
    async subscribe(events, url = receiver.url, tok = token) {
      const res = await api(app.app, "POST", "/api/v1/webhooks", tok, { url, events });
      if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: number; secret: string };
    },
    async customer(from, text, id = `m${++seq}`) {
      const res = await app.webhook(channel, { messages: [{ id, from, text, name: `Cliente ${from}` }] });
      if (res.status !== 200) throw new Error(`webhook: ${res.status}`);
    },
    async settle() {
      await outbox.idle();
      dispatcher.kick();
      await dispatcher.idle();
    },
    async close() {
      receiver.stop();
      provider.stop();
      await app.close();
    },
  };
}
