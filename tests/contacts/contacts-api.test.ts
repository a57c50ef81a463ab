import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { api, type Client } from "../helpers/client.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/** The JSON API for fields, tags and contacts (CONTRACT.md shapes), and who may do what in the panel. */
describe("contacts: API shapes, search, filters and roles", () => {
  let app: TestApp;
  let token: string;
  let agent: Client;
  let admin: Client;
  let relay: number;
  const call = (method: string, path: string, json?: unknown) => api(app.app, method, path, token, json);
  const body = async <T = Record<string, unknown>>(res: Response | Promise<Response>) => (await (await res).json()) as T;

  beforeAll(async () => {
    app = await createTestApp();
    token = app.makeToken(app.companyId);
    const q = app.makeQueue(app.companyId, "ventas");
    relay = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", q);
    await app.makeUser(app.companyId, "ana", "agent", [q]);
    await app.makeUser(app.companyId, "gerente", "admin");
    agent = app.client();
    await agent.login("ana", "password-123");
    admin = app.client();
    await admin.login("gerente", "password-123");
  });
  afterAll(() => app.close());

  let cedula: number;
  let vip: number;
  let marta: number;

  test("fields: 201 with the contract's shape; keys are checked; order can be set", async () => {
    const res = await call("POST", "/api/v1/fields", { key: "cedula", label: "Cédula", type: "id_document", required: true, display: true });
    expect(res.status).toBe(201);
    const f = await body(res);
    expect(f).toEqual({ id: expect.any(Number), key: "cedula", label: "Cédula", type: "id_document", required: true, options: null, min: null, max: null, display: true, position: 1, createdAt: expect.any(String) });
    cedula = f.id as number;
    const talla = await body(call("POST", "/api/v1/fields", { key: "talla", label: "Talla", type: "choice", options: ["S", "M", "L", " M "] }));
    expect(talla.options).toEqual(["S", "M", "L"]);
    const edad = await body(call("POST", "/api/v1/fields", { key: "edad", label: "Edad", type: "number", min: 0, max: 120 }));
    await call("POST", "/api/v1/fields", { key: "alta", label: "Fecha de alta", type: "date" });
    const dup = await call("POST", "/api/v1/fields", { key: "cedula", label: "Otra", type: "text" });
    expect(dup.status).toBe(422);
    expect(((await dup.json()) as { error: { fields: Record<string, string> } }).error.fields).toEqual({ key: "Otro campo ya usa esa clave" });
    const list = await body<{ data: { key: string }[]; next: null }>(call("GET", "/api/v1/fields"));
    expect(list.data.map((x) => x.key)).toEqual(["cedula", "talla", "edad", "alta"]);
    const ids = (list.data as unknown as { id: number }[]).map((x) => x.id);
    const reordered = await body<{ data: { key: string }[] }>(call("PUT", "/api/v1/fields/order", { ids: [ids[3], ids[0], ids[1], ids[2]] }));
    expect(reordered.data.map((x) => x.key)).toEqual(["alta", "cedula", "talla", "edad"]);
    expect((await call("PATCH", `/api/v1/fields/${edad.id}`, { min: 200 })).status).toBe(422);
  });

  test("tags: 201 {id, name, color}; names are unique regardless of case", async () => {
    const res = await call("POST", "/api/v1/tags", { name: "Regional Bogotá", color: "#1E88E5" });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: expect.any(Number), name: "Regional Bogotá", color: "#1e88e5", contacts: 0 });
    vip = (await body(call("POST", "/api/v1/tags", { name: "VIP", color: "#d81b60" }))).id as number;
    expect((await call("POST", "/api/v1/tags", { name: "vip", color: "#000000" })).status).toBe(422);
  });

  test("contacts: create with the contract's shape; E.164; per-field errors", async () => {
    const res = await call("POST", "/api/v1/contacts", { name: "Marta Ruiz", phone: "300 111 2233", email: "Marta@Example.com", fields: { cedula: "1.023.456.789", talla: "m", edad: 34 }, tagIds: [vip] });
    expect(res.status).toBe(201);
    const c = await body(res);
    expect(c).toEqual({
      id: expect.any(Number),
      name: "Marta Ruiz",
      phone: "+573001112233",
      email: "marta@example.com",
      fields: { cedula: "1023456789", talla: "M", edad: "34" },
      tags: [{ id: vip, name: "VIP", color: "#d81b60" }],
      identities: [],
      blocked: false,
      lastContactAt: null,
      createdAt: expect.any(String),
    });
    marta = c.id as number;

    const bad = await call("POST", "/api/v1/contacts", { name: "X", phone: "+57 300", email: "x@", fields: { edad: 130, talla: "XXL", alta: "31/02/2026" } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { fields: Record<string, string> } }).error.fields).toEqual({
      phone: "Número no válido para Colombia (si es de otro país, escríbalo con + y su indicativo)",
      email: "Correo no válido (por ejemplo nombre@dominio.com)",
      "fields.cedula": "Este campo es obligatorio",
      "fields.edad": "El número debe estar entre 0 y 120",
      "fields.talla": "Elija una de las opciones",
      "fields.alta": "Escriba una fecha válida (aaaa-mm-dd o dd/mm/aaaa)",
    });
    // In English when asked.
    const en = await api(app.app, "POST", "/api/v1/contacts", token, { name: "X", phone: "123", fields: { cedula: "55555" } }, { "accept-language": "en" });
    expect(((await en.json()) as { error: { fields: Record<string, string> } }).error.fields.phone).toBe(
      "Not a valid number for Colombia (for another country, type it with + and its country code)",
    );
    // The same number twice is refused, however it is written.
    const twice = await call("POST", "/api/v1/contacts", { name: "Otra", phone: "+57 (300) 111-2233", fields: { cedula: "4444" } });
    expect(((await twice.json()) as { error: { fields: Record<string, string> } }).error.fields).toEqual({ phone: "Otro contacto ya tiene este número" });
  });

  test("PATCH keeps what is left out, clears what is null, never empties a required field", async () => {
    const p = await body(call("PATCH", `/api/v1/contacts/${marta}`, { fields: { talla: null, alta: "05/01/2026" } }));
    expect(p.fields).toEqual({ cedula: "1023456789", edad: "34", alta: "2026-01-05" });
    expect(p.name).toBe("Marta Ruiz");
    const req = await call("PATCH", `/api/v1/contacts/${marta}`, { fields: { cedula: null } });
    expect(req.status).toBe(422);
    expect((await body(call("GET", `/api/v1/contacts/${marta}`))).fields).toMatchObject({ cedula: "1023456789" });
    expect((await call("PATCH", `/api/v1/contacts/${marta}`, { name: "" })).status).toBe(422);
  });

  test("search by number (any format, any part), name, e-mail and field value; filters by tag, channel, field", async () => {
    for (const c of [
      { name: "Pedro Gómez", phone: "+57 310 555 6677", fields: { cedula: "5566", edad: 50 } },
      { name: "Luis Carlos Herrera De Costa Rica", phone: "+506 8888 7777", fields: { cedula: "1-0234-0567" } },
      { name: "Francy", phone: "+34 612 34 56 78", email: "francy@example.es", fields: { cedula: "X778" } },
    ]) {
      expect((await call("POST", "/api/v1/contacts", c)).status).toBe(201);
    }
    await app.webhook(relay, { messages: [{ id: "s1", from: "chat-visitor-1", text: "hola", name: "Visitante Web" }] });
    const names = async (qs: string) => (await body<{ data: { name: string }[] }>(call("GET", `/api/v1/contacts?${qs}`))).data.map((c) => c.name).sort();
    const q = (s: string) => `q=${encodeURIComponent(s)}`;
    expect(await names(q("3001112233"))).toEqual(["Marta Ruiz"]);
    expect(await names(q("+57 300 111 2233"))).toEqual(["Marta Ruiz"]);
    expect(await names(q("573001112233"))).toEqual(["Marta Ruiz"]);
    expect(await names(q("111 22"))).toEqual(["Marta Ruiz"]);
    expect(await names(q("2233"))).toEqual(["Marta Ruiz"]);
    expect(await names(q("8888"))).toEqual(["Luis Carlos Herrera De Costa Rica"]);
    expect(await names(q("luis herrera"))).toEqual(["Luis Carlos Herrera De Costa Rica"]);
    expect(await names(q("GOMEZ"))).toEqual(["Pedro Gómez"]);
    expect(await names(q("francy@example.es"))).toEqual(["Francy"]);
    expect(await names(q("1023456789"))).toEqual(["Marta Ruiz"]);
    expect(await names(q("x778"))).toEqual(["Francy"]);
    expect(await names(q("nadie"))).toEqual([]);
    expect(await names(`tagId=${vip}`)).toEqual(["Marta Ruiz"]);
    expect(await names(`channelId=${relay}`)).toEqual(["Visitante Web"]);
    expect(await names("field.cedula=5566")).toEqual(["Pedro Gómez"]);
    expect(await names(`field.alta=${encodeURIComponent("05/01/2026")}`)).toEqual(["Marta Ruiz"]);
    expect(await names(`${q("gomez")}&field.cedula=1023456789`)).toEqual([]);
    expect(await names("noOpen=true")).toEqual(["Francy", "Luis Carlos Herrera De Costa Rica", "Marta Ruiz", "Pedro Gómez"]);
    // An unknown field is a 422, never "everyone".
    expect((await call("GET", "/api/v1/contacts?field.nada=1")).status).toBe(422);

    // Panel filters: dates before/after, contains.
    const html = await admin.html(`/contacts?fk=edad&fo=after&fv=40`);
    expect(html).toContain("Pedro Gómez");
    expect(html).not.toContain("Marta Ruiz");
    expect(await admin.html(`/contacts?fk=alta&fo=before&fv=2026-02-01`)).toContain("Marta Ruiz");
    expect(await admin.html(`/contacts?fk=alta&fo=after&fv=2026-02-01`)).not.toContain("Marta Ruiz");
    expect(await admin.html(`/contacts?fk=cedula&fo=contains&fv=234`)).toContain("Luis Carlos");
    const fragment = await (await admin.get(`/contacts?q=francy`, { "hx-request": "true", "hx-request-type": "partial" })).text();
    expect(fragment.startsWith('<div id="contact-results">')).toBe(true);
    expect(fragment).toContain("Francy");
    expect(fragment).toContain("1 contacto");
  });

  test("keyset pages with a cursor", async () => {
    for (let i = 0; i < 55; i++) await call("POST", "/api/v1/contacts", { name: `Lote ${i}`, fields: { cedula: `L${1000 + i}` } });
    const first = await body<{ data: { id: number }[]; next: number | null }>(call("GET", "/api/v1/contacts?q=lote"));
    expect(first.data).toHaveLength(50);
    const second = await body<{ data: { id: number }[]; next: number | null }>(call("GET", `/api/v1/contacts?q=lote&cursor=${first.next}`));
    expect(second.data).toHaveLength(5);
    expect(second.next).toBeNull();
    expect(new Set([...first.data, ...second.data].map((c) => c.id)).size).toBe(55);
  });

  test("agents read and edit contacts and put tags on them; the template, tags, import, export and erasure are the admin's", async () => {
    expect(await agent.html("/contacts?q=marta")).toContain("Marta Ruiz");
    const page = await agent.html(`/contacts/${marta}`);
    expect(page).toContain("Marta Ruiz");
    expect(page).not.toContain("Importar CSV");
    expect((await agent.post(`/contacts/${marta}/tags`, { tagId: String(vip) })).status).toBe(303);
    const edit = await agent.post(`/contacts/${marta}`, { name: "Marta Ruiz Díaz", phone: "+57 300 111 2233", email: "", "fields.cedula": "1023456789", tagIds: String(vip) });
    expect(edit.status).toBe(303);
    expect((await body(call("GET", `/api/v1/contacts/${marta}`))).name).toBe("Marta Ruiz Díaz");
    const created = await agent.post("/contacts", { name: "Nuevo Cliente", phone: "", email: "", "fields.cedula": "" });
    expect(created.status).toBe(422);
    expect(await created.text()).toContain("Este campo es obligatorio");
    for (const path of ["/admin/tags", "/admin/tags/new", "/admin/fields", "/admin/fields/new", "/contacts/import", "/contacts/export", `/contacts/${marta}/erase`]) {
      expect({ path, status: (await agent.get(path)).status }).toEqual({ path, status: 403 });
    }
    // Notes: an agent deletes their own, not someone else's.
    await admin.post(`/contacts/${marta}/notes`, { text: "de la gerente" });
    await agent.post(`/contacts/${marta}/notes`, { text: "de ana" });
    const notes = app.db.query<{ id: number; text: string }, [number]>("SELECT id, text FROM contact_notes WHERE contact_id = ? ORDER BY id").all(marta);
    expect((await agent.post(`/contacts/${marta}/notes/${notes[0]!.id}/delete`)).status).toBe(403);
    expect((await agent.post(`/contacts/${marta}/notes/${notes[1]!.id}/delete`)).status).toBe(303);
    expect(app.db.query<{ text: string }, [number]>("SELECT text FROM contact_notes WHERE contact_id = ?").all(marta).map((n) => n.text)).toEqual(["de la gerente"]);
  });

  test("renaming or removing a field keeps its values ('campos anteriores') until an admin erases them", async () => {
    const renamed = await admin.post(`/admin/fields/${cedula}`, { label: "Documento", key: "documento", type: "id_document", required: "1" });
    expect(renamed.status).toBe(303);
    expect((await body(call("GET", `/api/v1/contacts/${marta}`))).fields).toMatchObject({ documento: "1023456789" });
    expect((await admin.post(`/admin/fields/${cedula}/remove`)).status).toBe(303);
    const page = await admin.html(`/contacts/${marta}`);
    expect(page).toContain("Campos anteriores");
    expect(page).toContain("Documento");
    expect(page).toContain("1023456789");
    expect((await body(call("GET", `/api/v1/contacts/${marta}`))).fields).not.toHaveProperty("documento");
    const fields = await admin.html("/admin/fields");
    expect(fields).toContain("valores guardados");
    expect((await admin.post(`/admin/fields/${cedula}/purge`)).status).toBe(303);
    expect(await admin.html(`/contacts/${marta}`)).not.toContain("1023456789");
    expect((await body<{ data: unknown[] }>(call("GET", "/api/v1/contacts?q=1023456789"))).data).toEqual([]);
  });

  test("deleting a tag says how many contacts carry it; the empty tag list says so on page 1 of 1", async () => {
    const confirm = await admin.html(`/admin/tags/${vip}/delete`);
    expect(confirm).toContain("1 contacto la tiene");
    expect((await admin.post(`/admin/tags/${vip}/delete`)).status).toBe(303);
    expect((await body<{ tags: unknown[] }>(call("GET", `/api/v1/contacts/${marta}`))).tags).toEqual([]);
    const rb = (await body<{ data: { id: number }[] }>(call("GET", "/api/v1/tags"))).data;
    for (const t of rb) await call("DELETE", `/api/v1/tags/${t.id}`);
    const empty = await admin.html("/admin/tags");
    expect(empty).toContain("Aún no hay etiquetas");
    expect(empty).toContain("Página 1 de 1");
  });
});
