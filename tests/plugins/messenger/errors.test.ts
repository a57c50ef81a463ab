/** Messenger plugin: send errors mapped by Meta's code, and token health. */
import { describe, expect, test } from "bun:test";
import messenger from "../../../plugins/messenger/index.ts";
import { APP_SECRET, HOUR, meta, out, PAGE, PAGE_TOKEN, setup, START, useMetaGraphFake, VERIFY } from "./setup.ts";

useMetaGraphFake();

describe("messenger plugin: send errors", () => {
  const text = (t = "hola") => out({ kind: "text", text: t }, START - HOUR);

  test("10/2018278 outside the window is permanent outside_window", async () => {
    const s = await setup();
    meta.failNext("/me/messages", 10);
    expect(await s.instance.send(text())).toEqual({
      ok: false,
      retryable: false,
      code: "outside_window",
      reason: "Meta error 10/2018278: (#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview",
    });
  });

  test("551 (person not available) is permanent undeliverable; 100 is invalid; unknown codes keep Meta's code", async () => {
    const s = await setup();
    meta.failNext(551);
    expect(await s.instance.send(text())).toEqual({ ok: false, retryable: false, code: "undeliverable", reason: "Meta error 551/1545041: (#551) This person isn't available right now." });
    meta.failNext({ status: 400, body: { error: { message: "(#100) Invalid parameter", type: "OAuthException", code: 100 } } });
    expect(await s.instance.send(text())).toMatchObject({ ok: false, retryable: false, code: "invalid" });
    meta.failNext({ status: 400, body: { error: { message: "(#200) Permissions error", type: "OAuthException", code: 200 } } });
    expect(await s.instance.send(text())).toMatchObject({ ok: false, retryable: false, code: "200" });
  });

  test("613 is a retryable rate limit; 2, 5xx and network failures are retryable", async () => {
    const s = await setup();
    meta.failNext(613);
    expect(await s.instance.send(text())).toEqual({ ok: false, retryable: true, code: "rate_limited", reason: "Meta error 613: (#613) Calls to this api have exceeded the rate limit." });
    meta.failNext(2);
    expect(await s.instance.send(text())).toMatchObject({ ok: false, retryable: true, code: "2" });
    meta.failNext({ status: 503, body: { error: { message: "Service temporarily unavailable", type: "FacebookApiException", code: 9999 } } });
    expect(await s.instance.send(text())).toMatchObject({ ok: false, retryable: true });
    expect(meta.outbox).toHaveLength(0);

    const down = await setup({ graphUrl: "http://127.0.0.1:9" });
    expect(await down.instance.send(text())).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining("Graph API") });
  });

  test("190 reports the channel needs attention; the next success reports it active again", async () => {
    const s = await setup();
    meta.failNext(190);
    const res = await s.instance.send(text());
    expect(res).toMatchObject({ ok: false, retryable: false, code: "token_expired" });
    expect(s.health).toEqual([{ status: "needs_attention", reason: expect.stringContaining("Session has expired") }]);
    expect(s.store.get("health:token")).toBe("463");

    expect((await s.instance.send(text())).ok).toBe(true);
    expect(s.health).toEqual([{ status: "needs_attention", reason: expect.any(String) }, { status: "active" }]);
    expect(s.store.has("health:token")).toBe(false);
    // Nothing more to report on later successes.
    await s.instance.send(text());
    expect(s.health).toHaveLength(2);
  });

  test("a token problem survives a restart of the instance until a success", async () => {
    const s = await setup();
    meta.failNext(190);
    await s.instance.send(text());
    const again = await messenger.create(s.ctx, { pageId: PAGE, pageAccessToken: PAGE_TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY });
    expect((await again.send(text())).ok).toBe(true);
    expect(s.health.at(-1)).toEqual({ status: "active" });
  });
});
