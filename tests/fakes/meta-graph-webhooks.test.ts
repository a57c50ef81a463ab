/** The Meta Graph fake's webhook side: signed deliveries to a receiver, the verify handshake, and the payload builders. */
import { describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { metaJson, ms, wa, type WaCtx } from "./meta-graph.ts";
import { meta, PAGE, PNID, WABA } from "../helpers/meta-graph-fixture.ts";

/** A tiny webhook receiver that records raw bytes and answers from a script. */
function receiver(script: number[] = []) {
  const got: { raw: Uint8Array; headers: Headers }[] = [];
  const server: Server<unknown> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (req.method === "GET") {
        const ok = url.searchParams.get("hub.mode") === "subscribe" && url.searchParams.get("hub.verify_token") === "vt-123";
        return ok ? new Response(url.searchParams.get("hub.challenge"), { headers: { "content-type": "text/plain" } }) : new Response("Forbidden", { status: 403 });
      }
      got.push({ raw: new Uint8Array(await req.arrayBuffer()), headers: req.headers });
      const status = script.shift() ?? 200;
      return new Response(status === 200 ? "EVENT_RECEIVED" : "nope", { status });
    },
  });
  return { url: `http://127.0.0.1:${server.port}/webhooks/ch1`, got, stop: () => server.stop(true) };
}

async function independentHmac(secret: string, bytes: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, new Uint8Array(bytes)));
  return [...sig].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const ctx: WaCtx = { wabaId: WABA, phoneNumberId: PNID, displayPhoneNumber: "15550783881", from: "16505551234", name: "Sheena Nelson", timestamp: 1749416383 };

describe("webhook delivery", () => {
  test("sends Meta-escaped JSON and signs exactly those bytes", async () => {
    const r = receiver();
    try {
      const payload = wa.text(ctx, "¿Tienen otro color? ñandú 😀 https://x.y/z");
      const res = await meta.deliver(r.url, payload, { appSecret: "s3cret" });
      expect(res).toEqual([{ status: 200, body: "EVENT_RECEIVED", attempt: 1, duplicate: false }]);
      const { raw, headers } = r.got[0]!;
      expect(raw.every((b) => b < 0x80)).toBe(true);
      const textBody = new TextDecoder().decode(raw);
      expect(textBody).toContain("\\u00bfTienen otro color? \\u00f1and\\u00fa \\ud83d\\ude00 https:\\/\\/x.y\\/z");
      expect(textBody).toBe(metaJson(payload));
      expect(JSON.parse(textBody)).toEqual(payload);
      expect(headers.get("content-type")).toBe("application/json");
      expect(headers.get("x-hub-signature-256")).toBe(`sha256=${await independentHmac("s3cret", raw)}`);
      // Signing the unescaped UTF-8 instead would not verify.
      expect(headers.get("x-hub-signature-256")).not.toBe(`sha256=${await independentHmac("s3cret", new TextEncoder().encode(JSON.stringify(payload)))}`);
    } finally {
      r.stop();
    }
  });

  test("retries on non-200 and stops at 200; gives up after 3 tries", async () => {
    const r = receiver([500, 403, 200, 200]);
    try {
      const res = await meta.deliver(r.url, wa.text(ctx, "hola"), { appSecret: "s", retryDelayMs: 1 });
      expect(res.map((x) => x.status)).toEqual([500, 403, 200]);
      expect(r.got.length).toBe(3);
      expect(new Set(r.got.map((g) => new TextDecoder().decode(g.raw))).size).toBe(1);
    } finally {
      r.stop();
    }
    const always = receiver([500, 500, 500, 500, 500]);
    try {
      expect((await meta.deliver(always.url, wa.text(ctx, "x"), { appSecret: "s", retryDelayMs: 1 })).length).toBe(3);
      expect((await meta.deliver(always.url, wa.text(ctx, "x"), { appSecret: "s", retries: 0 })).length).toBe(1);
    } finally {
      always.stop();
    }
  });

  test("duplicate delivery after a 200 repeats the exact bytes and signature", async () => {
    const r = receiver();
    try {
      const res = await meta.deliver(r.url, wa.text(ctx, "dup"), { appSecret: "s", duplicate: true, retryDelayMs: 1 });
      expect(res.map((x) => [x.status, x.duplicate])).toEqual([[200, false], [200, true]]);
      expect(r.got[0]!.raw).toEqual(r.got[1]!.raw);
      expect(r.got[0]!.headers.get("x-hub-signature-256")).toBe(r.got[1]!.headers.get("x-hub-signature-256")!);
    } finally {
      r.stop();
    }
  });

  test("bad and missing signatures; verify handshake", async () => {
    const r = receiver();
    try {
      await meta.deliver(r.url, wa.text(ctx, "a"), { appSecret: "s", badSignature: true, retries: 0 });
      await meta.deliver(r.url, wa.text(ctx, "b"), { noSignature: true, retries: 0 });
      expect(r.got[0]!.headers.get("x-hub-signature-256")).not.toBe(`sha256=${await independentHmac("s", r.got[0]!.raw)}`);
      expect(r.got[1]!.headers.get("x-hub-signature-256")).toBeNull();
      expect(await meta.verifyHandshake(r.url, "vt-123", "1158201444")).toEqual({ status: 200, body: "1158201444", challenge: "1158201444" });
      expect((await meta.verifyHandshake(r.url, "wrong", "1")).status).toBe(403);
    } finally {
      r.stop();
    }
  });
});

describe("payload builders", () => {
  test("WhatsApp envelope matches Meta's shape; batch groups by WABA and number", () => {
    expect(wa.text({ ...ctx, id: "wamid.X" }, "Does it come in another color?")).toEqual({
      object: "whatsapp_business_account",
      entry: [
        {
          id: WABA,
          changes: [
            {
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "15550783881", phone_number_id: PNID },
                contacts: [{ profile: { name: "Sheena Nelson" }, wa_id: "16505551234" }],
                messages: [{ from: "16505551234", id: "wamid.X", timestamp: "1749416383", type: "text", text: { body: "Does it come in another color?" } }],
              },
              field: "messages",
            },
          ],
        },
      ],
    });
    const other = { ...ctx, phoneNumberId: "999", displayPhoneNumber: "15550000000" };
    const b = wa.batch(wa.text(ctx, "1"), wa.reaction(ctx, "wamid.Y"), wa.status(other, "wamid.Z", "failed", { errors: [131047] }));
    expect(b.entry.length).toBe(1);
    expect(b.entry[0]!.changes.length).toBe(2);
    const v0 = b.entry[0]!.changes[0]!.value as { contacts: unknown[]; messages: { type: string; reaction?: unknown }[] };
    expect(v0.contacts.length).toBe(1);
    expect(v0.messages.map((m) => m.type)).toEqual(["text", "reaction"]);
    expect(v0.messages[1]!.reaction).toEqual({ message_id: "wamid.Y" });
    const st = (b.entry[0]!.changes[1]!.value as { statuses: { errors: { code: number; title: string }[] }[] }).statuses[0]!;
    expect(st.errors[0]).toMatchObject({ code: 131047, title: "Re-engagement message" });
  });

  test("Messenger envelope uses ms timestamps and echoes come from the page", () => {
    const e = ms.text({ pageId: PAGE, psid: "PSID1", time: 1458692752478, mid: "m_1" }, "hello");
    expect(e).toEqual({
      object: "page",
      entry: [{ id: PAGE, time: 1458692752478, messaging: [{ sender: { id: "PSID1" }, recipient: { id: PAGE }, timestamp: 1458692752478, message: { mid: "m_1", text: "hello" } }] }],
    });
    const echo = ms.echo({ pageId: PAGE, psid: "PSID1" }, "hi", "m_2").entry[0]!.messaging![0]!;
    expect(echo).toMatchObject({ sender: { id: PAGE }, recipient: { id: "PSID1" }, message: { mid: "m_2", is_echo: true, text: "hi" } });
  });
});
