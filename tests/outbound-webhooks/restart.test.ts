import { afterAll, describe, expect, test } from "bun:test";
import { SpawnedCharla } from "../helpers/spawned-server.ts";
import { RELAY_PLUGINS_DIR, RELAY_TOKEN } from "../helpers/test-app.ts";
import { WebhookReceiver } from "../helpers/webhook-receiver.ts";

describe("outbound webhooks survive a kill -9", () => {
  const charla = new SpawnedCharla({ PLUGINS_DIR: RELAY_PLUGINS_DIR, WEBHOOKS_ALLOW_PRIVATE: "true" });
  const receiver = new WebhookReceiver();
  afterAll(() => {
    charla.stop();
    receiver.stop();
  });

  test("deliveries queued or in flight when the process dies go out after the restart, in order per conversation", async () => {
    const url = receiver.start();
    // The receiver takes the first request and never answers in time: it is in flight when the process dies.
    receiver.script = ["hang"];
    const first = await charla.serve();
    charla.token();
    const call = charla.call.bind(charla);
    expect((await call("POST", "/api/v1/webhooks", { url, events: ["message.received"] })).status).toBe(201);
    const channel = (await (await call("POST", "/api/v1/channels", { plugin: "http-relay", name: "relay", config: { endpoint: "http://127.0.0.1:9/send", token: RELAY_TOKEN } })).json()) as { id: number };
    const texts: string[] = [];
    for (let i = 0; i < 6; i++) {
      const text = `mensaje ${i}`;
      texts.push(text);
      const hook = await fetch(`${charla.base}/webhooks/${channel.id}`, {
        method: "POST",
        headers: { "x-relay-token": RELAY_TOKEN },
        body: JSON.stringify({ messages: [{ id: `k${i}`, from: i % 2 ? "5215550001" : "5215550002", text }] }),
      });
      expect(hook.status).toBe(200);
    }
    await receiver.waitFor(() => receiver.received.length >= 1);
    first.kill("SIGKILL");
    await first.exited;

    await charla.serve();
    const text = (r: (typeof receiver.received)[number]) => (r.body.data as { message: { text: string } }).message.text;
    await receiver.waitFor(() => new Set(receiver.accepted().map(text)).size === texts.length, 10_000);
    expect(new Set(receiver.accepted().map(text))).toEqual(new Set(texts));
    // Each conversation's messages arrived in the order they were written.
    for (const from of ["5215550001", "5215550002"]) {
      const mine = receiver.accepted().filter((r) => JSON.stringify(r.body.data).includes(from)).map(text);
      expect(mine).toEqual([...mine].sort());
    }
    // At least once: the request cut off by the kill was sent again with the same delivery id.
    const cut = receiver.received[0]!;
    expect(receiver.accepted().some((r) => r.body.id === cut.body.id && r.raw === cut.raw)).toBe(true);
  }, 40_000);
});
