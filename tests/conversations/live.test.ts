import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Client } from "../helpers/client.ts";
import { startLiveServer } from "../helpers/live-server.ts";
import { remoteClient } from "../helpers/spawned-server.ts";
import { cookieHeader, SseReader } from "../helpers/sse.ts";

describe("live inbox over SSE", () => {
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let channelA: number;
  let channelB: number;
  let ventas: number;
  const clients: Record<string, Client> = {};
  const readers: SseReader[] = [];
  const stream = (who: string, open?: number) => {
    const r = new SseReader(`${server.url}/inbox/stream${open ? `?open=${open}` : ""}`, cookieHeader(clients[who]!.cookies));
    readers.push(r);
    return r;
  };

  beforeAll(async () => {
    server = await startLiveServer();
    ventas = server.makeQueue(server.companyId, "ventas", "manual");
    const otros = server.makeQueue(server.companyId, "otros", "manual");
    channelA = server.makeRelayChannel(server.companyId, "http://127.0.0.1:9/x", ventas);
    const b = server.makeCompany("empresa-b");
    const qb = server.makeQueue(b, "b-ventas", "manual");
    channelB = server.makeRelayChannel(b, "http://127.0.0.1:9/x", qb);
    await server.makeUser(server.companyId, "ana", "agent", [ventas]);
    await server.makeUser(server.companyId, "ciro", "agent", [otros]);
    await server.makeUser(server.companyId, "sup", "supervisor");
    await server.makeUser(b, "bruno", "admin");
    for (const u of ["ana", "ciro", "sup", "bruno"]) {
      clients[u] = remoteClient(server.url);
      await clients[u]!.login(u, "password-123");
    }
  });
  afterAll(async () => {
    for (const r of readers) await r.close();
    await server.stop();
  });

  test("a new customer message nudges exactly the users who may see it, in their company only", async () => {
    const ana = stream("ana");
    const ciro = stream("ciro");
    const sup = stream("sup");
    const bruno = stream("bruno");
    await Bun.sleep(100);
    await server.webhook(channelA, { messages: [{ id: "a1", from: "571", text: "hola desde A" }] });
    await ana.waitFor((e) => e.event === "inbox");
    await sup.waitFor((e) => e.event === "inbox");
    await Bun.sleep(150);
    expect(ciro.events).toEqual([]);
    expect(bruno.events).toEqual([]);
    // And the other way round: company B's traffic never reaches company A's streams.
    const before = sup.events.length;
    await server.webhook(channelB, { messages: [{ id: "b1", from: "572", text: "hola desde B" }] });
    await bruno.waitFor((e) => e.event === "inbox");
    await Bun.sleep(150);
    expect(sup.events.length).toBe(before);
    expect(JSON.stringify(sup.events)).not.toContain("desde B");
  });

  test("the open conversation receives the message bubble rendered in the viewer's language", async () => {
    const conv = server.db.query<{ id: number }, []>("SELECT conversation_id AS id FROM messages WHERE external_id = 'a1'").get()!.id;
    const ana = stream("ana", conv);
    await Bun.sleep(100);
    await server.webhook(channelA, { messages: [{ id: "a2", from: "571", text: "<b>¿tienen talla 40?</b>" }] });
    const bubble = await ana.waitFor((e) => e.event === "message" && e.data.includes("talla 40"));
    expect(bubble.data).toStartWith('<hx-partial hx-target="#messages" hx-swap="upsert"><div id="msg-');
    expect(bubble.data).toContain("&lt;b&gt;¿tienen talla 40?&lt;/b&gt;");
    expect(bubble.data).toContain(`<p class="text">&lt;b&gt;¿tienen talla 40?&lt;/b&gt;</p>`);
    // Her own answer arrives as a bubble too, then its status tick replaces it in place.
    const sent = await clients.ana!.request("POST", `/inbox/${conv}/messages`, { form: { text: "Sí, hay" }, headers: { "hx-request": "true" } });
    expect(sent.status).toBe(200);
    await ana.waitFor((e) => e.event === "message" && e.data.includes("Sí, hay"));
  });

  test("nobody can open a stream on a conversation they may not see", async () => {
    const conv = server.db.query<{ id: number }, []>("SELECT conversation_id AS id FROM messages WHERE external_id = 'a1'").get()!.id;
    const bruno = stream("bruno", conv);
    await bruno.waitFor((e) => e.event === "http-error");
    expect(bruno.events).toEqual([{ event: "http-error", data: "404" }]);
    const ciro = stream("ciro", conv);
    await ciro.waitFor((e) => e.event === "http-error");
    expect(ciro.events).toEqual([{ event: "http-error", data: "404" }]);
    const anon = new SseReader(`${server.url}/inbox/stream`, "");
    readers.push(anon);
    await anon.waitFor((e) => e.event === "http-error");
    expect(anon.events).toEqual([{ event: "http-error", data: "303" }]);
  });

  test("an open stream counts as online; transfers nudge the agent who lost the conversation", async () => {
    const conv = server.db.query<{ id: number }, []>("SELECT conversation_id AS id FROM messages WHERE external_id = 'a1'").get()!.id;
    const ana = stream("ana");
    await Bun.sleep(100);
    const n = ana.events.length;
    const otros = server.db.query<{ id: number }, []>("SELECT id FROM queues WHERE name = 'otros'").get()!.id;
    expect((await clients.sup!.post(`/inbox/${conv}/transfer`, { queueId: String(otros) })).status).toBe(303);
    await ana.waitFor((e, i = ana.events.indexOf(e)) => e.event === "inbox" && i >= n);
    expect((await clients.ana!.get(`/inbox/${conv}`)).status).toBe(404);
  });
});
