import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { api, type Client } from "../helpers/client.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import type { ReplyService } from "../../core/conversations/reply-service.ts";
import { T } from "../../core/tokens.ts";

/**
 * A sweep over every route the app registers, so a route added later without a
 * guard fails here instead of in production.
 */
const PUBLIC = new Set([
  "GET /healthz",
  "GET /assets/:name",
  "GET /login",
  "POST /login",
  "GET /api/v1/openapi.json",
  "GET /api/docs",
  "GET /api/v1/openapi",
  // Browsers report CSP violations without credentials.
  "POST /csp-report",
  // Channel providers and web chat visitors: each plugin verifies its own callers.
  "GET /webhooks/:channelId",
  "POST /webhooks/:channelId",
  "GET /chat/:channelId",
  "GET /chat/:channelId/*",
  "POST /chat/:channelId/*",
  // Signed, expiring links.
  "GET /media/public/:id",
]);

describe("authorization sweep over every route", () => {
  let app: TestApp;
  let routes: { method: string; path: string }[];
  let a: number;
  let b: number;
  let ids: { queue: number; user: number; company: number; token: number; channel: number; conversation: number; message: number; media: number };
  let adminA: Client;
  let agentA: Client;
  let tokenA: string;

  const fill = (path: string, id: number) => path.replace(":id", String(id)).replace(":name", "htmx.js").replace(":channelId", String(ids.channel)).replace("*", "x");
  /** The company-B object a route's :id names. */
  const idFor = (path: string) =>
    path.includes("/companies") ? ids.company
    : path.includes("/queues") ? ids.queue
    : path.includes("/tokens") ? ids.token
    : path.includes("/channels") ? ids.channel
    : path.includes("/messages/:id") ? ids.message
    : path.includes("/inbox") || path.includes("/conversations") ? ids.conversation
    : path.includes("/media") ? ids.media
    : ids.user;
  const snapshot = () =>
    JSON.stringify([
      app.db.query("SELECT * FROM queues WHERE company_id = ? ORDER BY id").all(b),
      app.db.query("SELECT id, username, name, role, active, password_hash, language, extension FROM users WHERE company_id = ? ORDER BY id").all(b),
      app.db.query("SELECT * FROM user_queues WHERE user_id IN (SELECT id FROM users WHERE company_id = ?)").all(b),
      app.db.query("SELECT * FROM api_tokens WHERE company_id = ?").all(b),
      app.db.query("SELECT * FROM companies WHERE id = ?").all(b),
      app.db.query("SELECT * FROM channels WHERE company_id = ?").all(b),
      app.db.query("SELECT * FROM conversations WHERE company_id = ?").all(b),
      app.db.query("SELECT * FROM messages WHERE company_id = ?").all(b),
      app.db.query("SELECT message_id, channel_id FROM outbox").all(),
    ]);

  beforeAll(async () => {
    app = await createTestApp();
    a = app.companyId;
    b = app.makeCompany("empresa-b");
    const qa = app.makeQueue(a, "ventas-a");
    const qb = app.makeQueue(b, "ventas-b");
    await app.makeUser(a, "admin-a", "admin", [qa]);
    await app.makeUser(a, "agent-a", "agent", [qa]);
    await app.makeUser(a, "super-a", "supervisor", [qa]);
    const userB = await app.makeUser(b, "agent-b", "agent", [qb]);
    app.makeToken(b);
    const tokenB = app.db.query<{ id: number }, [number]>("SELECT id FROM api_tokens WHERE company_id = ?").get(b)!.id;
    const channelB = app.makeRelayChannel(b, "http://127.0.0.1:9/x", qb);
    await app.webhook(channelB, { messages: [{ id: "b1", from: "5700000", text: "secreto de B" }] });
    const conversationB = app.db.query<{ id: number }, [number]>("SELECT id FROM conversations WHERE company_id = ?").get(b)!.id;
    const sent = app.container
      .resolve<ReplyService>(T.ReplyService)
      .send({ companyId: b, userId: userB, name: "B", role: "agent" }, conversationB, { text: "adjunto", file: { bytes: new TextEncoder().encode("B file"), mimeType: "text/plain", filename: "b.txt" } });
    ids = { queue: qb, user: userB, company: b, token: tokenB, channel: channelB, conversation: conversationB, message: sent.id, media: sent.mediaId! };
    tokenA = app.makeToken(a);
    adminA = app.client();
    await adminA.login("admin-a", "password-123");
    agentA = app.client();
    await agentA.login("agent-a", "password-123");
    routes = app.app.routes
      .filter((r) => r.method !== "HEAD" && r.method !== "OPTIONS")
      .map((r) => ({ method: r.method, path: r.path }));
    expect(routes.length).toBeGreaterThan(30);
  });
  afterAll(() => app.close());

  test("anonymous callers get the login page (panel) or 401 (API) on every non-public route", async () => {
    for (const r of routes) {
      if (PUBLIC.has(`${r.method} ${r.path}`)) continue;
      const path = fill(r.path, 1);
      if (r.path.startsWith("/api/")) {
        const res = await api(app.app, r.method, path, null, r.method === "GET" || r.method === "DELETE" ? undefined : {});
        expect({ route: `${r.method} ${r.path}`, status: res.status }).toEqual({ route: `${r.method} ${r.path}`, status: 401 });
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
      } else {
        const res = await app.client().request(r.method, path, { form: {} });
        expect({ route: `${r.method} ${r.path}`, status: res.status }).toEqual({ route: `${r.method} ${r.path}`, status: 303 });
        expect(res.headers.get("location")).toStartWith("/login");
      }
    }
  });

  test("agents and supervisors get 403 on every admin page, never a crash", async () => {
    const supervisor = app.client();
    await supervisor.login("super-a", "password-123");
    for (const who of [agentA, supervisor]) {
      for (const r of routes.filter((r) => r.path.startsWith("/admin/") || r.path === "/session/company")) {
        const res = await who.request(r.method, fill(r.path, 1), { form: {} });
        expect({ route: `${r.method} ${r.path}`, status: res.status }).toEqual({ route: `${r.method} ${r.path}`, status: 403 });
        if (r.method === "GET") expect(await res.text()).toContain("No tiene permiso para ver esta página.");
      }
    }
  });

  test("a company admin cannot read or change another company's rows by guessing ids, in the panel", async () => {
    const before = snapshot();
    for (const r of routes.filter((r) => r.path.includes(":id") && !r.path.startsWith("/api/") && !PUBLIC.has(`${r.method} ${r.path}`))) {
      const res = await adminA.request(r.method, fill(r.path, idFor(r.path)), {
        form: { name: "hacked", username: "hacked", role: "admin", language: "es", password: "", passwordConfirm: "", text: "hacked", queueId: String(ids.queue) },
      });
      expect({ route: `${r.method} ${r.path}`, status: [403, 404].includes(res.status) }).toEqual({ route: `${r.method} ${r.path}`, status: true });
      const body = await res.text();
      expect(body).not.toContain("ventas-b");
      expect(body).not.toContain("secreto de B");
    }
    expect(snapshot()).toBe(before);
    // Lists never show the other company's rows either.
    expect(await adminA.html("/admin/queues")).not.toContain("ventas-b");
    expect(await adminA.html("/admin/users")).not.toContain("agent-b");
    // Nor can an admin pick another company to administer.
    expect((await adminA.post("/session/company", { companyId: String(b) })).status).toBe(403);
  });

  test("an API token of company A gets 404 for every company-B id, and B's data is untouched", async () => {
    const before = snapshot();
    for (const r of routes.filter((r) => r.path.startsWith("/api/v1/") && r.path.includes(":id"))) {
      const body = r.method === "GET" || r.method === "DELETE" ? undefined : r.path.includes("/conversations/") ? { text: "hacked", queueId: ids.queue } : { name: "hacked" };
      const res = await api(app.app, r.method, fill(r.path, idFor(r.path)), tokenA, body);
      expect({ route: `${r.method} ${r.path}`, status: res.status }).toEqual({ route: `${r.method} ${r.path}`, status: 404 });
    }
    expect(snapshot()).toBe(before);
    const list = (await (await api(app.app, "GET", "/api/v1/users", tokenA)).json()) as { data: { username: string }[] };
    expect(list.data.map((u) => u.username)).not.toContain("agent-b");
    // Assigning a company-B queue through the API is refused too.
    const res = await api(app.app, "POST", "/api/v1/users", tokenA, { username: "intruso", name: "X", password: "password-123", role: "agent", queueIds: [ids.queue] });
    expect(res.status).toBe(422);
  });

  test("the operator administers whichever company is selected, and only that one", async () => {
    const op = await app.operator();
    expect((await op.post("/session/company", { companyId: String(b) })).status).toBe(303);
    const users = await op.html("/admin/users");
    expect(users).toContain("agent-b");
    expect(users).not.toContain("agent-a");
    expect(users).toContain("Company empresa-b");
    expect((await op.post("/session/company", { companyId: "999999" })).status).toBe(404);
  });
});
