import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { api } from "../helpers/client.ts";
import type { Client } from "../helpers/client.ts";
import { createTestApp, RELAY_TOKEN, type TestApp } from "../helpers/test-app.ts";

describe("Canales: channels in the panel", () => {
  let app: TestApp;
  let admin: Client;
  beforeAll(async () => {
    app = await createTestApp();
    await app.makeUser(app.companyId, "jefa", "admin", [], "es");
    admin = app.client();
    await admin.login("jefa", "password-123");
  });
  afterAll(() => app.close());

  test("the first company already has a web chat channel with its page and one-line embed", async () => {
    const list = await admin.html("/admin/channels");
    expect(list).toContain("Canales de la empresa");
    expect(list).toContain("Web chat");
    const id = app.db.query<{ id: number }, []>("SELECT id FROM channels WHERE plugin_id = 'webchat'").get()!.id;
    const page = await admin.html(`/admin/channels/${id}`);
    expect(page).toContain(`http://localhost:3000/chat/${id}`);
    expect(page).toContain(`&lt;script src=&quot;http://localhost:3000/chat/${id}/widget.js&quot; async&gt;&lt;/script&gt;`);
    // The web chat posts to its webhook by itself: admins are not shown a URL they have no use for.
    expect(page).not.toContain(`http://localhost:3000/webhooks/${id}`);
    // The settings form is drawn from the plugin's schema.
    expect(page).toContain('name="config.title"');
    expect(page).toContain('name="config.askName"');
  });

  test("create a channel from a plugin; errors inline; secrets encrypted at rest and never shown back", async () => {
    const q = app.makeQueue(app.companyId, "ventas");
    const form = await admin.html("/admin/channels/new?plugin=http-relay");
    expect(form).toContain('name="config.endpoint"');
    expect(form).toContain('type="password" name="config.token"');
    const bad = await admin.post("/admin/channels?plugin=http-relay", { name: "", queueId: String(q), reopenWindowMinutes: "0", "config.endpoint": "" });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Escriba un nombre de hasta 60 caracteres.");
    expect(html).toContain("Este campo es obligatorio.");
    expect(app.db.query("SELECT COUNT(*) AS n FROM channels WHERE plugin_id = 'http-relay'").get()).toEqual({ n: 0 });

    const ok = await admin.post("/admin/channels?plugin=http-relay", {
      name: "Relay",
      queueId: String(q),
      reopenWindowMinutes: "15",
      "config.endpoint": "http://127.0.0.1:9/send",
      "config.token": RELAY_TOKEN,
    });
    expect(ok.status).toBe(303);
    const row = app.db.query<{ id: number; config_json: string; secrets_sealed: string }, []>("SELECT id, config_json, secrets_sealed FROM channels WHERE plugin_id = 'http-relay'").get()!;
    expect(JSON.parse(row.config_json)).toEqual({ endpoint: "http://127.0.0.1:9/send" });
    expect(row.secrets_sealed).toStartWith("v1.");
    expect(row.secrets_sealed).not.toContain(RELAY_TOKEN);
    const page = await admin.html(`/admin/channels/${row.id}`);
    expect(page).not.toContain(RELAY_TOKEN);
    expect(page).toContain("Guardado (••••). Déjelo en blanco para conservarlo.");
    // Saving with the secret left blank keeps it: webhooks signed with it still verify.
    expect((await admin.post(`/admin/channels/${row.id}`, { name: "Relay 2", queueId: String(q), reopenWindowMinutes: "15", "config.endpoint": "http://127.0.0.1:9/send", "config.token": "" })).status).toBe(303);
    expect((await app.webhook(row.id, { messages: [{ id: "r1", from: "1", text: "hola" }] })).status).toBe(200);
    const token = app.makeToken(app.companyId);
    const json = (await (await api(app.app, "GET", `/api/v1/channels/${row.id}`, token)).json()) as { config: Record<string, string>; name: string };
    expect(json).toMatchObject({ name: "Relay 2", config: { endpoint: "http://127.0.0.1:9/send", token: "••••oken" } });
  });

  test("the WhatsApp settings form speaks the admin's language", async () => {
    const es = await admin.html("/admin/channels/new?plugin=whatsapp-cloud");
    expect(es).toContain("Token de acceso");
    await app.makeUser(app.companyId, "boss-en", "admin", [], "en");
    const en = app.client();
    await en.login("boss-en", "password-123");
    const html = await en.html("/admin/channels/new?plugin=whatsapp-cloud");
    expect(html).toContain("Access token");
    expect(html).toContain('type="password" name="config.appSecret"');
    expect(html).not.toContain("Token de acceso");
  });

  test("agents cannot reach channel administration", async () => {
    await app.makeUser(app.companyId, "agente", "agent");
    const agent = app.client();
    await agent.login("agente", "password-123");
    expect((await agent.get("/admin/channels")).status).toBe(403);
  });
});
