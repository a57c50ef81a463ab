import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import type { Client } from "../helpers/client.ts";

const form = (over: Record<string, string | string[]> = {}) => ({
  username: "fulanito",
  name: "Fulanito De Tal",
  password: "secreto-123",
  passwordConfirm: "secreto-123",
  role: "agent",
  extension: "101",
  language: "es",
  ...over,
});

describe("Usuarios in the panel", () => {
  let app: TestApp;
  let op: Client;
  let contabilidad: number;
  let ventas: number;
  const userCount = () => app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM users").get()!.n;
  const linkCount = () => app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM user_queues").get()!.n;

  beforeAll(async () => {
    app = await createTestApp();
    op = await app.operator();
    contabilidad = app.makeQueue(app.companyId, "contabilidad");
    ventas = app.makeQueue(app.companyId, "ventas");
  });
  afterAll(() => app.close());

  test("the form has exactly the manual's fields", async () => {
    const html = await op.html("/admin/users/new");
    for (const label of ["Usuario (inicio de sesión)", "Nombre", "Contraseña", "Repite contraseña", "Rol", "Extensión telefónica", "Asignar cola", "Idioma"]) {
      expect(html).toContain(label);
    }
    for (const role of ["Administrador", "Supervisor", "Agente"]) expect(html).toContain(role);
    expect(html).toContain("Español");
    expect(html).toContain("English");
    expect(html).toContain("contabilidad");
  });

  test("create a user in two queues; the list shows the manual's columns", async () => {
    const res = await op.post("/admin/users", form({ queueIds: [String(contabilidad), String(ventas)] }));
    expect(res.status).toBe(303);
    const html = await op.html("/admin/users");
    for (const col of ["Cliente", "Usuario", "Rol", "Colas", "Extensión", "Idioma", "Acciones"]) expect(html).toContain(`<th>${col}</th>`);
    expect(html).toContain("Mi Empresa");
    expect(html).toContain("fulanito");
    expect(html).toContain("contabilidad, ventas");
    expect(html).toContain("101");
    expect(html).toContain("Agente");
    expect(html).toContain("Desactivar");
    expect(html).toContain("Restablecer contraseña");
    const row = app.db.query<{ password_hash: string }, []>("SELECT password_hash FROM users WHERE username = 'fulanito'").get()!;
    expect(row.password_hash).toStartWith("$argon2id$");
  });

  test("errors show inline, all at once, and nothing half-saved remains", async () => {
    const users = userCount();
    const links = linkCount();
    const res = await op.post("/admin/users", form({ username: "fulanito", name: " ", passwordConfirm: "otra-cosa-1", queueIds: [String(ventas)] }));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Ese usuario ya existe.");
    expect(html).toContain("Escriba el nombre.");
    expect(html).toContain("Las contraseñas no coinciden.");
    expect(html).not.toContain("secreto-123"); // passwords are never echoed back
    expect(userCount()).toBe(users);
    expect(linkCount()).toBe(links);
  });

  test("a queue of another company cannot be assigned", async () => {
    const other = app.makeCompany("otra");
    const foreign = app.makeQueue(other, "ajena");
    const users = userCount();
    const res = await op.post("/admin/users", form({ username: "colado", queueIds: [String(foreign)] }));
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Alguna cola elegida no existe.");
    expect(userCount()).toBe(users);
  });

  test("an English-speaking admin gets the same errors in English", async () => {
    await app.makeUser(app.companyId, "boss", "admin", [], "en");
    const c = app.client();
    await c.login("boss", "password-123");
    const res = await c.post("/admin/users", form({ username: "x", password: "short", passwordConfirm: "short" }));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("The username needs 3 to 50 letters");
    expect(html).toContain("The password needs at least 8 characters.");
    expect(html).toContain("Repeat password");
  });

  test("edit keeps the password when left blank and changes queues", async () => {
    const id = app.db.query<{ id: number }, []>("SELECT id FROM users WHERE username = 'fulanito'").get()!.id;
    const edit = await op.html(`/admin/users/${id}/edit`);
    expect(edit).toContain("Déjela en blanco para conservar la actual.");
    const res = await op.post(`/admin/users/${id}`, form({ password: "", passwordConfirm: "", queueIds: [String(ventas)], language: "en" }));
    expect(res.status).toBe(303);
    const c = app.client();
    await c.login("fulanito", "secreto-123");
    expect(await c.html("/account")).toContain("Your queues: ventas");
  });

  test("deactivate, activate and reset password", async () => {
    const id = app.db.query<{ id: number }, []>("SELECT id FROM users WHERE username = 'fulanito'").get()!.id;
    expect((await op.post(`/admin/users/${id}/deactivate`)).status).toBe(303);
    expect(await op.html("/admin/users")).toContain("Usuario desactivado: Fulanito De Tal");
    expect((await app.client().post("/login", { username: "fulanito", password: "secreto-123" })).status).toBe(401);
    expect((await op.post(`/admin/users/${id}/activate`)).status).toBe(303);

    const reset = await op.post(`/admin/users/${id}/reset-password`);
    expect(reset.status).toBe(200);
    const password = (await reset.text()).match(/id="new-password">([^<]+)</)![1]!;
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect((await app.client().post("/login", { username: "fulanito", password: "secreto-123" })).status).toBe(401);
    await app.client().login("fulanito", password);
  });

  test("an admin cannot deactivate themself or change their own role", async () => {
    const id = await app.makeUser(app.companyId, "selfie", "admin");
    const c = app.client();
    await c.login("selfie", "password-123");
    const res = await c.post(`/admin/users/${id}/deactivate`);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("No puede desactivar su propio usuario.");
    const role = await c.post(`/admin/users/${id}`, form({ username: "selfie", password: "", passwordConfirm: "", role: "agent" }));
    expect(role.status).toBe(422);
    expect(await role.text()).toContain("No puede cambiar su propio rol.");
  });
});
