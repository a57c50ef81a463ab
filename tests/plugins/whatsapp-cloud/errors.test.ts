/** WhatsApp Cloud plugin: send errors mapped by Meta's code, token health, gateway and network failures. */
import { describe, expect, test } from "bun:test";
import { META_ERRORS, type MetaErrorSpec } from "../../fakes/meta-graph.ts";
import { meta, outbound, setup, stubServer, text, useMetaGraphFake } from "./setup.ts";

useMetaGraphFake();

// ------------------------------------------------------------------ error mapping

describe("send errors are mapped by Meta's code", () => {
  const detailsOf = (code: keyof typeof META_ERRORS) => {
    const e = (META_ERRORS[code] as MetaErrorSpec).body.error;
    return `${e.message}: ${e.error_data!.details}`;
  };

  test("130429 throughput: retryable rate_limited after ~2 s", async () => {
    const { instance } = await setup();
    meta.failNext(130429);
    expect(await instance.send(outbound(text("hola")))).toEqual({
      ok: false,
      retryable: true,
      reason: "(#130429) Rate limit hit: Cloud API message throughput has been reached.",
      retryAfterMs: 2000,
      code: "rate_limited",
    });
  });

  test("131056 pair rate limit: retryable rate_limited after ~6 s", async () => {
    const { instance } = await setup();
    meta.failNext(131056);
    expect(await instance.send(outbound(text("hola")))).toEqual({ ok: false, retryable: true, reason: detailsOf(131056), retryAfterMs: 6000, code: "rate_limited" });
  });

  test("permanent classes: 131047 outside_window, 131026 undeliverable, 100 invalid, 368/131049/131050 policy, 132000/132001 template", async () => {
    const { instance } = await setup();
    const cases: [keyof typeof META_ERRORS, string][] = [
      [131047, "outside_window"],
      [131026, "undeliverable"],
      [100, "invalid"],
      [368, "policy"],
      [131049, "policy"],
      [131050, "policy"],
      [132000, "template"],
      [132001, "template"],
    ];
    for (const [code, expected] of cases) {
      meta.failNext(code);
      expect({ code, result: await instance.send(outbound(text("hola"))) }).toEqual({
        code,
        result: { ok: false, retryable: false, reason: detailsOf(code), code: expected },
      });
    }
  });

  test("an unknown Meta code is permanent and passed on as is", async () => {
    const { instance } = await setup();
    meta.failNext({
      status: 400,
      body: { error: { message: "(#131042) Business eligibility payment issue", type: "OAuthException", code: 131042, fbtrace_id: "AbC" } },
    });
    expect(await instance.send(outbound(text("hola")))).toEqual({ ok: false, retryable: false, reason: "(#131042) Business eligibility payment issue", code: "131042" });
  });

  test("190 expired token: channel needs attention, permanent token_expired; the next success reports active", async () => {
    const kv = new Map<string, string>();
    const { instance, health } = await setup({}, { kv });
    meta.failNext(190);
    const r = await instance.send(outbound(text("hola")));
    const reason = META_ERRORS[190].body.error.message;
    expect(r).toEqual({ ok: false, retryable: false, reason, code: "token_expired" });
    expect(health).toEqual([{ status: "needs_attention", reason }]);

    // The admin pastes a new token: the channel is rebuilt, and its first good call clears the flag.
    const again = await setup({}, { kv });
    expect((await again.instance.send(outbound(text("hola")))).ok).toBe(true);
    expect(again.health).toEqual([{ status: "active" }]);
    expect((await again.instance.send(outbound(text("otra")))).ok).toBe(true);
    expect(again.health).toEqual([{ status: "active" }]);
  });

  test("a token Meta does not know is reported the same way; a healthy channel reports nothing", async () => {
    const { instance, health } = await setup({ accessToken: "EAAG-revoked" });
    const r = await instance.send(outbound(text("hola")));
    expect(r).toMatchObject({ ok: false, retryable: false, code: "token_expired" });
    expect(health).toEqual([{ status: "needs_attention", reason: expect.stringContaining("Error validating access token") }]);
    const fine = await setup();
    await fine.instance.send(outbound(text("hola")));
    expect(fine.health).toEqual([]);
  });

  test("transient: code 2 (HTTP 500, is_transient) is retryable", async () => {
    const { instance } = await setup();
    meta.failNext(2);
    expect(await instance.send(outbound(text("hola")))).toEqual({
      ok: false,
      retryable: true,
      reason: "An unexpected error has occurred. Please retry your request later.",
      code: "unavailable",
    });
    expect((await instance.send(outbound(text("hola")))).ok).toBe(true);
  });

  test("a 5xx without a Graph envelope (gateway page) and an unreachable Graph are retryable", async () => {
    const gateway = stubServer(502, "<html><body>Bad Gateway</body></html>");
    try {
      const { instance } = await setup({ graphUrl: `http://127.0.0.1:${gateway.port}` });
      expect(await instance.send(outbound(text("hola")))).toEqual({ ok: false, retryable: true, reason: "The Graph API answered HTTP 502", code: "unavailable" });
    } finally {
      await gateway.stop(true);
    }
    const { instance: offline } = await setup({ graphUrl: "http://127.0.0.1:9" });
    const r = await offline.send(outbound(text("hola")));
    expect(r).toMatchObject({ ok: false, retryable: true, code: "unavailable" });
    expect(!r.ok && r.reason).toStartWith("Could not reach the Graph API");
  });
});
