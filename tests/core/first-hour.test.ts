import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { api, type Client } from "../helpers/client.ts";
import { createTestApp, ADMIN_PASSWORD, type TestApp } from "../helpers/test-app.ts";

/** The newcomer walk-through's smaller findings, each as the panel or the API answers it. */
describe("first hour: the small things", () => {
  let app: TestApp;
  let admin: Client;
  let ventas: number;
  let channel: number;

  beforeAll(async () => {
    app = await createTestApp();
    ventas = app.makeQueue(app.companyId, "ventas", "manual");
    channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", ventas);
    await app.makeUser(app.companyId, "jefa", "admin");
    admin = app.client();
    await admin.login("jefa", "password-123");
  });
  afterAll(() => app.close());

  test("a page past the end shows the last page; an empty list says what to do next", async () => {
    for (let i = 0; i < 25; i++) app.makeQueue(app.companyId, `q-${String(i).padStart(2, "0")}`);
    const page = await admin.html("/admin/queues?page=99");
    expect(page).toContain("Página 2 de 2");
    expect(page).not.toContain("Página 99");
    const other = app.makeCompany("vacia");
    const op = await app.operator();
    await op.post("/session/company", { companyId: String(other) });
    expect(await op.html("/admin/users")).toContain("Aún no hay usuarios en esta empresa.");
    expect(await op.html("/admin/queues")).toContain("Aún no hay colas.");
  });

  test("Canales names each channel's queue and says what plugins can do in words", async () => {
    const page = await admin.html("/admin/channels");
    expect(page).toContain("<span>ventas</span>");
    expect(page).not.toContain(">✓<");
    expect(page).toContain("texto, archivos, ubicaciones");
    expect(page).not.toContain("read_receipts");
  });

  test("allowed sites must be full addresses; the reason names the fix", async () => {
    const token = app.makeToken(app.companyId);
    const webchat = app.db.query<{ id: number }, []>("SELECT id FROM channels WHERE plugin_id = 'webchat'").get()!.id;
    const res = await api(app.app, "PATCH", `/api/v1/channels/${webchat}`, token, { config: { allowedOrigins: "mitienda.com" } });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { fields: Record<string, string> } };
    expect(body.error.fields["config.allowedOrigins"]).toContain("https://");
    expect((await api(app.app, "PATCH", `/api/v1/channels/${webchat}`, token, { config: { allowedOrigins: "https://mitienda.com, https://www.mitienda.com" } })).status).toBe(200);
  });

  test("a WhatsApp id that is not digits gets its own message, in the admin's language", async () => {
    const token = app.makeToken(app.companyId);
    const res = await api(app.app, "POST", "/api/v1/channels", token, { plugin: "whatsapp-cloud", name: "WA", config: { phoneNumberId: "+57 300", wabaId: "1", accessToken: "t", appSecret: "s" } }, { "accept-language": "es" });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { fields: Record<string, string> } }).error.fields["config.phoneNumberId"]).toStartWith("El id del número son solo dígitos");
  });

  test("a chat address that serves no chat is an HTML page in the visitor's language, not a download", async () => {
    const whatsapp = app.db.query<{ id: number }, []>("SELECT id FROM channels WHERE plugin_id = 'http-relay'").get()!.id;
    for (const path of ["/chat/999", `/chat/${whatsapp}`]) {
      const res = await app.app.handle(new Request(`http://localhost${path}`, { headers: { "accept-language": "en-US,en;q=0.9" } }));
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(await res.text()).toContain("This chat does not exist or is no longer available.");
    }
    const es = await app.app.handle(new Request("http://localhost/chat/999"));
    expect(await es.text()).toContain("Este chat no existe o ya no está disponible.");
  });

  test("switching Conectado from En espera stays on En espera; switching company stays in the section", async () => {
    const agentId = await app.makeUser(app.companyId, "ana", "agent", [ventas]);
    const ana = app.client();
    await ana.login("ana", "password-123");
    const res = await ana.post("/inbox/presence", { online: "1", back: "/inbox?tab=waiting" });
    expect(res.headers.get("location")).toBe("/inbox?tab=waiting");
    // Nowhere else, though: a foreign "back" lands on the inbox.
    expect((await ana.post("/inbox/presence", { online: "0", back: "https://evil.example/" })).headers.get("location")).toBe("/inbox");
    expect(agentId).toBeGreaterThan(0);
    const op = await app.operator();
    const other = app.makeCompany("otra");
    const sw = await op.post("/session/company", { companyId: String(other), back: "/admin/queues/5/edit" });
    expect(sw.headers.get("location")).toBe("/admin/queues");
  });

  test("agents land on the inbox; admins see a setup checklist that ticks itself", async () => {
    const ana = app.client();
    await ana.login("ana", "password-123");
    expect((await ana.get("/")).headers.get("location")).toBe("/inbox");
    const c = app.makeCompany("nueva");
    await app.makeUser(c, "duena", "admin");
    const owner = app.client();
    await owner.login("duena", "password-123");
    let home = await owner.html("/");
    expect(home).toContain("Primeros pasos: faltan 4");
    app.makeQueue(c, "soporte");
    home = await owner.html("/");
    expect(home).toContain("Primeros pasos: faltan 3");
    expect(home).toMatch(/<li class="done" data-step="queue">/);
  });

  test("Desactivar asks first; the waiting time shows an icon, not an emoji", async () => {
    expect(await admin.html("/admin/users")).toContain("¿Desactivar a Name ana? No podrá entrar");
    await app.webhook(channel, { messages: [{ id: "w1", from: "573999", text: "espero" }] });
    const list = await admin.html("/inbox?tab=all");
    expect(list).not.toContain("⏱");
    expect(list).toContain('<span class="waiting"');
  });

  test("deleting a queue says what it holds; its conversations still going can move to another queue", async () => {
    const token = app.makeToken(app.companyId);
    const soporte = app.makeQueue(app.companyId, "soporte-tmp", "manual");
    const ch = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", soporte);
    await app.webhook(ch, { messages: [{ id: "d1", from: "573777", text: "ayuda" }] });
    const conv = app.db.query<{ id: number }, []>("SELECT conversation_id AS id FROM messages WHERE external_id = 'd1'").get()!.id;
    const page = await admin.html(`/admin/queues/${soporte}/delete`);
    expect(page).toContain("Tiene 0 miembros y 1 conversaciones en curso.");
    expect(page).toContain("Pasan a la cola ventas");
    const res = await admin.post(`/admin/queues/${soporte}/delete`, { moveTo: String(ventas) });
    expect(res.status).toBe(303);
    expect(app.db.query<{ q: number }, [number]>("SELECT queue_id AS q FROM conversations WHERE id = ?").get(conv)!.q).toBe(ventas);
    // The API the same way; a bad target changes nothing.
    const again = app.makeQueue(app.companyId, "otra-tmp");
    expect((await api(app.app, "DELETE", `/api/v1/queues/${again}?moveTo=${again}`, token)).status).toBe(422);
    expect((await api(app.app, "DELETE", `/api/v1/queues/${again}?moveTo=${ventas}`, token)).status).toBe(204);
  });

  test("Mi cuenta changes the user's own password; a wrong current one changes nothing", async () => {
    await app.makeUser(app.companyId, "cami", "agent");
    const cami = app.client();
    await cami.login("cami", "password-123");
    const other = app.client();
    await other.login("cami", "password-123");
    let res = await cami.post("/account/password", { currentPassword: "equivocada", password: "nueva-clave-1", passwordConfirm: "nueva-clave-1" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("La contraseña actual no es correcta.");
    res = await cami.post("/account/password", { currentPassword: "password-123", password: "nueva-clave-1", passwordConfirm: "otra" });
    expect(await res.text()).toContain("Las contraseñas no coinciden.");
    res = await cami.post("/account/password", { currentPassword: "password-123", password: "nueva-clave-1", passwordConfirm: "nueva-clave-1" });
    expect(res.status).toBe(303);
    // This session stays; the other one ended.
    expect((await cami.get("/account")).status).toBe(200);
    expect((await other.get("/account")).headers.get("location")).toStartWith("/login");
    const fresh = app.client();
    await fresh.login("cami", "nueva-clave-1");
  });

  test("after an admin's reset the user must choose their own password before anything else", async () => {
    const id = app.db.query<{ id: number }, []>("SELECT id FROM users WHERE username = 'cami'").get()!.id;
    const reset = await admin.post(`/admin/users/${id}/reset-password`);
    const password = /id="new-password">([^<]+)</.exec(await reset.text())![1]!;
    const cami = app.client();
    await cami.login("cami", password);
    const inbox = await cami.get("/inbox");
    expect(inbox.headers.get("location")).toBe("/account?must=1");
    expect(await cami.html("/account?must=1")).toContain("Un administrador restableció su contraseña");
    expect((await cami.post("/account/password", { currentPassword: password, password: "mi-clave-propia", passwordConfirm: "mi-clave-propia" })).status).toBe(303);
    expect((await cami.get("/inbox")).status).toBe(200);
  });

  test("the API docs link back to the panel and speak the user's language", async () => {
    await app.makeUser(app.companyId, "english-admin", "admin", [], "en");
    const en = app.client();
    await en.login("english-admin", "password-123");
    const docs = await en.html("/api/docs");
    expect(docs).toContain('<html lang="en"');
    expect(docs).toContain('id="back-to-panel"');
    const op = await app.operator();
    expect(await op.html("/api/docs")).toContain('<html lang="es"');
    expect(ADMIN_PASSWORD.length).toBeGreaterThan(0);
  });
});
