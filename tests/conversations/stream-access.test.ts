import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { InboxHub } from "../../core/events/inbox-hub.tsx";
import { T } from "../../core/tokens.ts";
import type { Client } from "../helpers/client.ts";
import { startLiveServer } from "../helpers/live-server.ts";
import { remoteClient } from "../helpers/spawned-server.ts";
import { cookieHeader, SseReader } from "../helpers/sse.ts";

/**
 * Defect: a deactivated user's open inbox stream kept receiving customer messages
 * while /inbox already sent them to sign-in. What a stream may show follows the
 * user's current rights, at once.
 */
describe("live streams follow the user's current rights", () => {
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let channel: number;
  let ventas: number;
  let otros: number;
  const ids: Record<string, number> = {};
  const clients: Record<string, Client> = {};
  const readers: SseReader[] = [];
  let admin: Client;
  const stream = (who: string) => {
    const r = new SseReader(`${server.url}/inbox/stream`, cookieHeader(clients[who]!.cookies));
    readers.push(r);
    return r;
  };
  let n = 0;
  const customerWrites = (text: string) => server.webhook(channel, { messages: [{ id: `m${++n}`, from: `57300${n}`, text }] });

  beforeAll(async () => {
    server = await startLiveServer();
    ventas = server.makeQueue(server.companyId, "ventas", "manual");
    otros = server.makeQueue(server.companyId, "otros", "manual");
    channel = server.makeRelayChannel(server.companyId, "http://127.0.0.1:9/x", ventas);
    for (const u of ["ana", "beto", "carla", "dora"]) {
      ids[u] = await server.makeUser(server.companyId, u, "agent", [ventas]);
      clients[u] = remoteClient(server.url);
      await clients[u]!.login(u, "password-123");
    }
    admin = remoteClient(server.url);
    await admin.login("admin", "operator-pass-123");
  });
  afterAll(async () => {
    for (const r of readers) await r.close();
    await server.stop();
  });

  test("deactivating an agent ends their open stream at once; nothing more reaches it", async () => {
    const ana = stream("ana");
    await Bun.sleep(100);
    await customerWrites("antes");
    await ana.waitFor((e) => e.event === "inbox");
    expect((await admin.post(`/admin/users/${ids.ana}/deactivate`)).status).toBe(303);
    await ana.waitFor((e) => e.event === "reauth");
    await ana.waitEnded();
    const seen = ana.events.length;
    await customerWrites("después de desactivar");
    await Bun.sleep(200);
    expect(ana.events.length).toBe(seen);
    expect(JSON.stringify(ana.events)).not.toContain("después");
    // And the stream cannot be opened again.
    const again = stream("ana");
    await again.waitFor((e) => e.event === "http-error");
  });

  test("an admin's password reset ends the user's stream", async () => {
    const beto = stream("beto");
    await Bun.sleep(100);
    expect((await admin.post(`/admin/users/${ids.beto}/reset-password`)).status).toBe(200);
    await beto.waitFor((e) => e.event === "reauth");
    await beto.waitEnded();
  });

  test("taking an agent out of a queue ends the stream; reopened, it no longer hears that queue", async () => {
    const carla = stream("carla");
    await Bun.sleep(100);
    const form = { username: "carla", name: "Name carla", role: "agent", extension: "", language: "es", password: "", passwordConfirm: "", queueIds: [String(otros)] };
    expect((await admin.post(`/admin/users/${ids.carla}`, form)).status).toBe(303);
    await carla.waitFor((e) => e.event === "reauth" && e.data === "access");
    await carla.waitEnded();
    // Still signed in (queues do not end the session), with the new rights.
    const reopened = stream("carla");
    await Bun.sleep(100);
    await customerWrites("para ventas");
    await Bun.sleep(250);
    expect(reopened.events.filter((e) => e.event === "inbox")).toEqual([]);
    expect(reopened.ended).toBe(false);
  });

  test("a session ended elsewhere (another process, the CLI) ends the stream within one heartbeat", async () => {
    server.container.resolve<InboxHub>(T.InboxHub).heartbeatMs = 100;
    const dora = stream("dora");
    await Bun.sleep(50);
    // What `charla admin reset-password` does from another process: the sessions go, no event reaches this one.
    server.db.query("DELETE FROM sessions WHERE user_id = ?").run(ids.dora!);
    await dora.waitFor((e) => e.event === "reauth" && e.data === "session", 2000);
    await dora.waitEnded();
  });
});
