import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { PresenceService } from "../../core/routing/presence-service.ts";
import { T } from "../../core/tokens.ts";
import type { Client } from "../helpers/client.ts";
import { createTestApp, TestClock, type TestApp } from "../helpers/test-app.ts";

describe("routing waiting conversations to agents", () => {
  let app: TestApp;
  let clock: TestClock;
  let channel: number;
  let n = 0;
  const agents: Record<string, { id: number; client: Client }> = {};

  async function agent(username: string, queueIds: number[]) {
    const id = await app.makeUser(app.companyId, username, "agent", queueIds);
    const client = app.client();
    await client.login(username, "password-123");
    agents[username] = { id, client };
    return id;
  }
  const connect = async (username: string) => expect((await agents[username]!.client.post("/inbox/presence", { online: "1" })).status).toBe(303);
  const disconnect = async (username: string) => expect((await agents[username]!.client.post("/inbox/presence", { online: "0" })).status).toBe(303);
  /** A new customer writes; returns the conversation id. */
  async function customer(): Promise<number> {
    n++;
    clock.advance(1000);
    expect((await app.webhook(channel, { messages: [{ id: `c${n}`, from: `57300000${n}`, text: `hola ${n}` }] })).status).toBe(200);
    return app.db.query<{ id: number }, [string]>("SELECT conversation_id AS id FROM messages WHERE external_id = ?").get(`c${n}`)!.id;
  }
  const assignee = (conversation: number) =>
    app.db.query<{ u: string | null; status: string }, [number]>("SELECT u.username AS u, c.status FROM conversations c LEFT JOIN users u ON u.id = c.assignee_id WHERE c.id = ?").get(conversation)!;

  beforeEach(async () => {
    clock = new TestClock();
    app = await createTestApp({ clock });
  });
  afterEach(() => app.close());

  test("round robin alternates between the two online agents and skips offline ones", async () => {
    const q = app.makeQueue(app.companyId, "ventas", "round_robin");
    channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", q);
    await agent("ana", [q]);
    await agent("beto", [q]);
    await agent("caro", [q]); // in the queue but offline
    await connect("ana");
    await connect("beto");
    const got = [];
    for (let i = 0; i < 4; i++) got.push(assignee(await customer()).u);
    expect(got).toEqual(["ana", "beto", "ana", "beto"]);
    const line = app.db.query<{ payload: string }, []>("SELECT payload FROM messages WHERE kind = 'event' ORDER BY id LIMIT 1").get()!;
    expect(JSON.parse(line.payload)).toEqual({ event: "auto_assigned", to: "Name ana", queue: "ventas" });
  });

  test("least busy with a per-agent limit; beyond every limit the conversation waits", async () => {
    const q = app.makeQueue(app.companyId, "soporte", "least_busy", 2);
    channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", q);
    await agent("ana", [q]);
    await agent("beto", [q]);
    await connect("ana");
    const a1 = await customer();
    expect(assignee(a1).u).toBe("ana");
    await connect("beto");
    // beto has 0 open, ana 1: beto first, then they are even, then both at the limit of 2.
    const got = [];
    for (let i = 0; i < 3; i++) got.push(assignee(await customer()).u);
    expect(got).toEqual(["beto", "ana", "beto"]);
    const waiting = await customer();
    expect(assignee(waiting)).toEqual({ u: null, status: "queued" });
    // When ana finalizes one, the waiting one goes to her.
    expect((await agents.ana!.client.post(`/inbox/${a1}/close`, { note: "resuelto" })).status).toBe(303);
    expect(assignee(waiting)).toEqual({ u: "ana", status: "open" });
  });

  test("with nobody online conversations wait, and are handed out oldest first when an agent connects", async () => {
    const q = app.makeQueue(app.companyId, "ventas", "round_robin", 2);
    channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", q);
    await agent("ana", [q]);
    const first = await customer();
    const second = await customer();
    const third = await customer();
    expect([assignee(first).u, assignee(second).u, assignee(third).u]).toEqual([null, null, null]);
    await connect("ana");
    expect([assignee(first).u, assignee(second).u, assignee(third).u]).toEqual(["ana", "ana", null]);
  });

  test("a closed browser counts as disconnected after the grace period", async () => {
    const q = app.makeQueue(app.companyId, "ventas");
    channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", q);
    const ana = await agent("ana", [q]);
    await connect("ana");
    const presence = app.container.resolve<PresenceService>(T.PresenceService);
    expect(presence.isOnline(ana)).toBe(true);
    clock.advance(presence.graceMs + 1);
    // No live inbox stream and the grace period is over: not assigned.
    expect(presence.isOnline(ana)).toBe(false);
    expect(assignee(await customer()).u).toBeNull();
    // An open inbox stream keeps her online however long it lasts.
    presence.streamOpened(app.companyId, ana);
    clock.advance(10 * presence.graceMs);
    expect(presence.isOnline(ana)).toBe(true);
    presence.streamClosed(app.companyId, ana);
    clock.advance(presence.graceMs - 1000);
    expect(presence.isOnline(ana)).toBe(true);
    clock.advance(2000);
    expect(presence.isOnline(ana)).toBe(false);
    await disconnect("ana");
  });

  test("manual queues never auto-assign; agents take", async () => {
    const q = app.makeQueue(app.companyId, "manual", "manual");
    channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", q);
    await agent("ana", [q]);
    await connect("ana");
    const c = await customer();
    expect(assignee(c).u).toBeNull();
    expect((await agents.ana!.client.post(`/inbox/${c}/take`)).status).toBe(303);
    expect(assignee(c)).toEqual({ u: "ana", status: "open" });
  });

  test("an agent transferring to their own queue never gets it straight back; with nobody else online it waits and says so", async () => {
    const q = app.makeQueue(app.companyId, "ventas", "round_robin");
    channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", q);
    await agent("ana", [q]);
    await agent("beto", [q]);
    await connect("ana");
    const c = await customer();
    expect(assignee(c)).toEqual({ u: "ana", status: "open" });
    // Only Ana is online: the conversation waits in the queue instead of bouncing back to her.
    let res = await agents.ana!.client.post(`/inbox/${c}/transfer`, { queueId: String(q) });
    expect(res.status).toBe(303);
    expect(assignee(c)).toEqual({ u: null, status: "queued" });
    const page = await agents.ana!.client.html(`/inbox/${c}`);
    expect(page).toContain("nadie más de la cola está conectado, queda en espera");
    // Ana frees a slot (she finalizes another one): still not hers.
    const other = await customer();
    await agents.ana!.client.post(`/inbox/${other}/close`, { note: "" });
    expect(assignee(c).u).toBeNull();
    // Beto connects: it is his.
    await connect("beto");
    expect(assignee(c)).toEqual({ u: "beto", status: "open" });
    // And when Beto hands it back with Ana online, Ana gets it (not Beto).
    res = await agents.beto!.client.post(`/inbox/${c}/transfer`, { queueId: String(q) });
    expect(res.status).toBe(303);
    expect(assignee(c)).toEqual({ u: "ana", status: "open" });
    expect(await agents.beto!.client.html(`/inbox/${c}?tab=all`)).toContain("Conversación transferida a la cola ventas: la atiende Name ana.");
  });
});
