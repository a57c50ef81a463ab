import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { BillingService } from "../../core/billing/billing-service.ts";
import { T } from "../../core/tokens.ts";
import { wa, type WaCtx } from "../fakes/meta-graph.ts";
import { APP_SECRET, NUMBER_A, startWithMeta, WABA } from "../helpers/meta-setup.ts";
import { settleOutbox } from "../helpers/outbox.ts";
import { RelayProvider } from "../helpers/relay.ts";
import { remoteClient } from "../helpers/spawned-server.ts";

type Json = Record<string, any>;

/**
 * What the company's panel does, through /api/v1 with a company token: each route
 * reuses the panel's service, so the rules (who may see, windows, audit lines) are
 * the same ones.
 */
describe("the panel's actions in the API", () => {
  let env: Awaited<ReturnType<typeof startWithMeta>>;
  let token: string;
  const relay = new RelayProvider();
  let relayChannel: number;
  let n = 0;
  const ctx = (over: Partial<WaCtx> = {}): WaCtx => ({ wabaId: WABA, phoneNumberId: NUMBER_A.phoneNumberId, displayPhoneNumber: NUMBER_A.displayPhoneNumber, from: "16505551234", name: "Sheena Nelson", id: `wamid.t${++n}`, ...over });
  const call = async (method: string, path: string, body?: unknown, expected = 200) => {
    const res = await fetch(`${env.server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = res.status === 204 ? null : ((await res.json()) as Json);
    expect({ path, status: res.status, error: res.status >= 400 ? json?.error : undefined }).toEqual({ path, status: expected, error: undefined });
    return json as Json;
  };
  const failure = async (method: string, path: string, status: number, code: string, body?: unknown) => {
    const res = await fetch(`${env.server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: method === "GET" ? undefined : JSON.stringify(body ?? {}),
    });
    expect({ path, status: res.status, code: ((await res.json()) as Json).error.code }).toEqual({ path, status, code });
  };
  const db = () => env.server.db;

  beforeAll(async () => {
    env = await startWithMeta();
    token = env.server.makeToken(env.server.companyId, "write");
    relayChannel = env.server.makeRelayChannel(env.server.companyId, relay.start());
  });
  afterAll(async () => {
    await env.stop();
    relay.stop();
  });

  test("conversations: take for a user, assign, close, reopen; retry a failed answer", async () => {
    const company = env.server.companyId;
    const queue = env.server.makeQueue(company, "ventas");
    const ana = await env.server.makeUser(company, "ana", "agent", [queue]);
    const beto = await env.server.makeUser(company, "beto", "agent", []);
    await env.server.webhook(relayChannel, { messages: [{ id: "in-1", from: "573001110001", text: "hola" }] });
    const conv = db().query<{ id: number }, []>("SELECT id FROM conversations ORDER BY id DESC").get()!.id;
    // An agent takes only what they can see: Beto is in no queue of it.
    await failure("POST", `/api/v1/conversations/${conv}/take`, 404, "not_found", { userId: beto });
    await call("PATCH", `/api/v1/channels/${relayChannel}`, { queueId: queue });
    db().query("UPDATE conversations SET queue_id = ? WHERE id = ?").run(queue, conv);
    expect(await call("POST", `/api/v1/conversations/${conv}/take`, { userId: ana })).toMatchObject({ assigneeId: ana, status: "open" });
    // The inbox's "taken by" line, with the user's name.
    expect(JSON.parse(db().query<{ p: string }, [number]>("SELECT payload AS p FROM messages WHERE conversation_id = ? AND author = 'system' ORDER BY id DESC").get(conv)!.p)).toEqual({ event: "taken", by: "Name ana" });
    expect(await call("POST", `/api/v1/conversations/${conv}/assign`, { assigneeId: beto })).toMatchObject({ assigneeId: beto, queueId: queue });
    await failure("POST", `/api/v1/conversations/${conv}/assign`, 422, "validation_failed", { assigneeId: 999999 });
    expect((await call("POST", `/api/v1/conversations/${conv}/close`, { note: "listo" })).status).toBe("closed");
    await failure("POST", `/api/v1/conversations/${conv}/messages`, 409, "conversation_closed", { text: "x" });
    expect((await call("POST", `/api/v1/conversations/${conv}/reopen`)).status).toBe("open");

    relay.script = [{ status: 400, error: "number does not exist" }];
    const sent = await call("POST", `/api/v1/conversations/${conv}/messages`, { text: "¿sigue ahí?" }, 201);
    await settleOutbox(env.server);
    const failed = await call("GET", `/api/v1/messages/${sent.id}`);
    expect(failed.status).toBe("failed");
    expect(failed.error).toBeString();
    expect((await call("POST", `/api/v1/messages/${sent.id}/retry`)).status).toBe("pending");
    await settleOutbox(env.server);
    expect((await call("GET", `/api/v1/messages/${sent.id}`)).status).toBe("sent");
    await failure("POST", `/api/v1/messages/${sent.id}/retry`, 409, "not_retryable");
  });

  test("WhatsApp: templates listed and synced, a template sent, a reaction; relay channels have no templates", async () => {
    env.meta.addTemplate(WABA, { name: "pedido_listo", language: "es", body: "Hola {{1}}, tu pedido {{2}} está listo" });
    env.meta.addTemplate(WABA, { name: "borrador", language: "es", status: "PENDING", body: "No aprobado" });
    const channel = env.whatsapp(env.server.companyId);
    expect(await call("POST", `/api/v1/channels/${channel.id}/templates/sync`)).toEqual({ synced: 2 });
    const list = await call("GET", `/api/v1/channels/${channel.id}/templates`);
    expect(list.data.map((t: Json) => `${t.name}:${t.status}`)).toEqual(["borrador:PENDING", "pedido_listo:APPROVED"]);
    await failure("POST", `/api/v1/channels/${relayChannel}/templates/sync`, 409, "no_templates");
    expect((await call("POST", `/api/v1/channels/${channel.id}/test`)).ok).toBe(true);

    await env.meta.deliver(channel.webhookUrl, wa.text(ctx({ id: "wamid.first" }), "hola"), { appSecret: APP_SECRET, retries: 0 });
    const inbound = db().query<{ id: number; conversation_id: number }, []>("SELECT id, conversation_id FROM messages WHERE external_id = 'wamid.first'").get()!;
    env.meta.clear();
    const reaction = await call("POST", `/api/v1/messages/${inbound.id}/reactions`, { emoji: "👍" }, 201);
    expect(reaction).toMatchObject({ kind: "reaction", text: "👍" });
    await failure("POST", `/api/v1/conversations/${inbound.conversation_id}/template`, 422, "validation_failed", { name: "pedido_listo", language: "es", parameters: ["Sheena"] });
    const template = await call("POST", `/api/v1/conversations/${inbound.conversation_id}/template`, { name: "pedido_listo", language: "es", parameters: ["Sheena", "#123"] }, 201);
    expect(template).toMatchObject({ kind: "template", text: "Hola Sheena, tu pedido #123 está listo" });
    const sent = await env.meta.waitForSent(2, NUMBER_A.phoneNumberId);
    expect(sent.map((m) => m.type).sort()).toEqual(["reaction", "template"]);
  });

  test("channels: disable and enable", async () => {
    expect((await call("POST", `/api/v1/channels/${relayChannel}/disable`)).status).toBe("disabled");
    expect((await call("POST", `/api/v1/channels/${relayChannel}/enable`)).status).toBe("active");
  });

  test("contacts: block and unblock, delete a note (only under its own contact), erase removed values", async () => {
    const contact = await call("POST", "/api/v1/contacts", { name: "Ana", phone: "3001112233" }, 201);
    const other = await call("POST", "/api/v1/contacts", { name: "Beto" }, 201);
    expect((await call("POST", `/api/v1/contacts/${contact.id}/block`)).blocked).toBe(true);
    expect((await call("POST", `/api/v1/contacts/${contact.id}/unblock`)).blocked).toBe(false);
    const note = await call("POST", `/api/v1/contacts/${contact.id}/notes`, { text: "llamar en la tarde" }, 201);
    await failure("DELETE", `/api/v1/contacts/${other.id}/notes/${note.id}`, 404, "not_found");
    await call("DELETE", `/api/v1/contacts/${contact.id}/notes/${note.id}`, undefined, 204);
    expect((await call("GET", `/api/v1/contacts/${contact.id}/notes`)).data).toEqual([]);

    const field = await call("POST", "/api/v1/fields", { key: "talla", label: "Talla", type: "text" }, 201);
    await call("PATCH", `/api/v1/contacts/${contact.id}`, { fields: { talla: "M" } });
    await failure("POST", `/api/v1/fields/${field.id}/purge`, 409, "field_in_template");
    await call("DELETE", `/api/v1/fields/${field.id}`, undefined, 204);
    const kept = () => db().query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM contact_values WHERE field_id = ?").get(field.id)!.n;
    expect(kept()).toBe(1);
    await call("DELETE", `/api/v1/contacts/${contact.id}/removed-values`, undefined, 204);
    expect(kept()).toBe(0);
    await call("POST", `/api/v1/fields/${field.id}/purge`, undefined, 204);
    expect(db().query("SELECT id FROM contact_fields WHERE id = ?").get(field.id)).toBeNull();
  });

  test("users: deactivate, activate, reset the password (shown once; they must choose their own)", async () => {
    const user = await call("POST", "/api/v1/users", { username: "carla", name: "Carla", password: "password-123", role: "agent" }, 201);
    expect((await call("POST", `/api/v1/users/${user.id}/deactivate`)).active).toBe(false);
    expect((await call("POST", `/api/v1/users/${user.id}/activate`)).active).toBe(true);
    const reset = await call("POST", `/api/v1/users/${user.id}/reset-password`);
    expect(reset.userId).toBe(user.id);
    expect(reset.password).toMatch(/^[A-Za-z0-9]{12,}$/);
    await remoteClient(env.server.url).login("carla", reset.password);
    expect(db().query<{ m: number }, [number]>("SELECT must_change_password AS m FROM users WHERE id = ?").get(user.id)!.m).toBe(1);
  });

  test("bots: copy, disable and enable, restore an earlier version", async () => {
    const bot = await call("POST", "/api/v1/bots", { name: "Bienvenida", steps: [{ priority: 1, type: "say", text: "versión 1" }] }, 201);
    await call("POST", `/api/v1/bots/${bot.id}/publish`);
    await call("PUT", `/api/v1/bots/${bot.id}`, { name: "Bienvenida", steps: [{ priority: 1, type: "say", text: "versión 2" }] });
    const [v1] = (await call("GET", `/api/v1/bots/${bot.id}/versions`)).data;
    expect((await call("POST", `/api/v1/bots/${bot.id}/versions/${v1.id}/restore`)).steps[0].text).toBe("versión 1");
    const copy = await call("POST", `/api/v1/bots/${bot.id}/copy`, undefined, 201);
    expect(copy).toMatchObject({ name: "Bienvenida (copia)", enabled: false, channelIds: [] });
    expect((await call("POST", `/api/v1/bots/${copy.id}/enable`)).enabled).toBe(true);
    expect((await call("POST", `/api/v1/bots/${copy.id}/disable`)).enabled).toBe(false);
  });

  test("billing: the monthly statement and the low-balance threshold", async () => {
    const company = env.server.companyId;
    env.server.container.resolve<BillingService>(T.BillingService).recharge({ companyId: company, amount: "230000", date: "2026-01-10", method: "nequi", reference: "R1", note: "" }, "op");
    const statement = await call("GET", "/api/v1/statement?month=2026-01");
    expect(statement).toMatchObject({ month: "2026-01", currency: "COP", opening: 0, recharges: 23_000_000, closing: 23_000_000 });
    expect(await call("GET", "/api/v1/statement?month=2025-12")).toMatchObject({ opening: 0, recharges: 0, closing: 0 });
    await failure("GET", "/api/v1/statement?month=2026-13", 422, "validation_failed");
    expect(await call("PATCH", "/api/v1/balance", { lowBalanceThreshold: 5_000_000 })).toMatchObject({ lowBalanceThreshold: 5_000_000 });
    expect(await call("PATCH", "/api/v1/balance", { lowBalanceThreshold: null })).toMatchObject({ lowBalanceThreshold: null });
  });

  test("operator-only actions stay out of reach of a company token", async () => {
    for (const [method, path] of [
      ["POST", "/api/v1/recharges"],
      ["POST", "/api/v1/rates"],
      ["GET", "/api/v1/companies"],
      ["POST", "/api/v1/tokens"],
    ] as const) {
      const res = await fetch(`${env.server.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });
});
