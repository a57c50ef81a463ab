import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MAX_ATTEMPTS } from "../../core/conversations/outbox-dispatcher.ts";
import { backoffMs } from "../../core/shared/backoff.ts";
import { api } from "../helpers/client.ts";
import { RelayProvider } from "../helpers/relay.ts";
import { settleOutbox } from "../helpers/outbox.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

describe("outbox: sends after commit, retries, reasons", () => {
  let app: TestApp;
  let token: string;
  let conversation: number;
  const provider = new RelayProvider();

  const send = async (text: string) => {
    const res = await api(app.app, "POST", `/api/v1/conversations/${conversation}/messages`, token, { text });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: number; status: string };
    expect(body.status).toBe("pending");
    return body.id;
  };
  const settle = () => settleOutbox(app);
  const message = (id: number) => app.db.query<{ status: string; error: string | null; external_id: string | null }, [number]>("SELECT status, error, external_id FROM messages WHERE id = ?").get(id)!;

  beforeAll(async () => {
    app = await createTestApp();
    const endpoint = provider.start();
    const channel = app.makeRelayChannel(app.companyId, endpoint);
    await app.webhook(channel, { messages: [{ id: "m1", from: "5491100001111", text: "hola" }] });
    conversation = app.db.query<{ id: number }, []>("SELECT id FROM conversations").get()!.id;
    token = app.makeToken(app.companyId);
  });
  afterAll(async () => {
    await app.close();
    provider.stop();
  });

  test("a send reaches the provider once, with the customer's address and a stable idempotency key", async () => {
    const id = await send("¡Hola! Sí, enviamos.");
    await settle();
    expect(provider.calls.filter((c) => c.key === `charla-${id}`)).toEqual([{ to: "5491100001111", key: `charla-${id}`, text: "¡Hola! Sí, enviamos.", mediaUrl: null }]);
    expect(message(id)).toEqual({ status: "sent", error: null, external_id: `ext-charla-${id}` });
  });

  test("failing twice transiently then succeeding is delivered exactly once", async () => {
    provider.script = [
      { status: 503, retryAfterMs: 5 },
      { status: 429, error: "rate limited", retryAfterMs: 5 },
    ];
    const id = await send("segundo intento");
    await settle();
    const attempts = provider.calls.filter((c) => c.key === `charla-${id}`);
    expect(attempts).toHaveLength(3);
    expect(message(id).status).toBe("sent");
  });

  test("a permanent failure marks the message failed with the provider's reason; retry sends it again", async () => {
    provider.script = [{ status: 400, error: "El número no tiene WhatsApp" }];
    const id = await send("no llegará");
    await settle();
    expect(message(id)).toEqual({ status: "failed", error: "El número no tiene WhatsApp", external_id: null });
    expect(app.db.query("SELECT 1 FROM outbox").get()).toBeNull();

    const op = await app.operator();
    const page = await op.html(`/inbox/${conversation}`);
    expect(page).toContain("El número no tiene WhatsApp");
    expect(page).toContain(`/inbox/messages/${id}/retry`);
    expect((await op.post(`/inbox/messages/${id}/retry`)).status).toBe(303);
    await settle();
    expect(message(id).status).toBe("sent");
    expect(provider.calls.filter((c) => c.key === `charla-${id}`)).toHaveLength(2);
  });

  test("a send refused for the channel's credentials marks the channel 'needs attention', even when the plugin reports nothing", async () => {
    provider.script = [{ status: 401, error: "token revoked by the provider" }];
    const id = await send("credenciales vencidas");
    await settle();
    expect(message(id).status).toBe("failed");
    const channel = app.db.query<{ status: string; status_reason: string | null }, []>("SELECT status, status_reason FROM channels WHERE plugin_id = 'http-relay'").get()!;
    expect(channel).toEqual({ status: "needs_attention", status_reason: "token revoked by the provider" });
    app.db.query("UPDATE channels SET status = 'active', status_reason = NULL WHERE plugin_id = 'http-relay'").run();
  });

  test("transient failures that never end become failed after the last attempt", async () => {
    provider.script = Array.from({ length: MAX_ATTEMPTS }, () => ({ status: 503, error: "provider down", retryAfterMs: 1 }));
    const id = await send("nunca");
    await settle();
    expect(provider.calls.filter((c) => c.key === `charla-${id}`)).toHaveLength(MAX_ATTEMPTS);
    expect(message(id)).toMatchObject({ status: "failed", error: "provider down" });
  });

  test("backoff doubles from 2 s with jitter and is capped", () => {
    expect(backoffMs(1, () => 0.5)).toBe(2000);
    expect(backoffMs(3, () => 0.5)).toBe(8000);
    expect(backoffMs(30, () => 0.5)).toBe(600000);
    expect(backoffMs(1, () => 0)).toBe(1600);
    expect(backoffMs(1, () => 1)).toBe(2400);
  });
});
