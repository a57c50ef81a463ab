import { expect } from "bun:test";
import { startWithMeta, APP_SECRET } from "../helpers/meta-setup.ts";
import { remoteClient } from "../helpers/spawned-server.ts";
import type { Client } from "../helpers/client.ts";
import { cookieHeader } from "../helpers/sse.ts";

/**
 * A stranger's worst: the real app on a real port (so raw bytes, broken cookies and
 * odd content types arrive exactly as sent), with data in every table a write could
 * touch, an admin session, an API token, and a snapshot to prove nothing changed.
 */
export async function badInputWorld() {
  const env = await startWithMeta();
  const { server } = env;
  const queue = server.makeQueue(server.companyId, "ventas");
  const agent = await server.makeUser(server.companyId, "agente", "agent", [queue]);
  const whatsapp = env.whatsapp(server.companyId, undefined, queue);
  const relay = server.makeRelayChannel(server.companyId, "http://127.0.0.1:9/x", queue);
  await server.webhook(relay, { messages: [{ id: "seed-1", from: "573001112233", text: "hola, quiero información" }] });
  const conversation = server.db.query<{ id: number }, []>("SELECT id FROM conversations").get()!.id;
  const message = server.db.query<{ id: number }, []>("SELECT id FROM messages").get()!.id;
  const token = server.makeToken(server.companyId);
  const admin = remoteClient(server.url);
  await admin.login("admin", "operator-pass-123");
  const csrf = await admin.csrf();

  /** Everything a write could change, as the API lists it and as the database holds it. */
  const snapshot = async () => {
    const lists: unknown[] = [];
    for (const path of ["/api/v1/queues", "/api/v1/users", "/api/v1/channels", "/api/v1/conversations", `/api/v1/conversations/${conversation}/messages`]) {
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      lists.push(await res.json());
    }
    const db = server.db;
    return JSON.stringify({
      lists,
      companies: db.query("SELECT * FROM companies ORDER BY id").all(),
      users: db.query("SELECT id, username, name, role, active, password_hash, language, extension, presence FROM users ORDER BY id").all(),
      userQueues: db.query("SELECT * FROM user_queues ORDER BY user_id, queue_id").all(),
      tokens: db.query("SELECT id, name, scope, revoked_at FROM api_tokens ORDER BY id").all(),
      channels: db.query("SELECT * FROM channels ORDER BY id").all(),
      contacts: db.query("SELECT * FROM contacts ORDER BY id").all(),
      conversations: db.query("SELECT * FROM conversations ORDER BY id").all(),
      messages: db.query("SELECT id, status, text, external_id FROM messages ORDER BY id").all(),
      outbox: db.query("SELECT * FROM outbox ORDER BY id").all(),
      media: db.query("SELECT COUNT(*) AS n FROM media").get(),
      contactValues: db.query("SELECT * FROM contact_values ORDER BY contact_id, field_id").all(),
      contactFields: db.query("SELECT * FROM contact_fields ORDER BY id").all(),
      tags: db.query("SELECT * FROM tags ORDER BY id").all(),
      contactTags: db.query("SELECT * FROM contact_tags ORDER BY contact_id, tag_id").all(),
      notes: db.query("SELECT * FROM contact_notes ORDER BY id").all(),
      identities: db.query("SELECT * FROM contact_identities ORDER BY channel_id, external_id").all(),
      imports: db.query("SELECT COUNT(*) AS n FROM import_jobs").get(),
      webhooks: db.query("SELECT * FROM webhook_subscriptions ORDER BY id").all(),
      deliveries: db.query("SELECT COUNT(*) AS n FROM webhook_deliveries").get(),
    });
  };

  /** A raw request to the real port: exactly these bytes, these headers. */
  const raw = (method: string, path: string, init: { headers?: Record<string, string>; body?: BodyInit; session?: Client | null; bearer?: boolean } = {}) => {
    const headers = new Headers(init.headers);
    if (init.session !== null) headers.set("cookie", cookieHeader((init.session ?? admin).cookies));
    if (init.session !== null && !path.startsWith("/api/") && !headers.has("x-csrf-token")) headers.set("x-csrf-token", csrf);
    if (init.bearer !== false && path.startsWith("/api/")) headers.set("authorization", `Bearer ${token}`);
    return fetch(`${server.url}${path}`, { method, headers, body: init.body, redirect: "manual" });
  };

  const routes = server.app.routes.filter((r) => r.method !== "HEAD" && r.method !== "OPTIONS").map((r) => ({ method: r.method, path: r.path }));
  const fill = (path: string) =>
    path
      .replace(":id", String(path.includes("/queues") ? queue : path.includes("/users") ? agent : path.includes("/channels") ? relay : path.includes("/messages/:id") ? message : path.includes("/tokens") ? 1 : conversation))
      .replace(":channelId", String(relay))
      .replace(":name", "htmx.js")
      .replace("*", "x");

  return { ...env, server, queue, agent, whatsapp, relay, conversation, message, token, admin, csrf, snapshot, raw, routes, fill, APP_SECRET };
}

/** `{"name":"n","x":[[[ ... ]]]}` nested `depth` deep. */
export function deepJson(depth: number): string {
  return `{"name":"n","maxPerAgent":${"[".repeat(depth)}${"]".repeat(depth)}}`;
}

export function expectClientError(route: string, status: number): void {
  expect({ route, clientError: status >= 400 && status < 500 }).toEqual({ route, clientError: true });
}
