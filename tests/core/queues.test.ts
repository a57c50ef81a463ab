import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import type { Client } from "../helpers/client.ts";

describe("Colas in the panel", () => {
  let app: TestApp;
  let admin: Client;
  beforeAll(async () => {
    app = await createTestApp();
    await app.makeUser(app.companyId, "jefa", "admin");
    admin = app.client();
    await admin.login("jefa", "password-123");
  });
  afterAll(() => app.close());

  test("create, list, rename and delete a queue", async () => {
    const created = await admin.post("/admin/queues", { name: "  ventas   mayoristas " });
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe("/admin/queues");
    const list = await admin.html("/admin/queues");
    expect(list).toContain("Creado correctamente.");
    expect(list).toContain("ventas mayoristas");
    const id = app.db.query<{ id: number }, []>("SELECT id FROM queues WHERE name = 'ventas mayoristas'").get()!.id;

    expect(await admin.html(`/admin/queues/${id}/edit`)).toContain('value="ventas mayoristas"');
    expect((await admin.post(`/admin/queues/${id}`, { name: "mayoristas" })).status).toBe(303);
    expect(await admin.html("/admin/queues")).toContain("mayoristas");

    expect((await admin.post(`/admin/queues/${id}/delete`)).status).toBe(303);
    expect(app.db.query("SELECT 1 FROM queues WHERE id = ?").get(id)).toBeNull();
  });

  test("empty and duplicate names show an inline error and save nothing", async () => {
    app.makeQueue(app.companyId, "soporte");
    const before = app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM queues").get()!.n;
    const empty = await admin.post("/admin/queues", { name: "   " });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain("Escriba el nombre de la cola.");
    const dup = await admin.post("/admin/queues", { name: "SOPORTE" });
    expect(dup.status).toBe(422);
    const html = await dup.text();
    expect(html).toContain("Ya existe una cola con ese nombre.");
    expect(html).toContain('value="SOPORTE"');
    expect(app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM queues").get()!.n).toBe(before);
  });

  test("the list pages through 20 at a time: Página 1 de N", async () => {
    for (let i = 0; i < 25; i++) app.makeQueue(app.companyId, `cola-${String(i).padStart(2, "0")}`);
    const total = app.db.query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM queues WHERE company_id = ?").get(app.companyId)!.n;
    const pages = Math.ceil(total / 20);
    const first = await admin.html("/admin/queues");
    expect(first).toContain(`Página 1 de ${pages}`);
    expect(first).toContain('href="/admin/queues?page=2"');
    const last = await admin.html(`/admin/queues?page=${pages}`);
    expect(last).toContain(`Página ${pages} de ${pages}`);
    expect(last).toContain("cola-24");
    expect(first).not.toContain("cola-24");
  });

  test("a queue name is escaped wherever it shows, in text and in attributes", async () => {
    const evil = '"><script>alert(1)</script>';
    expect((await admin.post("/admin/queues", { name: evil })).status).toBe(303);
    const html = await admin.html("/admin/queues?page=1");
    // No way out of a quoted attribute, and text is fully escaped.
    expect(html).not.toContain('"><script>');
    expect(html).toContain("<span>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</span>");
    const id = app.db.query<{ id: number }, [string]>("SELECT id FROM queues WHERE name = ?").get(evil)!.id;
    const confirm = await admin.html(`/admin/queues/${id}/delete`);
    expect(confirm).not.toContain('"><script>');
    expect(confirm).toContain("Eliminar la cola &quot;&gt;&lt;script&gt;");
  });
});
