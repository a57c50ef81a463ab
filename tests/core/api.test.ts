import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { api } from "../helpers/client.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

type Json = Record<string, any>;

describe("JSON API /api/v1", () => {
  let app: TestApp;
  let token: string;
  const call = async (method: string, path: string, body?: unknown, t: string | null = token) => {
    const res = await api(app.app, method, path, t, body);
    return { status: res.status, json: res.status === 204 ? null : ((await res.json()) as Json), res };
  };

  beforeAll(async () => {
    app = await createTestApp();
    token = app.makeToken(app.companyId, "write");
  });
  afterAll(() => app.close());

  test("queues: create 201 {id,name}, list {data,next}, rename, delete", async () => {
    const created = await call("POST", "/api/v1/queues", { name: "ventas" });
    expect(created.status).toBe(201);
    const id = created.json!.id as number;
    expect(Object.keys(created.json!).sort()).toEqual(["createdAt", "id", "maxPerAgent", "members", "name", "strategy"]);
    expect(Number.isInteger(id)).toBe(true);
    expect(created.json!.name).toBe("ventas");
    const list = await call("GET", "/api/v1/queues");
    expect(list.json).toEqual({ data: [{ id, name: "ventas", strategy: "round_robin", maxPerAgent: 0, members: 0, createdAt: created.json!.createdAt }], next: null });
    const renamed = await call("PATCH", `/api/v1/queues/${id}`, { name: "ventas-2", strategy: "least_busy", maxPerAgent: 3 });
    expect(renamed.json).toMatchObject({ name: "ventas-2", strategy: "least_busy", maxPerAgent: 3 });
    expect((await call("PATCH", `/api/v1/queues/${id}`, { strategy: "fastest" })).status).toBe(422);
    expect((await call("DELETE", `/api/v1/queues/${id}`)).status).toBe(204);
    expect((await call("GET", `/api/v1/queues/${id}`)).status).toBe(404);
  });

  test("errors are {error:{code,message}} with fitting statuses", async () => {
    await call("POST", "/api/v1/queues", { name: "dup" });
    const dup = await call("POST", "/api/v1/queues", { name: "dup" });
    expect(dup.status).toBe(422);
    expect(dup.json!.error).toMatchObject({ code: "validation_failed", message: expect.any(String), fields: { name: "Ya existe una cola con ese nombre." } });
    const english = await api(app.app, "POST", "/api/v1/queues", token, { name: "dup" }, { "accept-language": "en" });
    expect(((await english.json()) as Json).error.fields.name).toBe("A queue with that name already exists.");
    const schema = await call("POST", "/api/v1/queues", { nombre: 1 });
    expect(schema.status).toBe(422);
    expect(schema.json!.error.code).toBe("validation_failed");
    const missing = await call("GET", "/api/v1/queues/abc");
    expect([404, 422]).toContain(missing.status);
    expect(missing.json!.error.code).toBeString();
    const unknown = await call("GET", "/api/v1/nothing-here");
    expect(unknown.status).toBe(404);
    expect(unknown.json!.error.code).toBe("not_found");
  });

  test("users: create never returns the password; list, patch and delete (deactivate)", async () => {
    const q = (await call("POST", "/api/v1/queues", { name: "contabilidad" })).json!;
    const created = await call("POST", "/api/v1/users", {
      username: "fulanito",
      name: "Fulanito De Tal",
      password: "secreto-123",
      role: "agent",
      extension: "101",
      queueIds: [q.id],
      language: "en",
    });
    expect(created.status).toBe(201);
    const userId = created.json!.id as number;
    expect(created.json).toEqual({
      id: userId,
      username: "fulanito",
      name: "Fulanito De Tal",
      role: "agent",
      extension: "101",
      language: "en",
      active: true,
      queueIds: [q.id],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
    const raw = JSON.stringify(created.json);
    expect(raw).not.toContain("secreto");
    expect(raw).not.toContain("argon");

    const patched = await call("PATCH", `/api/v1/users/${userId}`, { role: "supervisor", queueIds: [] });
    expect(patched.json).toMatchObject({ role: "supervisor", queueIds: [], name: "Fulanito De Tal", extension: "101" });
    const bad = await call("POST", "/api/v1/users", { username: "fulanito", name: "", password: "x", role: "agent" });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.json!.error.fields).sort()).toEqual(["name", "password", "username"]);

    expect((await call("DELETE", `/api/v1/users/${userId}`)).status).toBe(204);
    expect((await call("GET", `/api/v1/users/${userId}`)).json).toMatchObject({ active: false });
  });

  test("lists page with a cursor", async () => {
    for (let i = 0; i < 60; i++) app.makeQueue(app.companyId, `q-${i}`);
    const first = await call("GET", "/api/v1/queues");
    expect(first.json!.data).toHaveLength(50);
    expect(first.json!.next).toBe(first.json!.data[49].id);
    const second = await call("GET", `/api/v1/queues?cursor=${first.json!.next}`);
    expect(second.json!.next).toBeNull();
    const all = [...first.json!.data, ...second.json!.data].map((q: Json) => q.id);
    expect(new Set(all).size).toBe(all.length);
  });

  test("token scope: read tokens read, write tokens write, revoked and unknown tokens are refused", async () => {
    const read = app.makeToken(app.companyId, "read");
    expect((await call("GET", "/api/v1/queues", undefined, read)).status).toBe(200);
    const denied = await call("POST", "/api/v1/queues", { name: "nope" }, read);
    expect(denied.status).toBe(403);
    expect(denied.json!.error.code).toBe("insufficient_scope");
    expect((await call("GET", "/api/v1/queues", undefined, "chk_unknown_token")).status).toBe(401);
    expect((await call("GET", "/api/v1/queues", undefined, null)).status).toBe(401);

    const op = await app.operator();
    const page = await op.post("/admin/tokens", { name: "integración", scope: "write" });
    expect(page.status).toBe(201);
    const html = await page.text();
    const plain = html.match(/chk_[A-Za-z0-9_-]{20,}/)![0];
    expect((await call("GET", "/api/v1/users", undefined, plain)).status).toBe(200);
    const id = app.db.query<{ id: number }, []>("SELECT id FROM api_tokens WHERE name = 'integración'").get()!.id;
    expect(app.db.query<{ h: string }, [number]>("SELECT token_hash AS h FROM api_tokens WHERE id = ?").get(id)!.h).not.toContain(plain);
    expect((await op.post(`/admin/tokens/${id}/revoke`)).status).toBe(303);
    expect((await call("GET", "/api/v1/users", undefined, plain)).status).toBe(401);
    // the tokens page lists it as revoked and never shows the secret again
    const list = await op.html("/admin/tokens");
    expect(list).toContain("Revocado");
    expect(list).not.toContain(plain);
  });

  test("a token of an inactive company stops working", async () => {
    const other = app.makeCompany("pausada");
    const t = app.makeToken(other);
    expect((await call("GET", "/api/v1/queues", undefined, t)).status).toBe(200);
    app.db.query("UPDATE companies SET active = 0 WHERE id = ?").run(other);
    expect((await call("GET", "/api/v1/queues", undefined, t)).status).toBe(401);
  });

  test("openapi.json describes queues and users; /api/docs renders it", async () => {
    const res = await app.app.handle(new Request("http://localhost/api/v1/openapi.json"));
    expect(res.status).toBe(200);
    const spec = (await res.json()) as Json;
    expect(spec.openapi).toStartWith("3.");
    for (const p of ["/api/v1/queues", "/api/v1/queues/{id}", "/api/v1/users", "/api/v1/users/{id}"]) expect(Object.keys(spec.paths)).toContain(p);
    expect(Object.keys(spec.paths).some((p) => p.startsWith("/admin"))).toBe(false);
    expect(spec.paths["/api/v1/users"].post.requestBody).toBeDefined();
    const docs = await app.app.handle(new Request("http://localhost/api/docs"));
    const html = await docs.text();
    expect(docs.headers.get("content-type")).toContain("text/html");
    expect(html).toContain("/api/v1/users/{id}");
    expect(html).toContain("Create a user");
    expect(html).toContain("Autentíquese con el encabezado Authorization: Bearer");
    const en = await (await app.app.handle(new Request("http://localhost/api/docs", { headers: { "accept-language": "en" } }))).text();
    expect(en).toContain("Authenticate with the Authorization: Bearer header");
  });
});
