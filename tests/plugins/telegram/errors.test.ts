/** Telegram plugin: how Bot API and network failures of a send are classed for the outbox, and the token's health. */
import { describe, expect, test } from "bun:test";
import { bot, CHAT, fake, media, out, PNG, setup, useTelegramFake } from "./setup.ts";

useTelegramFake();

const text = () => out({ kind: "text", text: "¿Le confirmo el pedido?" });

/** A TCP server that reads the request and hangs up without answering: the request arrived, the answer never did. */
function hangUpServer(): { url: string; stop(): void } {
  const server = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(socket) {
        socket.end();
      },
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

describe("telegram plugin: send failures", () => {
  test("429 is a retryable rate limit that waits parameters.retry_after", async () => {
    const s = await setup();
    fake.failNext({ method: "sendMessage", status: 429, retryAfter: 7 });
    expect(await s.instance.send(text())).toEqual({ ok: false, retryable: true, code: "rate_limited", retryAfterMs: 7_000, reason: "Telegram error 429: Too Many Requests: retry after 7" });
  });

  test("5xx is retryable; behind a gateway error the message may have gone out, behind a 503 it did not", async () => {
    const s = await setup();
    fake.failNext({ method: "sendMessage", status: 500 });
    expect(await s.instance.send(text())).toEqual({ ok: false, retryable: true, code: "unavailable", maybeSent: true, reason: "Telegram error 500: Internal Server Error" });
    fake.failNext({ method: "sendMessage", status: 502, html: true });
    const html = await s.instance.send(text());
    expect(html).toMatchObject({ ok: false, retryable: true, maybeSent: true });
    if (!html.ok) expect(html.reason).toStartWith("Telegram error 502: HTTP 502 <html>");
    fake.failNext({ method: "sendMessage", status: 503, description: "Service Unavailable" });
    expect(await s.instance.send(text())).toEqual({ ok: false, retryable: true, code: "unavailable", reason: "Telegram error 503: Service Unavailable" });
  });

  test("an unreachable Telegram is retryable and certainly not sent; a connection cut after the request may have sent it", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const deadUrl = `http://127.0.0.1:${closed.port}`;
    await closed.stop(true);
    const dead = await setup({ apiBaseUrl: deadUrl });
    const r = await dead.instance.send(text());
    expect(r).toMatchObject({ ok: false, retryable: true, code: "unavailable" });
    expect("maybeSent" in r && r.maybeSent).toBeFalsy();
    if (!r.ok) expect(r.reason).toStartWith("Could not reach Telegram");

    const hangUp = hangUpServer();
    try {
      const cut = await setup({ apiBaseUrl: hangUp.url });
      expect(await cut.instance.send(text())).toMatchObject({ ok: false, retryable: true, maybeSent: true });
    } finally {
      hangUp.stop();
    }
    // A 200 whose body is cut off half-way: Telegram acted on it.
    const s = await setup();
    fake.failNext({ method: "sendMessage", status: 200, cut: true });
    expect(await s.instance.send(text())).toMatchObject({ ok: false, retryable: true, maybeSent: true });
  });

  test("401 and 404 are an expired token: permanent, and the channel needs attention until a call works again", async () => {
    const s = await setup();
    expect(s.health).toEqual([]);
    fake.failNext({ method: "sendMessage", status: 401 });
    expect(await s.instance.send(text())).toEqual({ ok: false, retryable: false, code: "token_expired", reason: "Telegram error 401: Unauthorized" });
    expect(s.health).toEqual([{ status: "needs_attention", reason: expect.stringContaining("Telegram no longer accepts the bot token (Telegram error 401: Unauthorized)") }]);
    fake.failNext({ method: "sendPhoto", status: 404 });
    expect(await s.instance.send(out(media("image", PNG, "image/png")))).toMatchObject({ ok: false, retryable: false, code: "token_expired" });
    expect(s.health.map((h) => h.status)).toEqual(["needs_attention", "needs_attention"]);
    expect((await s.instance.send(text())).ok).toBe(true);
    expect(s.health.at(-1)).toEqual({ status: "active" });
    expect(s.store.has("health")).toBe(false);
  });

  test("a revoked token reported before a restart is cleared by the first call that works after it", async () => {
    const store = new Map<string, string>();
    const first = await setup({}, { store });
    fake.failNext({ method: "sendMessage", status: 401 });
    await first.instance.send(text());
    expect(JSON.parse(store.get("health")!)).toMatchObject({ kind: "token" });
    const second = await setup({}, { store });
    expect((await second.instance.send(text())).ok).toBe(true);
    expect(second.health).toEqual([{ status: "active" }]);
  });

  test("a user who blocked the bot, or a chat Telegram does not know, is undeliverable; other 400s are invalid", async () => {
    const s = await setup();
    fake.blocked.add(CHAT);
    expect(await s.instance.send(text())).toEqual({ ok: false, retryable: false, code: "undeliverable", reason: "Telegram error 403: Forbidden: bot was blocked by the user" });
    fake.blocked.clear();
    fake.failNext({ method: "sendMessage", status: 403, description: "Forbidden: user is deactivated" });
    expect(await s.instance.send(text())).toMatchObject({ code: "undeliverable", reason: "Telegram error 403: Forbidden: user is deactivated" });
    expect(await s.instance.send(out({ kind: "text", text: "hola" }, { to: "not-a-chat" }))).toEqual({ ok: false, retryable: false, code: "undeliverable", reason: "Telegram error 400: Bad Request: chat not found" });
    fake.failNext({ method: "sendMessage", status: 400, description: "Bad Request: can't parse entities: Unsupported start tag" });
    expect(await s.instance.send(text())).toEqual({ ok: false, retryable: false, code: "invalid", reason: "Telegram error 400: Bad Request: can't parse entities: Unsupported start tag" });
    // None of these is about the token.
    expect(s.health).toEqual([]);
  });

  test("a file that cannot be read is retried later; one over 50 MB is refused", async () => {
    const s = await setup();
    const broken = { ...media("image", PNG, "image/png"), read: async () => Promise.reject(new Error("media 42 is gone")) } as Parameters<typeof out>[0];
    expect(await s.instance.send(out(broken))).toEqual({ ok: false, retryable: true, reason: "The file could not be read: media 42 is gone" });
    const huge = { ...media("document", PNG, "application/pdf"), read: async () => new Blob([new Uint8Array(50 * 1024 * 1024 + 1)]) } as Parameters<typeof out>[0];
    expect(await s.instance.send(out(huge))).toMatchObject({ ok: false, retryable: false, code: "invalid", reason: expect.stringContaining("at most 50 MB") });
    expect(fake.sent).toHaveLength(0);
  });

  test("the token never appears in a reason or a log line", async () => {
    const hangUp = hangUpServer();
    try {
      const s = await setup({ apiBaseUrl: hangUp.url });
      const r = await s.instance.send(text());
      expect(JSON.stringify(r)).not.toContain(bot.token);
      for (const line of s.logs) expect(JSON.stringify(line)).not.toContain(bot.token);
    } finally {
      hangUp.stop();
    }
    const s = await setup();
    fake.failNext({ method: "sendMessage", status: 400, description: `Bad Request: something about bot${bot.token}` });
    const r = await s.instance.send(text());
    expect(JSON.stringify(r)).not.toContain(bot.token);
    expect(JSON.stringify(r)).toContain("<token>");
  });
});
