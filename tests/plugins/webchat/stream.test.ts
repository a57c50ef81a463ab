/** Web chat plugin: the visitor's event stream, sending, the transcript endpoint and heartbeats. */
import { describe, expect, test } from "bun:test";
import { VisitorStreams } from "../../../plugins/webchat/streams.ts";
import { BASE, entry, publicReq, readUntil, setup, START, visit } from "./setup.ts";

describe("web chat: stream and sending", () => {
  test("the stream needs the visitor cookie", async () => {
    const { instance } = await setup();
    const res = await instance.handlePublic!(publicReq("stream"));
    expect(res.status).toBe(401);
    const t = await instance.handlePublic!(publicReq("transcript"));
    expect(t.status).toBe(401);
  });

  test("a sent message reaches the open stream and is 'delivered'; with no stream it is 'sent'", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    const abort = new AbortController();
    const res = await s.instance.handlePublic!(publicReq("stream", { headers: { cookie: v.cookie }, signal: abort.signal }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const reader = res.body!.getReader();
    expect(await readUntil(reader, (t) => t.includes(": connected\n\n"))).toBe("retry: 3000\n: connected\n\n");

    s.clock.t = START + 1234;
    const sent = await s.instance.send({ idempotencyKey: "m-501", lastInboundAt: null, to: v.customerId, content: { kind: "text", text: "¡Hola! Soy Carla, ¿en qué te ayudo?" } });
    expect(sent).toEqual({ ok: true, externalId: "wc-out-m-501", status: "delivered" });
    const frame = await readUntil(reader, (t) => t.endsWith("\n\n"));
    const lines = frame.trimEnd().split("\n");
    expect(lines.slice(0, 2)).toEqual(["id: wc-out-m-501", "event: message"]);
    expect(JSON.parse(lines[2]!.slice("data: ".length))).toEqual({
      id: null,
      externalId: "wc-out-m-501",
      author: "agent",
      kind: "text",
      text: "¡Hola! Soy Carla, ¿en qué te ayudo?",
      mediaUrl: null,
      mediaType: null,
      filename: null,
      createdAt: START + 1234,
    });

    const media = await s.instance.send({
      idempotencyKey: "m-502", lastInboundAt: null,
      to: v.customerId,
      content: { kind: "media", mediaType: "document", url: `${BASE}/media/8?sig=abc`, mimeType: "application/pdf", caption: "Catálogo", filename: "catalogo.pdf", read: async () => new Blob(["%PDF"]) },
    });
    expect(media).toEqual({ ok: true, externalId: "wc-out-m-502", status: "delivered" });
    const mediaFrame = await readUntil(reader, (t) => t.endsWith("\n\n"));
    expect(JSON.parse(mediaFrame.split("\ndata: ")[1]!)).toMatchObject({ kind: "media", text: "Catálogo", mediaUrl: `${BASE}/media/8?sig=abc`, mediaType: "application/pdf", filename: "catalogo.pdf" });

    const other = await visit(s.instance);
    expect(await s.instance.send({ idempotencyKey: "m-503", lastInboundAt: null, to: other.customerId, content: { kind: "text", text: "hola" } })).toEqual({ ok: true, externalId: "wc-out-m-503", status: "sent" });

    // Closing the tab aborts the request: the stream ends and later sends are "sent".
    abort.abort();
    expect(await reader.read()).toEqual({ done: true, value: undefined });
    expect(await s.instance.send({ idempotencyKey: "m-504", lastInboundAt: null, to: v.customerId, content: { kind: "text", text: "¿Sigues ahí?" } })).toMatchObject({ status: "sent" });
  });

  test("every tab of the visitor gets the message", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    const tabs = [0, 1].map(() => s.instance.handlePublic!(publicReq("stream", { headers: { cookie: v.cookie } })));
    const readers = (await Promise.all(tabs)).map((r) => r.body!.getReader());
    for (const r of readers) await readUntil(r, (t) => t.includes("connected"));
    await s.instance.send({ idempotencyKey: "k1", lastInboundAt: null, to: v.customerId, content: { kind: "text", text: "para las dos pestañas" } });
    for (const r of readers) expect(await readUntil(r, (t) => t.endsWith("\n\n"))).toContain('"text":"para las dos pestañas"');
    s.instance.dispose!();
    for (const r of readers) expect((await r.read()).done).toBe(true);
  });

  test("reactions and templates are refused with a readable reason", async () => {
    const { instance } = await setup();
    expect(await instance.send({ idempotencyKey: "r1", lastInboundAt: null, to: "abc", content: { kind: "reaction", emoji: "👍", targetExternalId: "wc-in-x" } })).toEqual({
      ok: false,
      retryable: false,
      reason: "The web chat cannot show reactions",
    });
    const template = await instance.send({ idempotencyKey: "t1", lastInboundAt: null, to: "abc", content: { kind: "template", name: "hello", language: "es", parameters: [] } });
    expect(template).toMatchObject({ ok: false, retryable: false });
    expect(template.ok ? "" : template.reason).toContain("templates");
  });

  test("the transcript endpoint returns the visitor's messages as JSON", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    s.transcripts.set(v.customerId, [entry({ id: 5, text: "Hola <b>", externalId: "wc-out-5", status: "read" })]);
    const res = await s.instance.handlePublic!(publicReq("transcript", { headers: { cookie: v.cookie } }));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      messages: [
        { id: 5, direction: "out", author: "agent", kind: "text", text: "Hola <b>", mediaUrl: null, mediaType: null, filename: null, status: "read", externalId: "wc-out-5", createdAt: START - 60_000 },
      ],
    });
  });

  test("open streams get a heartbeat comment", async () => {
    const streams = new VisitorStreams(20);
    const res = streams.connect("c1", new AbortController().signal);
    const reader = res.body!.getReader();
    expect(await readUntil(reader, (t) => t.includes(": ping\n\n"))).toContain(": connected\n\n");
    expect(streams.count("c1")).toBe(1);
    streams.closeAll();
    expect(streams.count("c1")).toBe(0);
  });

  test("an agent opening the conversation tells the visitor's open tabs their messages were read", async () => {
    const s = await setup();
    const v = await visit(s.instance);
    const res = await s.instance.handlePublic!(publicReq("stream", { headers: { cookie: v.cookie } }));
    const reader = res.body!.getReader();
    await readUntil(reader, (t) => t.includes(": connected\n\n"));
    await s.instance.markRead!(v.customerId, "wc-in-x");
    expect(await readUntil(reader, (t) => t.endsWith("\n\n"))).toBe("event: read\ndata: {}\n\n");
  });
});
