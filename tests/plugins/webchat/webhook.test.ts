/** Web chat plugin: inbound messages through the webhook, every refusal, origin and rate limits, read receipts. */
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import type { WebhookRequest } from "../../../core/channels/contract.ts";
import { entry, hook, message, setup, START, visit } from "./setup.ts";

describe("web chat: inbound messages", () => {
  test("a message becomes one normalized inbound with the hashed visitor id and profile fields", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    const result = await s.instance.handleWebhook(hook(message("3f2a9c1e-7b4d-4e1a-9c2b-1234567890ab", "  Hola, ¿hacen envíos?  ", { name: " Ana Pérez ", phone: "+51 987 654 321" }), { cookie: v.cookie }));
    expect(result).toEqual({
      type: "events",
      messages: [
        {
          externalId: `wc-in-${v.customerId}-3f2a9c1e-7b4d-4e1a-9c2b-1234567890ab`,
          from: v.customerId,
          profileName: "Ana Pérez",
          profilePhone: "+51 987 654 321",
          timestamp: START,
          content: { kind: "text", text: "Hola, ¿hacen envíos?" },
        },
      ],
      statuses: [],
    });
    expect(v.customerId).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(result)).not.toContain(v.token);
  });

  test("the same clientId gives the same external id, so a browser retry is deduped by the core", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    const a = await s.instance.handleWebhook(hook(message("retry-0001"), { cookie: v.cookie }));
    const b = await s.instance.handleWebhook(hook(message("retry-0001"), { cookie: v.cookie }));
    expect(a.type === "events" && b.type === "events" && a.messages[0]!.externalId === b.messages[0]!.externalId).toBe(true);
    const noProfile = a.type === "events" ? a.messages[0]! : null;
    expect(noProfile && "profileName" in noProfile).toBe(false);
  });

  test("a GET on the webhook is ignored", async () => {
    const { instance } = await setup();
    const result = await instance.handleWebhook(hook(null, { method: "GET", raw: new Uint8Array() }));
    expect(result.type).toBe("ignored");
  });

  test("every refusal comes back as a rejected result with its status", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    const forged = `charla_wc_7=${randomBytes(32).toString("base64url")}`;
    const cases: [string, WebhookRequest, number][] = [
      ["no cookie", hook(message("abcdefgh")), 401],
      ["forged cookie", hook(message("abcdefgh"), { cookie: forged }), 401],
      ["garbage cookie", hook(message("abcdefgh"), { cookie: "charla_wc_7=<script>" }), 401],
      ["another channel's cookie name", hook(message("abcdefgh"), { cookie: v.cookie.replace("charla_wc_7", "charla_wc_8") }), 401],
      ["not JSON", hook(null, { cookie: v.cookie, raw: new TextEncoder().encode("text=hola") }), 400],
      ["not a JSON content type", hook(message("abcdefgh"), { cookie: v.cookie, headers: { "content-type": "text/plain" } }), 400],
      ["a JSON array", hook([message("abcdefgh")], { cookie: v.cookie }), 400],
      ["unknown type", hook({ type: "typing" }, { cookie: v.cookie }), 400],
      ["empty text", hook(message("abcdefgh", "   "), { cookie: v.cookie }), 400],
      ["text not a string", hook({ type: "message", clientId: "abcdefgh", text: 42 }, { cookie: v.cookie }), 400],
      ["text over 4000", hook(message("abcdefgh", "a".repeat(4001)), { cookie: v.cookie }), 400],
      ["clientId too short", hook(message("abc"), { cookie: v.cookie }), 400],
      ["clientId too long", hook(message("a".repeat(65)), { cookie: v.cookie }), 400],
      ["clientId with odd characters", hook(message("abc_defgh"), { cookie: v.cookie }), 400],
      ["clientId missing", hook({ type: "message", text: "hola" }, { cookie: v.cookie }), 400],
      ["name over 100", hook(message("abcdefgh", "hola", { name: "n".repeat(101) }), { cookie: v.cookie }), 400],
      ["name not a string", hook(message("abcdefgh", "hola", { name: ["Ana"] }), { cookie: v.cookie }), 400],
      ["phone with letters", hook(message("abcdefgh", "hola", { phone: "call me" }), { cookie: v.cookie }), 400],
      ["phone too short", hook(message("abcdefgh", "hola", { phone: "+123" }), { cookie: v.cookie }), 400],
      ["body over 16 KiB", hook(null, { cookie: v.cookie, raw: new Uint8Array(16 * 1024 + 1) }), 413],
    ];
    for (const [name, req, status] of cases) {
      const result = await s.instance.handleWebhook(req);
      expect(result.type, name).toBe("rejected");
      expect(result.type === "rejected" ? result.status : 0, name).toBe(status);
      expect(result.type === "rejected" ? result.reason.length : 0, name).toBeGreaterThan(5);
    }
    // Exactly 4000 characters and a 16 KiB body are still fine.
    expect((await s.instance.handleWebhook(hook(message("abcdefgh", "a".repeat(4000)), { cookie: v.cookie }))).type).toBe("events");
  });

  test("with allowedOrigins set, posts from other origins are 403; Charla's own origin and listed ones pass", async () => {
    const s = await setup({ allowedOrigins: "https://shop.example" });
    const v = await visit(s.instance);
    const from = (origin: string) => s.instance.handleWebhook(hook(message(crypto.randomUUID()), { cookie: v.cookie, headers: { origin } }));
    expect(await from("https://evil.example")).toMatchObject({ type: "rejected", status: 403 });
    expect(await from("null")).toMatchObject({ type: "rejected", status: 403 });
    expect((await from("https://shop.example")).type).toBe("events");
    expect((await from("http://localhost:3000")).type).toBe("events");

    const open = await setup();
    const w = await visit(open.instance);
    const anyOrigin = await open.instance.handleWebhook(hook(message("abcdefgh"), { cookie: w.cookie, headers: { origin: "https://evil.example" } }));
    expect(anyOrigin.type).toBe("events");
  });

  test("a visitor may send 20 messages a minute; the 21st is 429 until the window slides", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    const send = (i: number) => s.instance.handleWebhook(hook(message(`msg-${String(i).padStart(4, "0")}`), { cookie: v.cookie }));
    for (let i = 0; i < 20; i++) {
      s.clock.t = START + i * 1000;
      expect((await send(i)).type).toBe("events");
    }
    s.clock.t = START + 30_000;
    const limited = await send(20);
    expect(limited).toMatchObject({ type: "rejected", status: 429 });
    // Another visitor is not affected.
    const other = await visit(s.instance);
    expect((await s.instance.handleWebhook(hook(message("other-001"), { cookie: other.cookie }))).type).toBe("events");
    // One minute after the first message, one slot is free again.
    s.clock.t = START + 60_000;
    expect((await send(21)).type).toBe("events");
    expect(await send(22)).toMatchObject({ type: "rejected", status: 429 });
  });

  test("one address may send 60 messages a minute, across visitors", async () => {
    const s = await setup();
    for (let n = 0; n < 3; n++) {
      const v = await visit(s.instance);
      for (let i = 0; i < 20; i++) {
        const r = await s.instance.handleWebhook(hook(message(`v${n}-msg-${i}`), { cookie: v.cookie, address: "198.51.100.4" }));
        expect(r.type).toBe("events");
      }
    }
    const fourth = await visit(s.instance);
    expect(await s.instance.handleWebhook(hook(message("v3-msg-0"), { cookie: fourth.cookie, address: "198.51.100.4" }))).toMatchObject({ type: "rejected", status: 429 });
    // A refused message spends nothing: the same visitor from another address still has all 20.
    expect((await s.instance.handleWebhook(hook(message("v3-msg-1"), { cookie: fourth.cookie, address: "198.51.100.5" }))).type).toBe("events");
  });
});

describe("web chat: read receipts", () => {
  test("read receipts become 'read' statuses, only for the visitor's own messages", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    const someoneElse = await visit(s.instance);
    s.transcripts.set(v.customerId, [entry({ id: 1, externalId: "wc-out-41" }), entry({ id: 2, externalId: "wc-out-42" }), entry({ id: 3, direction: "in", author: "customer", externalId: "wc-in-x-abcdefgh" })]);
    s.transcripts.set(someoneElse.customerId, [entry({ id: 9, externalId: "wc-out-99" })]);
    s.clock.t = START + 5000;
    const result = await s.instance.handleWebhook(hook({ type: "read", externalIds: ["wc-out-41", "wc-out-42", "wc-out-41", "wc-out-99"] }, { cookie: v.cookie }));
    expect(result).toEqual({
      type: "events",
      messages: [],
      statuses: [
        { externalId: "wc-out-41", status: "read", timestamp: START + 5000 },
        { externalId: "wc-out-42", status: "read", timestamp: START + 5000 },
      ],
    });
    expect((await s.instance.handleWebhook(hook({ type: "read", externalIds: ["wc-out-99"] }, { cookie: v.cookie }))).type).toBe("ignored");
    expect(await s.instance.handleWebhook(hook({ type: "read", externalIds: ["wamid.123"] }, { cookie: v.cookie }))).toMatchObject({ type: "rejected", status: 400 });
    expect(await s.instance.handleWebhook(hook({ type: "read", externalIds: [] }, { cookie: v.cookie }))).toMatchObject({ type: "rejected", status: 400 });
    expect(await s.instance.handleWebhook(hook({ type: "read", externalIds: ["wc-out-41"] }))).toMatchObject({ type: "rejected", status: 401 });
  });
});
