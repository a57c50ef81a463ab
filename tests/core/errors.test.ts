import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import type { Client } from "../helpers/client.ts";

describe("one error mapper, three renderings", () => {
  let app: TestApp;
  let op: Client;
  beforeAll(async () => {
    app = await createTestApp();
    op = await app.operator();
  });
  afterAll(() => app.close());

  test("a browser gets a full page in the viewer's language", async () => {
    const res = await op.get("/admin/queues/999999/edit");
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toStartWith("<!doctype html>");
    expect(html).toContain("No encontramos lo que busca.");
    expect(html).toContain('<header class="topbar">');
  });

  test("an htmx partial request gets a fragment retargeted at the flash area", async () => {
    const res = await op.get("/admin/queues/999999/edit", { "hx-request": "true", "hx-request-type": "partial" });
    expect(res.status).toBe(404);
    expect(res.headers.get("hx-retarget")).toBe("#flash");
    const html = await res.text();
    expect(html).not.toContain("<html");
    expect(html).toContain('<section class="card error" role="alert">');
  });

  test("a boosted (full) htmx navigation gets the full page", async () => {
    const res = await op.get("/nope", { "hx-request": "true", "hx-request-type": "full" });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("<html");
  });

  test("an expired session on an htmx request redirects the whole page to login", async () => {
    const res = await app.client().get("/admin/users", { "hx-request": "true" });
    expect(res.status).toBe(204);
    expect(res.headers.get("hx-redirect")).toBe("/login?next=%2Fadmin%2Fusers");
  });

  test("the API gets JSON with a stable code", async () => {
    const res = await app.app.handle(new Request("http://localhost/api/v1/queues", { headers: { authorization: "Bearer nope" } }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "unauthenticated", message: "Inicie sesión para continuar." } });
  });

  test("a malformed id in a panel URL is a 400 with a readable reason, not a crash", async () => {
    const res = await op.get("/admin/users/abc/edit");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("La solicitud no es válida");
  });

  test("responses, error pages included, carry basic hardening headers", async () => {
    for (const path of ["/", "/admin/queues/999999/edit", "/healthz"]) {
      const res = await op.get(path);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect((await op.get("/")).headers.get("cache-control")).toBe("no-store");
  });
});
