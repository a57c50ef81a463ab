import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { InboxHub } from "../../core/events/inbox-hub.tsx";
import { T } from "../../core/tokens.ts";
import { startLiveServer } from "../helpers/live-server.ts";
import { remoteClient } from "../helpers/spawned-server.ts";
import { cookieHeader, SseReader } from "../helpers/sse.ts";

/**
 * What the live inbox costs a busy webhook path: a pane that does not show a
 * conversation costs no query for its messages, and a group commit of many
 * webhooks is one list nudge per connection, with each agent's rights over all
 * the changed conversations read in one query.
 */
describe("live inbox under a burst of webhooks", () => {
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let channel: number;
  let watched: number;
  const readers: SseReader[] = [];
  /** The hub's own calls, by dependency and method (other subscribers share the repositories, not these counts). */
  const reads = new Map<string, number>();

  beforeAll(async () => {
    server = await startLiveServer();
    const queue = server.makeQueue(server.companyId, "ventas", "manual");
    channel = server.makeRelayChannel(server.companyId, "http://127.0.0.1:9/x", queue);
    expect((await server.webhook(channel, { messages: [{ id: "watched-0", from: "573009990000", text: "hola" }] })).status).toBe(200);
    watched = server.db.query<{ id: number }, []>("SELECT conversation_id AS id FROM messages WHERE external_id = 'watched-0'").get()!.id;
    const hub = server.container.resolve<InboxHub>(T.InboxHub) as unknown as Record<string, object>;
    for (const field of ["conversations", "messages", "conversationService"]) {
      const real = hub[field]!;
      hub[field] = new Proxy(real, {
        get: (target, prop) => {
          const v = Reflect.get(target, prop) as unknown;
          if (typeof v !== "function") return v;
          return (...args: unknown[]) => {
            const key = `${field}.${String(prop)}`;
            reads.set(key, (reads.get(key) ?? 0) + 1);
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    }
    for (let i = 1; i <= 3; i++) {
      await server.makeUser(server.companyId, `agente${i}`, "agent", [queue]);
      const c = remoteClient(server.url);
      await c.login(`agente${i}`, "password-123");
      const r = new SseReader(`${server.url}/inbox/stream?open=${watched}`, cookieHeader(c.cookies));
      readers.push(r);
    }
    // The streams are open once the hub counts them.
    for (let i = 0; i < 200 && (server.container.resolve<InboxHub>(T.InboxHub) as unknown as { byCompany: Map<number, Set<unknown>> }).byCompany.get(server.companyId)?.size !== 3; i++) await Bun.sleep(5);
  });
  afterAll(async () => {
    for (const r of readers) await r.close();
    await server.stop();
  });

  const nudges = (r: SseReader) => r.events.filter((e) => e.event === "inbox").length;
  const settle = async () => {
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    await Bun.sleep(50);
  };

  test("ten webhooks committed together: one list nudge per connection, no bubble queries for panes that do not show them", async () => {
    await settle();
    const before = readers.map(nudges);
    reads.clear();
    const burst = Array.from({ length: 10 }, (_, i) => server.webhook(channel, { messages: [{ id: `burst-${i}`, from: `57300111${i}`, text: `pedido ${i}` }] }));
    expect((await Promise.all(burst)).map((r) => r.status)).toEqual(Array(10).fill(200));
    await settle();
    expect(readers.map((r, i) => nudges(r) - before[i]!)).toEqual([1, 1, 1]);
    // Nobody shows those conversations: no message read, no per-event rights check.
    expect(reads.get("messages.get") ?? 0).toBe(0);
    expect(reads.get("conversationService.canSee") ?? 0).toBe(0);
    // Each changed conversation read once; each agent's rights over all ten at once.
    expect(reads.get("conversations.get")).toBe(10);
    expect(reads.get("conversationService.visibleAmong")).toBe(3);
  });

  test("a message in the conversation the panes show: its bubble to each of them, the message read once", async () => {
    reads.clear();
    const res = await server.webhook(channel, { messages: [{ id: "watched-1", from: "573009990000", text: "¿llegó mi pedido?" }] });
    expect(res.status).toBe(200);
    for (const r of readers) await r.waitFor((e) => e.event === "message" && e.data.includes("llegó mi pedido"));
    for (const r of readers) await r.waitFor((e) => e.event === "conversation");
    expect(reads.get("messages.get")).toBe(1);
  });
});
