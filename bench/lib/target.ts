#!/usr/bin/env bun
/**
 * Child process for bench/ingest.ts and bench/sse-latency.ts, so the HTTP client
 * never shares an event loop with the server it measures.
 *   bun bench/lib/target.ts pipeline <dataDir>  the real app (createTestApp: runtime,
 *     workers, http-relay plugin) listening on 127.0.0.1:0, one queue, one relay channel,
 *     and one conversation ("watch-customer") already created through the webhook.
 *   bun bench/lib/target.ts bare <dataDir>      Bun.serve + one INSERT per request into a
 *     SQLite file opened by core's own openDatabase() (same pragmas).
 * Prints one JSON line (Ready) on stdout; stops cleanly on SIGTERM/SIGINT.
 */
import { join } from "node:path";
import { openDatabase } from "../../core/db/database.ts";
import { ADMIN_PASSWORD, createTestApp, RELAY_TOKEN } from "../../tests/helpers/test-app.ts";

export interface Ready {
  port: number;
  channelId: number;
  conversationId: number;
  watchCustomer: string;
  username: string;
  password: string;
  relayToken: string;
  /** Agents of the bench queue, for live inbox streams; none on the bare target. */
  agents: string[];
  agentPassword: string;
}

const AGENTS = 10;

const [mode, dataDir] = process.argv.slice(2);
if ((mode !== "pipeline" && mode !== "bare") || !dataDir) throw new Error("usage: target.ts pipeline|bare <dataDir>");

let stopAll: () => Promise<void>;
let ready: Ready;

if (mode === "bare") {
  const db = openDatabase(join(dataDir, "bare.db"));
  db.exec("CREATE TABLE msgs (id INTEGER PRIMARY KEY, external_id TEXT NOT NULL, sender TEXT NOT NULL, text TEXT, created_at INTEGER NOT NULL)");
  const insert = db.query("INSERT INTO msgs (external_id, sender, text, created_at) VALUES (?, ?, ?, ?)");
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    fetch: async (req) => {
      if (req.headers.get("x-relay-token") !== RELAY_TOKEN) return new Response("no", { status: 401 });
      const body = (await req.json()) as { messages: { id: string; from: string; text: string }[] };
      const m = body.messages[0]!;
      insert.run(m.id, m.from, m.text, Date.now());
      return Response.json({ ok: true, stored: 1 });
    },
  });
  ready = { port: server.port!, channelId: 1, conversationId: 0, watchCustomer: "", username: "", password: "", relayToken: RELAY_TOKEN, agents: [], agentPassword: "" };
  stopAll = async () => {
    await server.stop(true);
    db.close();
  };
} else {
  const app = await createTestApp({ env: { DATA_DIR: dataDir } });
  const queue = app.makeQueue(app.companyId, "bench");
  const channelId = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/unused", queue);
  const agents: string[] = [];
  for (let i = 1; i <= AGENTS; i++) {
    await app.makeUser(app.companyId, `bench-agent-${i}`, "agent", [queue]);
    agents.push(`bench-agent-${i}`);
  }
  const watchCustomer = "573000000000";
  const first = await app.webhook(channelId, { messages: [{ id: "watch-0", from: watchCustomer, text: "hola", name: "Watched" }] });
  if (first.status !== 200) throw new Error(`first webhook answered ${first.status}`);
  const conv = app.db
    .query<{ id: number }, [number]>("SELECT c.id FROM conversations c JOIN messages m ON m.conversation_id = c.id WHERE m.external_id = 'watch-0' AND m.channel_id = ?")
    .get(channelId);
  // idleTimeout 0, as in tests/helpers/live-server.ts: SSE streams stay open between heartbeats.
  app.app.listen({ port: 0, hostname: "127.0.0.1", idleTimeout: 0 });
  ready = { port: app.app.server!.port!, channelId, conversationId: conv!.id, watchCustomer, username: "admin", password: ADMIN_PASSWORD, relayToken: RELAY_TOKEN, agents, agentPassword: "password-123" };
  stopAll = async () => {
    await app.app.stop(true);
    await app.close();
  };
}

let stopping = false;
for (const sig of ["SIGTERM", "SIGINT"] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    void stopAll().finally(() => process.exit(0));
  });
}
process.stdout.write(`${JSON.stringify(ready)}\n`);
