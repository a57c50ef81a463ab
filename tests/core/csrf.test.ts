import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

describe("CSRF protection", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  const queueCount = () => app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM queues").get()!.n;

  test("a state-changing panel request without the token is refused with 403 and writes nothing", async () => {
    const c = await app.operator();
    const before = queueCount();
    const res = await c.post("/admin/queues", { name: "sin-token" }, { csrf: false });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("El formulario caducó");
    expect(queueCount()).toBe(before);
  });

  test("a wrong token is refused; the right one in the header (htmx) or the form works", async () => {
    const c = await app.operator();
    const before = queueCount();
    const wrong = await c.request("POST", "/admin/queues", { form: { name: "x", _csrf: "forged" }, csrf: false });
    expect(wrong.status).toBe(403);
    expect(queueCount()).toBe(before);
    const viaHeader = await c.request("POST", "/admin/queues", {
      form: { name: "por-cabecera" },
      csrf: false,
      headers: { "x-csrf-token": await c.csrf() },
    });
    expect(viaHeader.status).toBe(303);
    expect((await c.post("/admin/queues", { name: "por-formulario" })).status).toBe(303);
    expect(queueCount()).toBe(before + 2);
  });

  test("a foreign Origin is refused even with a valid token", async () => {
    const c = await app.operator();
    const before = queueCount();
    const res = await c.post("/admin/queues", { name: "cross-site" }, { headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(queueCount()).toBe(before);
  });

  test("login and logout need the token too (no login CSRF)", async () => {
    const c = app.client();
    const res = await c.post("/login", { username: "admin", password: "x" }, { csrf: false });
    expect(res.status).toBe(403);
    const op = await app.operator();
    expect((await op.post("/logout", {}, { csrf: false })).status).toBe(403);
    expect((await op.get("/")).status).toBe(200);
  });

  test("the API (bearer tokens, no cookies) is not subject to CSRF", async () => {
    const token = app.makeToken(app.companyId);
    const res = await app.app.handle(
      new Request("http://localhost/api/v1/queues", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "desde-api" }),
      }),
    );
    expect(res.status).toBe(201);
  });
});
