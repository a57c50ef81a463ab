import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AUDITED, NOT_AUDITED } from "../../core/audit/audited-routes.ts";
import type { BackupService } from "../../core/backups/backup-service.ts";
import type { ContactImportService } from "../../core/contacts/import-service.ts";
import { es } from "../../core/i18n/es.ts";
import type { WebhookDispatcher } from "../../core/outbound-webhooks/webhook-dispatcher.ts";
import type { InboundResponder } from "../../core/responses/inbound-responder.ts";
import { T } from "../../core/tokens.ts";
import { OpenAiFake } from "../fakes/openai.ts";
import { api, type Client } from "../helpers/client.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

interface Row {
  id: number;
  company_id: number | null;
  actor_id: number | null;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: number | null;
  details: string | null;
  ip: string | null;
  via: string | null;
  request_id: string | null;
}

/** Every secret and every piece of content the steps below send: none may reach the log. */
const SECRETS = ["clave-nueva-9876", "sk-audit-key-5678", "relay-secret-token", "relay-rotated-token", "Texto privado de la respuesta", "hola privado", "whsec_", "chk_"];
const ADDRESS = "198.51.100.23";

/**
 * The audit log records each admin and operator action kind, whichever way it
 * came (panel or API): one line each, with who, from where and what, and no
 * secret values or message content in its details.
 */
describe("audit log", () => {
  let app: TestApp;
  let ai: OpenAiFake;
  let aiBase: string;
  let admin: Client;
  let operator: Client;
  let token: string;
  let last = 0;
  const seen = new Set<string>();
  const fresh = () => {
    const rows = app.db.query<Row, [number]>("SELECT * FROM audit_log WHERE id > ? ORDER BY id").all(last);
    if (rows.length) last = rows.at(-1)!.id;
    return rows;
  };
  /** Runs one action; exactly one new line must say `action`, with nothing secret in it. */
  const one = async (action: string, run: () => Promise<Response>): Promise<Row> => {
    fresh();
    const res = await run();
    expect({ action, status: res.status < 400 }).toEqual({ action, status: true });
    const rows = fresh();
    expect({ action, lines: rows.map((r) => r.action) }).toEqual({ action, lines: [action] });
    const row = rows[0]!;
    const text = JSON.stringify(row);
    for (const s of SECRETS) expect({ action, leaks: text.includes(s) ? s : null }).toEqual({ action, leaks: null });
    seen.add(action);
    return row;
  };
  const xff = { "x-forwarded-for": `${ADDRESS}, 10.0.0.1` };
  const form = (c: Client, path: string, body: Record<string, string | string[]> = {}) => c.request("POST", path, { form: body, headers: xff });
  const call = (method: string, path: string, body?: unknown) => api(app.app, method, path, token, body, xff);
  const idOf = (sql: string, ...args: (string | number)[]) => app.db.query<{ id: number }, (string | number)[]>(sql).get(...args)!.id;

  beforeAll(async () => {
    ai = new OpenAiFake({ apiKey: "sk-audit-key-5678" });
    aiBase = await ai.start();
    app = await createTestApp({ env: { TRUST_PROXY: "true" } });
    await app.makeUser(app.companyId, "gerente", "admin");
    admin = app.client();
    await admin.login("gerente", "password-123");
    operator = await app.operator();
    token = app.makeToken(app.companyId);
    last = app.db.query<{ n: number }, []>("SELECT COALESCE(MAX(id), 0) AS n FROM audit_log").get()!.n;
  });
  afterAll(async () => {
    await app.close();
    await ai.stop();
  });

  test("every state-changing route is either audited or listed with the reason it is not, and the table names only real routes", () => {
    const routes = app.app.routes.filter((r) => !["GET", "HEAD", "OPTIONS"].includes(r.method)).map((r) => `${r.method} ${r.path}`);
    const unclassified = routes.filter((r) => !AUDITED[r] && !NOT_AUDITED.some((n) => n.routes.test(r)));
    expect(unclassified).toEqual([]);
    const all = new Set(app.app.routes.map((r) => `${r.method} ${r.path}`));
    expect(Object.keys(AUDITED).filter((k) => !all.has(k))).toEqual([]);
    // And no audited route is also excused.
    expect(Object.keys(AUDITED).filter((k) => NOT_AUDITED.some((n) => n.routes.test(k)))).toEqual([]);
  });

  test("each admin action kind leaves one line, from the panel and from the API", async () => {
    const company = app.companyId;
    // Users
    const created = await one("user.created", () => form(admin, "/admin/users", { username: "nuevo", name: "Nuevo Agente", password: "clave-nueva-9876", passwordConfirm: "clave-nueva-9876", role: "agent", language: "es", extension: "" }));
    expect(created).toMatchObject({ company_id: company, actor_name: "Name gerente", via: "panel", ip: ADDRESS, target_type: "user" });
    expect(created.request_id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(JSON.parse(created.details!)).toMatchObject({ username: "nuevo", name: "Nuevo Agente", role: "agent" });
    const user = idOf("SELECT id FROM users WHERE username = 'nuevo'");
    const updated = await one("user.updated", () => form(admin, `/admin/users/${user}`, { username: "nuevo", name: "Nuevo Nombre", password: "clave-nueva-9876", passwordConfirm: "clave-nueva-9876", role: "supervisor", language: "es", extension: "" }));
    expect(updated.target_id).toBe(user);
    expect(JSON.parse(updated.details!)).toMatchObject({ role: "supervisor", passwordChanged: true });
    await one("user.deactivated", () => form(admin, `/admin/users/${user}/deactivate`));
    await one("user.activated", () => call("POST", `/api/v1/users/${user}/activate`));
    const reset = await one("user.password_reset", () => form(admin, `/admin/users/${user}/reset-password`));
    expect(reset.target_id).toBe(user);
    const apiUser = await one("user.created", () => call("POST", "/api/v1/users", { username: "porapi", name: "Por API", password: "clave-nueva-9876", role: "agent" }));
    expect(apiUser).toMatchObject({ actor_id: null, actor_name: "API · test", via: "api", ip: ADDRESS, target_id: idOf("SELECT id FROM users WHERE username = 'porapi'") });
    await one("user.updated", () => call("PATCH", `/api/v1/users/${apiUser.target_id}`, { name: "Otro" }));
    await one("user.deactivated", () => call("DELETE", `/api/v1/users/${apiUser.target_id}`));

    // Queues
    await one("queue.created", () => form(admin, "/admin/queues", { name: "ventas", strategy: "round_robin", maxPerAgent: "" }));
    const queue = idOf("SELECT id FROM queues WHERE name = 'ventas'");
    await one("queue.updated", () => form(admin, `/admin/queues/${queue}`, { name: "ventas norte", strategy: "least_busy", maxPerAgent: "3" }));
    const apiQueue = await one("queue.created", () => call("POST", "/api/v1/queues", { name: "soporte" }));
    await one("queue.updated", () => call("PATCH", `/api/v1/queues/${apiQueue.target_id}`, { maxPerAgent: 2 }));
    await one("queue.deleted", () => call("DELETE", `/api/v1/queues/${apiQueue.target_id}`));

    // AI settings: the key stays out of the log, that it changed does not.
    const aiLine = await one("ai.settings_changed", () =>
      form(admin, "/admin/ai", { enabled: "1", baseUrl: aiBase, model: "gpt-4o-mini", apiKey: "sk-audit-key-5678", temperature: "0", maxTokens: "100", maxTurns: "4", monthlyTokenBudget: "0", instructions: "", knowledge: "", handoffMessage: "" }),
    );
    expect(JSON.parse(aiLine.details!)).toMatchObject({ enabled: "1", model: "gpt-4o-mini", keyChanged: true });
    await one("ai.settings_changed", () => call("PUT", "/api/v1/ai", { enabled: true, baseUrl: aiBase, model: "gpt-4o-mini", apiKey: "sk-audit-key-5678" }));

    // Channels: settings (the relay's token) never appear.
    const channelLine = await one("channel.created", () => call("POST", "/api/v1/channels", { plugin: "http-relay", name: "relay", config: { endpoint: "http://127.0.0.1:9/send", token: "relay-secret-token" } }));
    const channel = channelLine.target_id!;
    expect(JSON.parse(channelLine.details!)).toEqual({ plugin: "http-relay", name: "relay" });
    const patched = await one("channel.updated", () => call("PATCH", `/api/v1/channels/${channel}`, { config: { endpoint: "http://127.0.0.1:9/send", token: "relay-rotated-token" } }));
    expect(JSON.parse(patched.details!)).toEqual({ settingsChanged: true });
    await one("channel.updated", () => form(admin, `/admin/channels/${channel}`, { name: "relay 2", queueId: String(queue), reopenWindowMinutes: "0", "config.endpoint": "http://127.0.0.1:9/send", "config.token": "relay-secret-token" }));
    await one("channel.disabled", () => form(admin, `/admin/channels/${channel}/enabled`, { enabled: "0" }));
    await one("channel.enabled", () => form(admin, `/admin/channels/${channel}/enabled`, { enabled: "1" }));
    await one("channel.disabled", () => call("POST", `/api/v1/channels/${channel}/disable`));
    await one("channel.enabled", () => call("POST", `/api/v1/channels/${channel}/enable`));
    await one("channel.ai_mode_changed", () => form(admin, `/admin/channels/${channel}/ai-mode`, { aiMode: "always" }));
    const panelChannel = await one("channel.created", () =>
      form(admin, "/admin/channels?plugin=http-relay", { name: "otro relay", queueId: "", reopenWindowMinutes: "0", "config.endpoint": "http://127.0.0.1:9/other", "config.token": "relay-secret-token" }),
    );
    expect(panelChannel.target_id).toBe(idOf("SELECT id FROM channels WHERE name = 'otro relay'"));
    expect(JSON.parse(panelChannel.details!)).toEqual({ name: "otro relay", queueId: "", plugin: "http-relay" });
    await one("channel.deleted", () => form(admin, `/admin/channels/${panelChannel.target_id}/delete`));
    const apiChannel = await one("channel.created", () => call("POST", "/api/v1/channels", { plugin: "http-relay", name: "borrable", config: { endpoint: "http://127.0.0.1:9/x", token: "relay-secret-token" } }));
    await one("channel.deleted", () => call("DELETE", `/api/v1/channels/${apiChannel.target_id}`));

    // API tokens: the token itself, shown once, never logged.
    const tokenPage = await form(admin, "/admin/tokens", { name: "integración", scope: "read" });
    expect(await tokenPage.text()).toContain("chk_");
    expect(fresh().map((r) => r.action)).toEqual(["token.created"]);
    seen.add("token.created");
    const tokenId = idOf("SELECT id FROM api_tokens WHERE name = 'integración'");
    await one("token.revoked", () => form(admin, `/admin/tokens/${tokenId}/revoke`));

    // Canned responses: the name and key, not the text.
    await one("response.created", () => form(admin, "/admin/responses", { name: "saludo", key: "sl", text: "Texto privado de la respuesta" }));
    const response = idOf("SELECT id FROM canned_responses WHERE key = 'sl'");
    await one("response.updated", () => form(admin, `/admin/responses/${response}`, { name: "saludo 2", key: "sl", text: "Texto privado de la respuesta" }));
    await one("response.deleted", () => form(admin, `/admin/responses/${response}/delete`));
    const apiResponse = await one("response.created", () => call("POST", "/api/v1/responses", { name: "dp", key: "dp", text: "Texto privado de la respuesta" }));
    await one("response.updated", () => call("PATCH", `/api/v1/responses/${apiResponse.target_id}`, { name: "despedida" }));
    await one("response.deleted", () => call("DELETE", `/api/v1/responses/${apiResponse.target_id}`));

    // Bots: the panel's editor and the API.
    const bot = (await one("bot.created", () => form(admin, "/admin/bots", { name: "Bienvenida", timeoutMinutes: "60" }))).target_id!;
    expect(bot).toBe(idOf("SELECT id FROM bot_programs WHERE name = 'Bienvenida'"));
    await one("bot.updated", () => form(admin, `/admin/bots/${bot}`, { name: "Bienvenida", timeoutMinutes: "30", channelIds: String(channel) }));
    await one("bot.step_added", () => form(admin, `/admin/bots/${bot}/steps`, { type: "say", priority: "1", text: "hola privado" }));
    await one("bot.step_added", () => form(admin, `/admin/bots/${bot}/steps`, { type: "end", priority: "2", text: "hola privado" }));
    await one("bot.step_changed", () => form(admin, `/admin/bots/${bot}/steps/0`, { type: "say", priority: "1", text: "hola privado 2" }));
    await one("bot.step_moved", () => form(admin, `/admin/bots/${bot}/steps/1/move`, { dir: "up" }));
    await one("bot.step_deleted", () => form(admin, `/admin/bots/${bot}/steps/1/delete`));
    await one("bot.published", () => form(admin, `/admin/bots/${bot}/publish`));
    await one("bot.holidays_changed", () => form(admin, `/admin/bots/${bot}/holidays`, { date: "2026-12-25", observe: "0" }));
    await one("bot.published", () => call("POST", `/api/v1/bots/${bot}/publish`));
    await one("bot.disabled", () => form(admin, `/admin/bots/${bot}/enabled`, { enabled: "0" }));
    await one("bot.enabled", () => call("POST", `/api/v1/bots/${bot}/enable`));
    await one("bot.disabled", () => call("POST", `/api/v1/bots/${bot}/disable`));
    await one("bot.enabled", () => form(admin, `/admin/bots/${bot}/enabled`, { enabled: "1" }));
    const version = idOf("SELECT id FROM bot_versions WHERE program_id = ? ORDER BY id LIMIT 1", bot);
    await one("bot.version_restored", () => form(admin, `/admin/bots/${bot}/versions/${version}/restore`));
    await one("bot.version_restored", () => call("POST", `/api/v1/bots/${bot}/versions/${version}/restore`));
    const copy = await one("bot.copied", () => form(admin, `/admin/bots/${bot}/copy`));
    expect(JSON.parse(copy.details!)).toEqual({ from: bot });
    await one("bot.deleted", () => form(admin, `/admin/bots/${copy.target_id}/delete`));
    const apiBot = await one("bot.created", () => call("POST", "/api/v1/bots", { name: "api", steps: [{ priority: 1, type: "say", text: "hola privado" }] }));
    await one("bot.updated", () => call("PUT", `/api/v1/bots/${apiBot.target_id}`, { name: "api 2", steps: [{ priority: 1, type: "say", text: "hola privado" }] }));
    const apiCopy = await one("bot.copied", () => call("POST", `/api/v1/bots/${apiBot.target_id}/copy`));
    await one("bot.deleted", () => call("DELETE", `/api/v1/bots/${apiCopy.target_id}`));

    // Tags and the contact template
    await one("tag.created", () => form(admin, "/admin/tags", { name: "VIP", color: "#112233" }));
    const tag = idOf("SELECT id FROM tags WHERE name = 'VIP'");
    await one("tag.updated", () => form(admin, `/admin/tags/${tag}`, { name: "VIP 2", color: "#112244" }));
    await one("tag.deleted", () => form(admin, `/admin/tags/${tag}/delete`));
    const apiTag = await one("tag.created", () => call("POST", "/api/v1/tags", { name: "Mayorista", color: "#445566" }));
    await one("tag.updated", () => call("PATCH", `/api/v1/tags/${apiTag.target_id}`, { name: "Mayoristas" }));
    await one("tag.deleted", () => call("DELETE", `/api/v1/tags/${apiTag.target_id}`));
    await one("field.created", () => form(admin, "/admin/fields", { key: "cedula", label: "Cédula", type: "text", options: "", min: "", max: "" }));
    const field = idOf("SELECT id FROM contact_fields WHERE key = 'cedula'");
    await one("field.updated", () => form(admin, `/admin/fields/${field}`, { key: "cedula", label: "Documento", type: "text", options: "", min: "", max: "" }));
    const second = await one("field.created", () => call("POST", "/api/v1/fields", { key: "ciudad", label: "Ciudad", type: "text" }));
    await one("field.moved", () => form(admin, `/admin/fields/${second.target_id}/move`, { direction: "up" }));
    await one("field.moved", () => call("PUT", "/api/v1/fields/order", { ids: [field, second.target_id] }));
    await one("field.updated", () => call("PATCH", `/api/v1/fields/${second.target_id}`, { label: "Ciudad de residencia" }));
    await one("field.removed", () => form(admin, `/admin/fields/${field}/remove`));
    await one("field.purged", () => form(admin, `/admin/fields/${field}/purge`));
    await one("field.removed", () => call("DELETE", `/api/v1/fields/${second.target_id}`));
    await one("field.purged", () => call("POST", `/api/v1/fields/${second.target_id}/purge`));

    // Balance settings (the company's admin), then the operator's platform actions.
    await one("billing.settings_changed", () => form(admin, "/admin/recharges/settings", { threshold: "5000" }));
    await one("billing.settings_changed", () => call("PATCH", "/api/v1/balance", { lowBalanceThreshold: 10_000 }));
    const companyLine = await one("company.created", () => form(operator, "/admin/companies", { name: "Otra Empresa", slug: "otra", country: "CO", timeZone: "America/Bogota", currency: "COP", active: "1" }));
    expect(companyLine).toMatchObject({ company_id: null, actor_name: "admin", via: "panel" });
    const other = idOf("SELECT id FROM companies WHERE slug = 'otra'");
    const companyUpdate = await one("company.updated", () => form(operator, `/admin/companies/${other}`, { name: "Otra Empresa SAS", slug: "otra", country: "CO", timeZone: "America/Bogota", currency: "COP", active: "1" }));
    expect(companyUpdate).toMatchObject({ company_id: other, target_id: other });
    const rate = await one("rate.changed", () => form(operator, "/admin/rates", { kind: "whatsapp.utility", amount: "45", country: "CO", model: "", companyId: String(other), currency: "COP", freePerMonth: "" }));
    expect(rate.company_id).toBe(other);
    const recharge = await one("recharge.created", () => form(operator, "/admin/recharges", { companyId: String(other), amount: "50000", date: "2026-01-10", method: "nequi", reference: "R-1", note: "" }));
    expect(recharge.company_id).toBe(other);
    const rechargeId = idOf("SELECT id FROM ledger_entries WHERE company_id = ? AND kind = 'recharge'", other);
    await one("recharge.reversed", () => form(operator, `/admin/recharges/${rechargeId}/reverse`, { reason: "duplicada" }));

    // Outbound webhooks: the service's own lines (with the address), the secret never; and a redelivery.
    const hook = await one("webhook.created", () => form(admin, "/admin/webhooks", { url: "https://hooks.example.com/catch/123/s3cr3tpath?token=abc", description: "", events: "message.received" }));
    expect(hook).toMatchObject({ via: "panel", ip: ADDRESS, actor_name: "Name gerente" });
    expect(hook.details).not.toContain("s3cr3tpath");
    expect(hook.details).not.toContain("token=abc");
    await one("webhook.updated", () => form(admin, `/admin/webhooks/${hook.target_id}`, { url: "https://hooks.example.com/b", description: "otro", events: ["message.received", "message.sent"] }));
    await one("webhook.secret_rotated", () => form(admin, `/admin/webhooks/${hook.target_id}/rotate`));
    await one("webhook.paused", () => form(admin, `/admin/webhooks/${hook.target_id}/pause`));
    await one("webhook.resumed", () => call("POST", `/api/v1/webhooks/${hook.target_id}/resume`));
    await form(admin, `/admin/webhooks/${hook.target_id}/test`);
    expect(fresh()).toEqual([]);
    const uid = app.db.query<{ uid: string }, [number]>("SELECT uid FROM webhook_deliveries WHERE subscription_id = ? ORDER BY id DESC LIMIT 1").get(hook.target_id!)!.uid;
    await one("webhook.redelivered", () => call("POST", `/api/v1/webhooks/${hook.target_id}/deliveries/${uid}/redeliver`));
    await app.container.resolve<WebhookDispatcher>(T.WebhookDispatcher).idle();
    await one("webhook.deleted", () => form(admin, `/admin/webhooks/${hook.target_id}/delete`));

    // Contacts: block, merge, erase (their services' lines), removed values, import, export.
    for (const [id, from] of [["a1", "573001110001"], ["a2", "573001110002"], ["a3", "573001110003"]] as const) {
      expect((await app.webhook(channel, { messages: [{ id, from, text: "hola privado" }] }, "relay-secret-token")).status).toBe(200);
    }
    // The channel answers with AI ("always"): let those answers finish before their people are erased.
    await app.container.resolve<InboundResponder>(T.InboundResponder).idle();
    const contacts = app.db.query<{ id: number }, []>("SELECT id FROM contacts ORDER BY id").all().map((c) => c.id);
    expect(contacts.length).toBe(3);
    await one("contact.blocked", () => form(admin, `/contacts/${contacts[0]}/block`, { blocked: "1" }));
    await one("contact.unblocked", () => call("POST", `/api/v1/contacts/${contacts[0]}/unblock`));
    await one("contact.blocked", () => call("POST", `/api/v1/contacts/${contacts[0]}/block`));
    await one("contact.merged", () => form(admin, `/contacts/${contacts[0]}/merge`, { otherId: String(contacts[1]) }));
    await one("contact.erased", () => form(admin, `/contacts/${contacts[0]}/erase`, { confirm: "1" }));
    await one("contact.removed_values_erased", () => call("DELETE", `/api/v1/contacts/${contacts[2]}/removed-values`));
    await one("contact.removed_values_erased", () => form(admin, `/contacts/${contacts[2]}/removed-values/erase`));
    await one("contact.erased", () => call("DELETE", `/api/v1/contacts/${contacts[2]}`));
    const importLine = await one("contact.import_started", () =>
      app.app.handle(new Request("http://localhost/api/v1/contacts/import?dryRun=true", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "text/csv", ...xff }, body: "nombre,telefono\nAna,3001112233\n" })),
    );
    expect(JSON.parse(importLine.details!)).toEqual({ dryRun: true, duplicates: "" });
    await app.container.resolve<ContactImportService>(T.ContactImportService).settled();
    await one("contact.exported", () => admin.request("GET", "/contacts/export", { headers: xff }));
    await one("contact.exported", () => call("GET", "/api/v1/contacts/export"));

    // Backups: taking one and downloading one (the whole platform's data).
    await one("backup.started", () => form(operator, "/admin/backups"));
    await app.container.resolve<BackupService>(T.BackupService).run("manual");
    const file = app.container.resolve<BackupService>(T.BackupService).status().last!.name;
    const download = await one("backup.downloaded", () => operator.request("GET", `/admin/backups/${file}`, { headers: xff }));
    expect(JSON.parse(download.details!)).toEqual({ file });

    // Every action kind the log has words for was exercised here.
    const named = Object.keys(es).filter((k) => k.startsWith("audit.action.")).map((k) => k.slice("audit.action.".length));
    expect(named.filter((a) => !seen.has(a)).sort()).toEqual([]);
    expect([...seen].filter((a) => !named.includes(a))).toEqual([]);
  }, 60_000);

  test("a refused action leaves no line: a form shown again, an error, a request of another company", async () => {
    fresh();
    expect((await form(admin, "/admin/queues", { name: "", strategy: "round_robin" })).status).toBe(422);
    expect((await call("POST", "/api/v1/queues", { name: "x".repeat(61) })).status).toBe(422);
    expect((await form(admin, "/admin/users/999999/deactivate")).status).toBe(404);
    expect((await call("DELETE", "/api/v1/tags/999999")).status).toBe(404);
    expect(fresh()).toEqual([]);
  });

  test("without TRUST_PROXY a forwarded address is not believed", async () => {
    const plain = await createTestApp();
    try {
      const op = await plain.operator();
      expect((await op.request("POST", "/admin/queues", { form: { name: "q", strategy: "round_robin" }, headers: { "x-forwarded-for": "203.0.113.99" } })).status).toBe(303);
      const row = plain.db.query<{ ip: string }, []>("SELECT ip FROM audit_log WHERE action = 'queue.created'").get()!;
      expect(row.ip).not.toBe("203.0.113.99");
    } finally {
      await plain.close();
    }
  });
});

describe("reading the audit log", () => {
  let app: TestApp;
  let a: number;
  let b: number;
  let adminA: Client;
  let adminB: Client;
  let operator: Client;
  let tokenA: string;

  beforeAll(async () => {
    app = await createTestApp();
    a = app.companyId;
    b = app.makeCompany("empresa-b");
    await app.makeUser(a, "gerente-a", "admin");
    await app.makeUser(b, "gerente-b", "admin");
    await app.makeUser(a, "agente-a", "agent");
    adminA = app.client();
    await adminA.login("gerente-a", "password-123");
    adminB = app.client();
    await adminB.login("gerente-b", "password-123");
    operator = await app.operator();
    tokenA = app.makeToken(a);
    for (let i = 0; i < 45; i++) expect((await adminA.post("/admin/queues", { name: `cola-a-${i}`, strategy: "round_robin" })).status).toBe(303);
    expect((await adminB.post("/admin/queues", { name: "cola-de-b", strategy: "round_robin" })).status).toBe(303);
    expect((await adminB.post("/admin/tags", { name: "etiqueta-de-b", color: "#123456" })).status).toBe(303);
    expect((await operator.post("/admin/companies", { name: "Tercera", slug: "tercera", country: "CO", timeZone: "America/Bogota", currency: "COP", active: "1" })).status).toBe(303);
  });
  afterAll(() => app.close());

  test("admins see their own company's lines, newest first, in pages", async () => {
    const first = await adminA.html("/admin/audit");
    expect(first).toContain("Auditoría");
    expect(first).toContain("Creó una cola");
    expect(first).toContain("cola-a-44");
    expect(first).not.toContain("cola-de-b");
    expect(first).not.toContain("Tercera");
    expect(first.indexOf("cola-a-44")).toBeLessThan(first.indexOf("cola-a-43"));
    const older = /href="(\/admin\/audit\?before=\d+)"/.exec(first.replaceAll("&amp;", "&"))![1]!;
    const second = await adminA.html(older);
    expect(second).toContain("cola-a-0");
    expect(second).not.toContain("cola-a-44");
    expect(await adminB.html("/admin/audit")).not.toContain("cola-a-");
    // Agents have no audit page.
    const agent = app.client();
    await agent.login("agente-a", "password-123");
    expect((await agent.get("/admin/audit")).status).toBe(403);
  });

  test("filters: an action or a whole kind, part of a name, a range of days; bad filters say why", async () => {
    const tags = await adminB.html("/admin/audit?action=tag");
    expect(tags).toContain("etiqueta-de-b");
    expect(tags).not.toContain("cola-de-b");
    const queues = await adminB.html("/admin/audit?action=queue.created");
    expect(queues).toContain("cola-de-b");
    expect(await adminA.html("/admin/audit?actor=nadie")).toContain("No hay acciones registradas con estos filtros.");
    expect(await adminA.html("/admin/audit?actor=gerente-a")).not.toContain("No hay acciones registradas");
    expect(await adminA.html(`/admin/audit?from=2000-01-01&to=2000-01-31`)).toContain("No hay acciones registradas con estos filtros.");
    expect(await adminA.html(`/admin/audit?from=2000-01-01&to=2099-12-31`)).toContain("cola-a-44");
    for (const q of ["action=%3Cscript%3E", "from=2026-02-30", "to=ayer", "from=2026-03-02&to=2026-03-01", `actor=${"x".repeat(101)}`]) {
      const res = await adminA.get(`/admin/audit?${q}`);
      expect({ q, status: res.status }).toEqual({ q, status: 422 });
      expect(await res.text()).not.toContain("<script>");
    }
  });

  test("the operator sees every company and the platform's own lines, or one company", async () => {
    const all = await operator.html("/admin/audit");
    expect(all).toContain("Tercera");
    expect(all).toContain("etiqueta-de-b");
    expect(all).toContain("Plataforma");
    const onlyB = await operator.html(`/admin/audit?company=${b}`);
    expect(onlyB).toContain("etiqueta-de-b");
    expect(onlyB).not.toContain("cola-a-");
    expect((await operator.get("/admin/audit?company=999999")).status).toBe(404);
  });

  test("GET /api/v1/audit: the token's company only, {data,next} pages by cursor, filters", async () => {
    const page = (await (await api(app.app, "GET", "/api/v1/audit?limit=20", tokenA)).json()) as { data: { id: number; action: string; details: { name?: string } }[]; next: number | null };
    expect(page.data.length).toBe(20);
    expect(page.data[0]!.details.name).toBe("cola-a-44");
    expect(page.next).toBe(page.data[19]!.id);
    const ids = new Set<number>();
    let cursor: number | null = null;
    do {
      const res = (await (await api(app.app, "GET", `/api/v1/audit?limit=7${cursor ? `&cursor=${cursor}` : ""}`, tokenA)).json()) as { data: { id: number; details: { name?: string } }[]; next: number | null };
      for (const l of res.data) {
        expect(ids.has(l.id)).toBe(false);
        ids.add(l.id);
        expect(l.details.name ?? "").not.toContain("de-b");
      }
      cursor = res.next;
    } while (cursor !== null);
    expect(ids.size).toBe(45);
    const tags = (await (await api(app.app, "GET", "/api/v1/audit?action=tag", tokenA)).json()) as { data: unknown[] };
    expect(tags.data).toEqual([]);
    expect((await api(app.app, "GET", "/api/v1/audit?from=2026-13-01", tokenA)).status).toBe(422);
    expect((await api(app.app, "GET", "/api/v1/audit", null)).status).toBe(401);
  });

  test("the log is append-only: no route changes or removes a line, and the table refuses it", () => {
    const before = app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM audit_log").get()!.n;
    expect(() => app.db.query("UPDATE audit_log SET actor_name = 'x'").run()).toThrow("append-only");
    expect(() => app.db.query("DELETE FROM audit_log").run()).toThrow("append-only");
    expect(app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM audit_log").get()!.n).toBe(before);
    expect(app.app.routes.filter((r) => r.path.includes("audit") && r.method !== "GET" && r.method !== "HEAD")).toEqual([]);
  });
});

describe("the CLI's changes", () => {
  test("are audited as the OS user who ran them, through the console", () => {
    const dir = mkdtempSync(join(tmpdir(), "charla-audit-cli-"));
    try {
      const env = { ...(process.env as Record<string, string>), DATA_DIR: dir, LOG_LEVEL: "error" };
      const run = (...args: string[]) => {
        const r = Bun.spawnSync(["bun", "core/main.ts", ...args], { cwd: join(import.meta.dir, "../.."), env, stdout: "pipe", stderr: "pipe" });
        expect({ args, code: r.exitCode, err: r.stderr.toString() }).toEqual({ args, code: 0, err: "" });
        return r.stdout.toString().trim();
      };
      run("company", "create", "--name", "Consola", "--slug", "consola");
      const secret = run("token", "create", "--company", "consola", "--name", "erp");
      run("admin", "create", "--username", "jefe", "--password", "clave-de-consola-1", "--company", "consola");
      const db = new Database(join(dir, "charla.db"), { readonly: true });
      const rows = db.query<Row, []>("SELECT * FROM audit_log ORDER BY id").all();
      db.close();
      expect(rows.map((r) => [r.action, r.via])).toEqual([
        ["company.created", "cli"],
        ["token.created", "cli"],
        ["user.created", "cli"],
      ]);
      expect(rows.every((r) => r.actor_name.startsWith("cli"))).toBe(true);
      expect(JSON.stringify(rows)).not.toContain(secret);
      expect(JSON.stringify(rows)).not.toContain("clave-de-consola-1");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
