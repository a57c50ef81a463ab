import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import type { Client } from "../helpers/client.ts";
import { api } from "../helpers/client.ts";
import { verifySignature } from "../../core/outbound-webhooks/signature.ts";
import { setup, type Setup } from "./setup.ts";

describe("outbound webhooks in the panel", () => {
  let s: Setup;
  let admin: Client;
  beforeAll(async () => {
    s = await setup();
    await s.app.makeUser(s.app.companyId, "admin-panel", "admin");
    admin = s.app.client();
    await admin.login("admin-panel", "password-123");
  });
  afterAll(() => s.close());

  test("an admin subscribes a URL: the secret is shown once, the test event arrives signed with it and is in the log", async () => {
    const empty = await admin.html("/admin/webhooks");
    expect(empty).toContain("Aún no hay webhooks.");
    expect(empty).toContain("Mensaje recibido");
    const created = await admin.post("/admin/webhooks", { url: s.receiver.url, description: "n8n", events: ["message.received", "balance.low"] });
    expect(created.status).toBe(201);
    const page = await created.text();
    const secret = page.match(/id="webhook-secret"[^>]*>(whsec_[A-Za-z0-9_-]+)</)![1]!;
    const id = Number(page.match(/action="\/admin\/webhooks\/(\d+)\/test"/)![1]);
    // Never again: not on its page, not in the list.
    expect(await admin.html(`/admin/webhooks/${id}`)).not.toContain(secret);
    expect(await admin.html("/admin/webhooks")).not.toContain(secret);

    const tested = await admin.post(`/admin/webhooks/${id}/test`, {});
    expect(tested.status).toBe(200);
    const result = await tested.text();
    expect(result).toContain('id="test-result"');
    expect(result).toMatch(/Prueba entregada: respuesta 200 en \d+ ms\./);
    const got = s.receiver.received.at(-1)!;
    expect(got.body.event).toBe("webhook.test");
    expect(verifySignature(secret, got.raw, got.headers.get("x-charla-signature"))).toBe(true);
    expect(result).toContain("<code>webhook.test</code>");

    // Rotating replaces the secret: the next test is signed with the new one only.
    const rotated = await (await admin.post(`/admin/webhooks/${id}/rotate`, {})).text();
    const fresh = rotated.match(/id="webhook-secret"[^>]*>(whsec_[A-Za-z0-9_-]+)</)![1]!;
    expect(fresh).not.toBe(secret);
    await admin.post(`/admin/webhooks/${id}/test`, {});
    const again = s.receiver.received.at(-1)!;
    expect(verifySignature(fresh, again.raw, again.headers.get("x-charla-signature"))).toBe(true);
    expect(verifySignature(secret, again.raw, again.headers.get("x-charla-signature"))).toBe(false);
  });

  test("a failing test says why; bad input is a visible form error that changes nothing", async () => {
    const created = await admin.post("/admin/webhooks", { url: "http://127.0.0.1:9/nadie", events: ["message.received"] });
    const id = Number((await created.text()).match(/action="\/admin\/webhooks\/(\d+)\/test"/)![1]);
    const failed = await (await admin.post(`/admin/webhooks/${id}/test`, {})).text();
    expect(failed).toContain("La prueba no se entregó:");
    const before = await admin.html("/admin/webhooks");
    for (const [form, message] of [
      [{ url: "ftp://example.com/x", events: ["message.received"] }, "Escriba una URL http o https válida"],
      [{ url: "https://example.com/x" }, "Elija al menos un evento."],
      [{ url: "https://example.com/x", events: ["message.deleted"] }, "Hay un evento que no existe."],
      [{ url: "", events: ["message.received"] }, "Escriba la URL que recibirá los eventos."],
    ] as const) {
      const res = await admin.post("/admin/webhooks", form as Record<string, string | string[]>);
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(message);
    }
    expect(await admin.html("/admin/webhooks")).toBe(before);
    const edit = await admin.post(`/admin/webhooks/${id}`, { url: "nota una url", events: ["message.received"] });
    expect(edit.status).toBe(422);
    expect(await edit.text()).toContain("Escriba una URL http o https válida");
  });

  test("the balance falling under the admins' threshold is a balance.low event", async () => {
    s.receiver.received.length = 0;
    const operator = await s.app.operator();
    expect((await operator.post("/admin/recharges", { companyId: String(s.app.companyId), amount: "100.000", date: "2026-01-10", method: "efecty", reference: "", note: "" })).status).toBe(303);
    expect((await admin.post("/admin/recharges/settings", { threshold: "50.000" })).status).toBe(303);
    const recharge = ((await (await api(s.app.app, "GET", "/api/v1/recharges", s.token)).json()) as { data: { id: number }[] }).data[0]!.id;
    expect((await operator.post(`/admin/recharges/${recharge}/reverse`, { reason: "error de digitación" })).status).toBe(303);
    await s.settle();
    const low = s.receiver.received.filter((r) => r.body.event === "balance.low");
    expect(low.length).toBe(1);
    expect(low[0]!.body.data).toEqual({ balance: 0, currency: "COP", threshold: 5_000_000 });
  });

  test("agents and supervisors cannot reach the webhooks pages", async () => {
    await s.app.makeUser(s.app.companyId, "sup-wh", "supervisor");
    const sup = s.app.client();
    await sup.login("sup-wh", "password-123");
    expect((await sup.get("/admin/webhooks")).status).toBe(403);
    expect((await sup.post("/admin/webhooks", { url: "https://example.com", events: ["message.received"] })).status).toBe(403);
  });

  test("in English for an English admin", async () => {
    await s.app.makeUser(s.app.companyId, "admin-en", "admin", [], "en");
    const en = s.app.client();
    await en.login("admin-en", "password-123");
    const html = await en.html("/admin/webhooks");
    expect(html).toContain("New webhook");
    expect(html).toContain("Message received");
  });
});

describe("outbound webhooks on a shared server", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  test("a URL on this machine or a private network is refused unless the operator allows it", async () => {
    const token = app.makeToken(app.companyId);
    for (const url of ["http://127.0.0.1:8080/x", "http://localhost/x", "http://10.0.0.5/x", "http://192.168.1.10/x", "http://169.254.169.254/latest", "http://[::1]/x"]) {
      const res = await api(app.app, "POST", "/api/v1/webhooks", token, { url, events: ["message.received"] });
      expect(res.status).toBe(422);
      expect(JSON.stringify(await res.json())).toContain("url");
    }
    expect((await api(app.app, "POST", "/api/v1/webhooks", token, { url: "https://hooks.example.com/charla", events: ["message.received"] })).status).toBe(201);
  });
});
