import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { BillingService } from "../../core/billing/billing-service.ts";
import type { TemplateRepository } from "../../core/channels/template-repository.ts";
import type { WebhookService } from "../../core/outbound-webhooks/webhook-service.ts";
import { T } from "../../core/tokens.ts";
import { api } from "../helpers/client.ts";
import { relayConversation } from "../helpers/outbox.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

type Json = Record<string, any>;

/**
 * Every list of the API, found in the OpenAPI document (a GET answering
 * `{"data","next"}`), walked one item per page over at least two items: each item
 * is seen exactly once, the last page says next null, and every page matches the
 * documented schema.
 */
describe("every list pages with ?limit= and ?cursor=", () => {
  let app: TestApp;
  let token: string;
  let doc: Json;
  const ids: Record<string, number> = {};
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await api(app.app, method, path, token, body);
    expect({ path, status: res.status }).toEqual({ path, status: method === "POST" ? 201 : 200 });
    return (await res.json()) as Json;
  };

  beforeAll(async () => {
    app = await createTestApp();
    const company = app.companyId;
    token = app.makeToken(company, "write");
    const scope = { companyId: company, userId: null, role: "admin" as const };
    const queue = app.makeQueue(company, "ventas");
    app.makeQueue(company, "soporte");
    await app.makeUser(company, "ana", "agent", [queue]);
    await app.makeUser(company, "beto", "agent", [queue]);
    ids.channel = app.makeRelayChannel(company, "http://127.0.0.1:9/x", queue);
    app.makeRelayChannel(company, "http://127.0.0.1:9/y", queue);
    ids.conversation = await relayConversation(app, ids.channel, "573001110001");
    await relayConversation(app, ids.channel, "573001110002");
    await call("POST", `/api/v1/conversations/${ids.conversation}/messages`, { text: "respuesta" });
    ids.contact = (await call("GET", `/api/v1/conversations/${ids.conversation}`)).contact.id;
    for (const text of ["nota 1", "nota 2"]) await call("POST", `/api/v1/contacts/${ids.contact}/notes`, { text });
    for (const key of ["cedula", "ciudad"]) await call("POST", "/api/v1/fields", { key, label: key, type: "text" });
    for (const name of ["VIP", "Mayorista"]) await call("POST", "/api/v1/tags", { name, color: "#112233" });
    for (const key of ["sl", "dp"]) await call("POST", "/api/v1/responses", { name: key, key, text: "hola" });
    ids.bot = (await call("POST", "/api/v1/bots", { name: "uno", steps: [{ priority: 1, type: "say", text: "hola" }] })).id;
    await call("POST", "/api/v1/bots", { name: "dos", steps: [{ priority: 1, type: "say", text: "hola" }] });
    for (let i = 0; i < 2; i++) expect((await api(app.app, "POST", `/api/v1/bots/${ids.bot}/publish`, token)).status).toBe(200);
    const billing = app.container.resolve<BillingService>(T.BillingService);
    for (const reference of ["R1", "R2"]) billing.recharge({ companyId: company, amount: "10000", date: "2026-01-10", method: "nequi", reference, note: "" }, "test");
    // Two charges as the usage meter writes them (a priced WhatsApp message each).
    for (const ref of [1, 2]) {
      app.db
        .query("INSERT INTO ledger_entries (company_id, kind, amount, currency, value_date, usage_kind, quantity, ref_type, ref_id, created_by, created_at) VALUES (?, 'usage', -45, 'COP', '2026-01-15', 'whatsapp.utility', 1, 'message', ?, 'meter', ?)")
        .run(company, ref, Date.UTC(2026, 0, 15));
    }
    const template = (name: string) => ({ name, language: "es", category: "UTILITY", status: "APPROVED", body: "Hola {{1}}", parameterCount: 1, raw: null });
    app.container.resolve<TemplateRepository>(T.TemplateRepository).replace(ids.channel, [template("pedido_listo"), template("pago_recibido")], Date.now());
    const webhooks = app.container.resolve<WebhookService>(T.WebhookService);
    ids.webhook = webhooks.create(scope, { url: "https://hooks.example.com/a", events: ["message.received"] }, "test").subscription.id;
    webhooks.create(scope, { url: "https://hooks.example.com/b", events: ["message.received"] }, "test");
    for (let i = 0; i < 2; i++) await webhooks.test(scope, ids.webhook);
    doc = (await (await app.app.handle(new Request("http://localhost/api/v1/openapi.json"))).json()) as Json;
  });
  afterAll(() => app.close());

  /** The id a list's path parameter names: the resource its path is under. */
  const fill = (path: string) =>
    path.replace("{id}", () => {
      const owner = Object.keys(ids).find((k) => path.startsWith(`/api/v1/${k}s/`) || path.startsWith(`/api/v1/${k === "channel" ? "channels" : k}/`));
      if (!owner) throw new Error(`no seed for ${path}`);
      return String(ids[owner]);
    });

  test("walking each list one item at a time shows every item exactly once, and only the last page has next null", async () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    const lists = Object.entries(doc.paths as Json)
      .filter(([, ops]) => ops.get?.responses?.["200"]?.content?.["application/json"]?.schema?.properties?.next)
      .map(([path, ops]) => ({ path, schema: ops.get.responses["200"].content["application/json"].schema }));
    expect(lists.length).toBeGreaterThanOrEqual(16);
    const walked: Record<string, number> = {};
    for (const { path, schema } of lists) {
      const validate = ajv.compile(schema);
      const url = fill(path);
      const all = await call("GET", url);
      expect({ path, atLeastTwo: all.data.length >= 2 }).toEqual({ path, atLeastTwo: true });
      expect({ path, next: all.next }).toEqual({ path, next: null });
      const seen: string[] = [];
      let cursor: unknown = null;
      for (let page = 0; page < 1000; page++) {
        const sep = url.includes("?") ? "&" : "?";
        const body = await call("GET", `${url}${sep}limit=1${cursor === null ? "" : `&cursor=${encodeURIComponent(String(cursor))}`}`);
        if (!validate(body)) throw new Error(`${path}: ${ajv.errorsText(validate.errors)}`);
        expect({ path, size: body.data.length }).toEqual({ path, size: 1 });
        seen.push(JSON.stringify(body.data[0]));
        cursor = body.next;
        if (cursor === null) break;
      }
      expect({ path, seen: seen.sort() }).toEqual({ path, seen: all.data.map((x: unknown) => JSON.stringify(x)).sort() });
      walked[path] = seen.length;
    }
    console.log(`walked ${Object.keys(walked).length} lists one item per page: ${Object.entries(walked).map(([p, n]) => `${p.replace("/api/v1", "")} ${n}`).join(", ")}`);
  });

  test("limit is 1 to 200 (default 50); a cursor that is not one is a 4xx", async () => {
    for (const q of ["limit=0", "limit=201", "limit=abc", "limit=1.5"]) {
      const res = await api(app.app, "GET", `/api/v1/queues?${q}`, token);
      expect({ q, status: res.status }).toEqual({ q, status: 422 });
    }
    expect((await call("GET", "/api/v1/queues?limit=200")).data.length).toBe(2);
    for (const path of ["/api/v1/fields?cursor=bm9wZQ", `/api/v1/channels/${ids.channel}/templates?cursor=WzFd`, "/api/v1/fields?cursor=***", "/api/v1/conversations?cursor=abc"]) {
      const res = await api(app.app, "GET", path, token);
      expect({ path, status: res.status }).toEqual({ path, status: 422 });
      expect(((await res.json()) as Json).error.code).toBe("validation_failed");
    }
  });
});
