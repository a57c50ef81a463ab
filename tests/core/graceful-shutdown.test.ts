import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { remoteClient, SpawnedCharla } from "../helpers/spawned-server.ts";
import { RELAY_PLUGINS_DIR, RELAY_TOKEN } from "../helpers/test-app.ts";

const GRACE_SECONDS = 6;
/** The provider takes this long to accept each send, so sends are in flight when SIGTERM comes. */
const PROVIDER_DELAY_MS = 150;

/** A relay provider that answers slowly and records every send by its idempotency key. */
function slowProvider(delayMs = PROVIDER_DELAY_MS): { server: Server<unknown>; url: string; calls: string[]; holding: Set<string> } {
  const calls: string[] = [];
  const holding = new Set<string>();
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (req) => {
      const call = (await req.json()) as { key: string };
      holding.add(call.key);
      await Bun.sleep(delayMs);
      holding.delete(call.key);
      calls.push(call.key);
      return Response.json({ id: `ext-${call.key}` });
    },
  });
  return { server, url: `http://127.0.0.1:${server.port}/send`, calls, holding };
}

/**
 * SIGTERM while providers' webhooks stream in and agents' replies are going out:
 * the server stops accepting, finishes what it had started, closes the live
 * streams with a reconnect hint, checkpoints and exits 0 within the grace. Every
 * webhook it acknowledged is stored, every reply it accepted is on record (sent,
 * or waiting in the outbox, none left "in flight"), and the next start sends the
 * waiting ones exactly once.
 */
describe("graceful shutdown", () => {
  const charla = new SpawnedCharla({ PLUGINS_DIR: RELAY_PLUGINS_DIR, SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS), LOG_LEVEL: "info" });
  const provider = slowProvider();
  afterAll(() => {
    charla.stop();
    provider.server.stop(true);
  });

  test("SIGTERM during load loses nothing and exits 0 within the grace", async () => {
    const first = await charla.serve({ stderr: "pipe" });
    charla.token("shutdown");
    const channel = (await (await charla.call("POST", "/api/v1/channels", { plugin: "http-relay", name: "relay", config: { endpoint: provider.url, token: RELAY_TOKEN } })).json()) as { id: number };
    const hook = (id: string) =>
      fetch(`${charla.base}/webhooks/${channel.id}`, { method: "POST", headers: { "x-relay-token": RELAY_TOKEN }, body: JSON.stringify({ messages: [{ id, from: "5215550001", text: `hola ${id}` }] }) });
    expect((await hook("w-first")).status).toBe(200);
    const conversation = ((await (await charla.call("GET", "/api/v1/conversations")).json()) as { data: { id: number }[] }).data[0]!.id;

    // A live inbox stream, to see it end with a reconnect hint.
    const operator = remoteClient(charla.base);
    await operator.login("admin", "spawned-pass-1");
    await operator.post("/session/company", { companyId: "1" });
    const cookie = [...operator.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; ");
    const stream = await fetch(`${charla.base}/inbox/stream`, { headers: { cookie } });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const streamText = new Response(stream.body).text();

    const acked = { webhooks: ["w-first"] as string[], replies: [] as number[] };
    let refused = 0;
    let stopLoad = false;
    const webhookLoop = async (lane: number) => {
      for (let i = 0; !stopLoad; i++) {
        const id = `w-${lane}-${i}`;
        try {
          const res = await hook(id);
          if (res.status === 200) acked.webhooks.push(id);
          else refused++;
        } catch {
          refused++;
          await Bun.sleep(20);
        }
      }
    };
    const replyLoop = async (lane: number) => {
      for (let i = 0; !stopLoad; i++) {
        try {
          const res = await charla.call("POST", `/api/v1/conversations/${conversation}/messages`, { text: `respuesta ${lane}-${i}` });
          if (res.status === 201) acked.replies.push(((await res.json()) as { id: number }).id);
          else refused++;
          // Agents' pace: the outbox stays a few sends deep (the provider takes 150 ms each).
          await Bun.sleep(50);
        } catch {
          refused++;
          await Bun.sleep(20);
        }
      }
    };
    const load = Promise.all([webhookLoop(1), webhookLoop(2), webhookLoop(3), replyLoop(1), replyLoop(2)]);
    await Bun.sleep(600);
    const before = { webhooks: acked.webhooks.length, replies: acked.replies.length };
    // Wait for a moment when the provider holds a send, then stop: that send must finish and be recorded.
    for (let i = 0; i < 100 && provider.holding.size === 0; i++) await Bun.sleep(5);
    const inFlightAtSignal = [...provider.holding];
    const t0 = performance.now();
    first.kill("SIGTERM");
    const code = await first.exited;
    const seconds = (performance.now() - t0) / 1000;
    stopLoad = true;
    await load;
    const log = await new Response(first.stderr as ReadableStream).text();

    console.log(
      `SIGTERM under load: exit ${code} after ${seconds.toFixed(2)} s (grace ${GRACE_SECONDS} s); acknowledged ${acked.webhooks.length} webhooks and ${acked.replies.length} replies (${before.webhooks} and ${before.replies} before the signal), ${refused} refused or cut while stopping; ${inFlightAtSignal.length} send in flight at the signal, finished`,
    );
    expect(code).toBe(0);
    expect(seconds).toBeLessThan(GRACE_SECONDS + 1);
    expect(acked.webhooks.length).toBeGreaterThan(10);
    expect(acked.replies.length).toBeGreaterThan(3);
    expect(await streamText).toContain("event: reconnect");
    expect(log).toContain("shutting down");
    expect(log).toContain('"msg":"stopped"');
    expect(log).not.toContain("grace ended");

    // Checkpointed and closed: everything is in the database file, the WAL is gone or empty.
    const wal = join(charla.dir, "charla.db-wal");
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    // Stopped: read the file as it was left.
    const db = new Database(join(charla.dir, "charla.db"), { readonly: true });
    const stored = new Set(db.query<{ external_id: string }, []>("SELECT external_id FROM messages WHERE direction = 'in'").all().map((r) => r.external_id));
    expect(acked.webhooks.filter((id) => !stored.has(id))).toEqual([]);
    const replies = db.query<{ id: number; status: string; queued: number; inFlight: number }, []>(
      "SELECT m.id, m.status, (o.id IS NOT NULL) AS queued, COALESCE(o.sending_since IS NOT NULL, 0) AS inFlight FROM messages m LEFT JOIN outbox o ON o.message_id = m.id WHERE m.direction = 'out'",
    ).all();
    const byId = new Map(replies.map((r) => [r.id, r]));
    // Accepted means recorded: sent, or still queued to be sent, never lost and never left mid-request.
    expect(acked.replies.filter((id) => !(byId.get(id)?.status === "sent" || byId.get(id)?.queued))).toEqual([]);
    expect(replies.filter((r) => r.inFlight)).toEqual([]);
    expect(inFlightAtSignal.length).toBeGreaterThan(0);
    expect(inFlightAtSignal.map((key) => byId.get(Number(key.replace("charla-", "")))?.status)).toEqual(inFlightAtSignal.map(() => "sent"));
    const sentBefore = replies.filter((r) => r.status === "sent").length;
    db.close();

    // The next start sends what was waiting, each reply exactly once.
    await charla.serve();
    for (let i = 0; i < 800 && new Set(provider.calls).size < acked.replies.length; i++) await Bun.sleep(25);
    await Bun.sleep(300);
    const perKey = new Map<string, number>();
    for (const k of provider.calls) perKey.set(k, (perKey.get(k) ?? 0) + 1);
    expect(acked.replies.filter((id) => perKey.get(`charla-${id}`) !== 1)).toEqual([]);
    console.log(`after the restart: ${acked.replies.length - sentBefore} waiting replies sent, ${provider.calls.length} provider calls for ${perKey.size} replies (no duplicates)`);
  }, 60_000);

  test("a send slower than the grace is cut off at the grace and left on record for the next start", async () => {
    const stuck = new SpawnedCharla({ PLUGINS_DIR: RELAY_PLUGINS_DIR, SHUTDOWN_GRACE_SECONDS: "2", LOG_LEVEL: "info" });
    const slow = slowProvider(20_000);
    try {
      const p = await stuck.serve({ stderr: "pipe" });
      stuck.token("stuck");
      const channel = (await (await stuck.call("POST", "/api/v1/channels", { plugin: "http-relay", name: "relay", config: { endpoint: slow.url, token: RELAY_TOKEN } })).json()) as { id: number };
      await fetch(`${stuck.base}/webhooks/${channel.id}`, { method: "POST", headers: { "x-relay-token": RELAY_TOKEN }, body: JSON.stringify({ messages: [{ id: "s1", from: "5215550002", text: "hola" }] }) });
      const conversation = ((await (await stuck.call("GET", "/api/v1/conversations")).json()) as { data: { id: number }[] }).data[0]!.id;
      const reply = (await (await stuck.call("POST", `/api/v1/conversations/${conversation}/messages`, { text: "lenta" })).json()) as { id: number };
      for (let i = 0; i < 200 && slow.holding.size === 0; i++) await Bun.sleep(10);
      expect([...slow.holding]).toEqual([`charla-${reply.id}`]);
      const t0 = performance.now();
      p.kill("SIGTERM");
      expect(await p.exited).toBe(0);
      const seconds = (performance.now() - t0) / 1000;
      const log = await new Response(p.stderr as ReadableStream).text();
      expect(seconds).toBeGreaterThan(1.5);
      expect(seconds).toBeLessThan(3);
      expect(log).toContain("grace ended");
      const db = new Database(join(stuck.dir, "charla.db"), { readonly: true });
      // Cut off mid-request: on record as in flight, which the next start treats as in doubt.
      expect(db.query<{ inFlight: number }, [number]>("SELECT sending_since IS NOT NULL AS inFlight FROM outbox WHERE message_id = ?").get(reply.id)).toEqual({ inFlight: 1 });
      db.close();
      console.log(`a send held 20 s by the provider: exit 0 after ${seconds.toFixed(2)} s (grace 2 s), its outbox row left in flight for the next start`);
    } finally {
      stuck.stop();
      slow.server.stop(true);
    }
  }, 30_000);
});
