import type { BotService } from "../../core/bot/bot-service.ts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { api, type Client } from "../helpers/client.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import type { ReplyService } from "../../core/conversations/reply-service.ts";
import type { WebhookService } from "../../core/outbound-webhooks/webhook-service.ts";
import { T } from "../../core/tokens.ts";
import type { ContactService } from "../../core/contacts/contact-service.ts";
import type { TagService } from "../../core/contacts/tag-service.ts";
import type { ContactFieldService } from "../../core/contacts/contact-field-service.ts";
import type { ContactImportService } from "../../core/contacts/import-service.ts";
import type { ResponseService } from "../../core/responses/response-service.ts";

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
  // Prometheus scrapers: its own bearer token, 404 when METRICS_TOKEN is unset (tests/observability).
  "GET /metrics",
]);

describe("authorization sweep over every route", () => {
  let app: TestApp;
  let routes: { method: string; path: string }[];
  let a: number;
  let b: number;
  let ids: {
    queue: number;
    user: number;
    company: number;
    token: number;
    channel: number;
    conversation: number;
    message: number;
    media: number;
    contact: number;
    tag: number;
    field: number;
    note: number;
    job: number;
    response: number;
    bot: number;
    botVersion: number;
    webhook: number;
    delivery: string;
  };
  let adminA: Client;
  let agentA: Client;
  let tokenA: string;

  const fill = (path: string, id: number) =>
    path
      .replace(":deliveryId", ids.delivery)
      .replace(":id", String(id))
      .replace(":name", "htmx.js")
      .replace(":channelId", String(ids.channel))
      .replace(":tagId", String(ids.tag))
      .replace(":noteId", String(ids.note))
      .replace(":key", "secreto_b")
      .replace(":versionId", String(ids.botVersion))
      .replace(":n", "0")
      .replace(":token", "x")
      .replace("*", "x");
  /** The company-B object a route's :id names. */
  const idFor = (path: string) =>
    path.includes("/companies") ? ids.company
    : path.includes("/webhooks/:id") ? ids.webhook
    : path.includes("/queues") ? ids.queue
    : path.includes("/tokens") ? ids.token
    : path.includes("/channels") ? ids.channel
    : path.includes("/messages/:id") ? ids.message
    : path.includes("/imports") ? ids.job
    : path.includes("/responses") && !path.includes("/inbox") ? ids.response
    : path.includes("/bots") ? ids.bot
    : path.includes("/inbox") || path.includes("/conversations") ? ids.conversation
    : path.includes("/contacts/") ? ids.contact
    : path.includes("/tags") ? ids.tag
    : path.includes("/fields") ? ids.field
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
      app.db.query("SELECT * FROM contacts WHERE company_id = ?").all(b),
      app.db.query("SELECT * FROM contact_values WHERE contact_id IN (SELECT id FROM contacts WHERE company_id = ?)").all(b),
      app.db.query("SELECT * FROM contact_tags WHERE contact_id IN (SELECT id FROM contacts WHERE company_id = ?)").all(b),
      app.db.query("SELECT * FROM contact_identities WHERE contact_id IN (SELECT id FROM contacts WHERE company_id = ?)").all(b),
      app.db.query("SELECT * FROM contact_fields WHERE company_id = ?").all(b),
      app.db.query("SELECT * FROM contact_notes WHERE company_id = ?").all(b),
      app.db.query("SELECT * FROM tags WHERE company_id = ?").all(b),
      app.db.query("SELECT * FROM import_jobs WHERE company_id = ?").all(b),
      app.db.query("SELECT * FROM canned_responses WHERE company_id = ?").all(b),
      app.db.query("SELECT * FROM ai_settings WHERE company_id = ?").all(b),
      app.db.query("SELECT * FROM bot_programs WHERE company_id = ?").all(b),
      app.db.query("SELECT * FROM bot_versions WHERE program_id IN (SELECT id FROM bot_programs WHERE company_id = ?)").all(b),
      app.db.query("SELECT * FROM webhook_subscriptions WHERE company_id = ?").all(b),
      app.db.query("SELECT * FROM webhook_deliveries WHERE company_id = ?").all(b),
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
    // Company B's contact data: a tag, a template field with a value, a note, an import job.
    const scopeB = { companyId: b, userId: null, role: "admin" as const };
    const actorB = { companyId: b, userId: userB, name: "B", role: "admin" as const };
    const contactB = app.db.query<{ id: number }, [number]>("SELECT contact_id AS id FROM conversations WHERE id = ?").get(conversationB)!.id;
    const tagB = app.container.resolve<TagService>(T.TagService).create(scopeB, { name: "tag-b", color: "#123456" }).id;
    const fieldB = app.container
      .resolve<ContactFieldService>(T.ContactFieldService)
      .create(scopeB, { key: "secreto_b", label: "Secreto B", type: "text", required: false, options: [], min: null, max: null, display: true }).id;
    const contactService = app.container.resolve<ContactService>(T.ContactService);
    contactService.update(actorB, contactB, { name: "Cliente B", phone: "", email: "", fields: { secreto_b: "secreto de B" }, tagIds: [tagB] }, "patch");
    const noteB = contactService.addNote(actorB, contactB, "secreto de B en nota").id;
    const importer = app.container.resolve<ContactImportService>(T.ContactImportService);
    const jobB = importer.begin(actorB, new TextEncoder().encode("nombre,secreto_b\nAna,secreto de B\n"), { dryRun: true, duplicates: "merge" });
    await importer.settled();
    const responseB = app.container
      .resolve<ResponseService>(T.ResponseService)
      .create(scopeB, { name: "secreto de B", key: "sb", text: "secreto de B", finalize: false, automatic: false, queueIds: [] }).id;
    // A published bot program of B, with a step named after B's secret.
    const bots = app.container.resolve<BotService>(T.BotService);
    const botB = bots.create(scopeB, { name: "secreto de B", channelIds: [channelB], definition: { timeoutMinutes: 60, steps: [{ priority: 1, type: "say", text: "secreto de B" }] } }).id;
    bots.publish(scopeB, botB, "B");
    const botVersionB = bots.versions(scopeB, botB)[0]!.id;
    // A webhook subscription of B with one delivery in its log (a test event to a closed port).
    const webhooks = app.container.resolve<WebhookService>(T.WebhookService);
    const webhookB = webhooks.create(scopeB, { url: "https://hooks.example.com/b", events: ["message.received"] }, "B").subscription.id;
    const deliveryB = (await webhooks.test(scopeB, webhookB)).deliveryId;
    ids = {
      queue: qb,
      user: userB,
      company: b,
      token: tokenB,
      channel: channelB,
      conversation: conversationB,
      message: sent.id,
      media: sent.mediaId!,
      contact: contactB,
      tag: tagB,
      field: fieldB,
      note: noteB,
      job: jobB,
      response: responseB,
      bot: botB,
      botVersion: botVersionB,
      webhook: webhookB,
      delivery: deliveryB,
    };
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
      // Contact import, export and erasure are the admin's, like the template and tags under /admin.
      const adminOnly = (path: string) => path.startsWith("/admin/") || path === "/session/company" || /^\/contacts\/(import|imports|export)|^\/contacts\/:id\/erase$/.test(path);
      expect(routes.filter((r) => /^\/contacts\/(import|imports|export)|\/erase$/.test(r.path)).length).toBeGreaterThanOrEqual(8);
      for (const r of routes.filter((r) => adminOnly(r.path))) {
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
        form: {
          name: "hacked",
          username: "hacked",
          role: "admin",
          language: "es",
          password: "",
          passwordConfirm: "",
          text: "hacked",
          queueId: String(ids.queue),
          tagId: String(ids.tag),
          otherId: String(ids.contact),
          confirm: "1",
          value: "hacked",
          blocked: "1",
        },
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
    expect(await adminA.html("/contacts")).not.toContain("Cliente B");
    expect(await adminA.html("/contacts?q=secreto")).not.toContain("Cliente B");
    expect(await adminA.html("/admin/tags")).not.toContain("tag-b");
    expect(await adminA.html("/admin/fields")).not.toContain("Secreto B");
    expect(await adminA.html("/admin/responses")).not.toContain("secreto de B");
    expect(await (await adminA.request("GET", "/contacts/export")).text()).not.toContain("Cliente B");
    // Nor can an admin pick another company to administer.
    expect((await adminA.post("/session/company", { companyId: String(b) })).status).toBe(403);
  });

  test("an API token of company A gets 404 for every company-B id, and B's data is untouched", async () => {
    const before = snapshot();
    for (const r of routes.filter((r) => r.path.startsWith("/api/v1/") && r.path.includes(":id"))) {
      const body =
        r.method === "GET" || r.method === "DELETE" ? undefined
        : r.path.includes("/conversations/") ? { text: "hacked", queueId: ids.queue, name: "hacked", language: "es", userId: ids.user, assigneeId: ids.user }
        : r.path.endsWith("/reactions") ? { emoji: "👍" }
        : r.path.endsWith("/merge") ? { otherId: ids.contact }
        : r.path.endsWith("/tags") ? { tagId: ids.tag }
        : r.path.endsWith("/notes") ? { text: "hacked" }
        : r.path.endsWith("/messages") ? { responseId: ids.response }
        : { name: "hacked" };
      const res = await api(app.app, r.method, fill(r.path, idFor(r.path)), tokenA, body);
      expect({ route: `${r.method} ${r.path}`, status: res.status }).toEqual({ route: `${r.method} ${r.path}`, status: 404 });
    }
    expect(snapshot()).toBe(before);
    for (const path of ["/api/v1/contacts", "/api/v1/contacts?q=secreto", "/api/v1/tags", "/api/v1/fields", "/api/v1/contacts/export", "/api/v1/responses"]) {
      expect(await (await api(app.app, "GET", path, tokenA)).text()).not.toMatch(/Cliente B|tag-b|Secreto B|secreto de B/);
    }
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
