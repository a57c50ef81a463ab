import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ADMIN_PASSWORD, TestClock, createTestApp, type TestApp } from "../helpers/test-app.ts";

describe("panel sign-in", () => {
  let app: TestApp;
  const clock = new TestClock();
  beforeAll(async () => {
    app = await createTestApp({ clock, env: { LOGIN_MAX_FAILURES: "3", SESSION_IDLE_HOURS: "2" } });
  });
  afterAll(() => app.close());

  test("anonymous visitors are sent to the login page, which is Spanish by default and English on request", async () => {
    const c = app.client();
    const res = await c.get("/admin/users");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fadmin%2Fusers");
    expect(await c.html("/login")).toContain("Iniciar sesión");
    const en = await c.get("/login", { "accept-language": "en-US,en;q=0.9" });
    expect(await en.text()).toContain("Sign in");
    expect(await c.html("/login?lang=en")).toContain("Sign in");
    // The choice sticks through a cookie.
    expect(await c.html("/login")).toContain("Sign in");
  });

  test("right password signs in with a hardened cookie and honours next; wrong one shows an error", async () => {
    const c = app.client();
    const bad = await c.post("/login", { username: "admin", password: "nope" });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain("Usuario o contraseña incorrectos.");
    expect(c.cookies.has("charla_session")).toBe(false);

    const ok = await c.post("/login", { username: "ADMIN", password: ADMIN_PASSWORD, next: "/admin/companies" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/admin/companies");
    const cookie = ok.headers.getSetCookie().find((x) => x.startsWith("charla_session="))!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure");
    expect(await c.html("/admin/companies")).toContain("Mi Empresa");
  });

  test("a next pointing off-site is ignored (no open redirect)", async () => {
    const c = app.client();
    const res = await c.post("/login", { username: "admin", password: ADMIN_PASSWORD, next: "//evil.example/x" });
    expect(res.headers.get("location")).toBe("/");
  });

  test("repeated failures answer 429 with a readable message, even with the right password", async () => {
    await app.makeUser(app.companyId, "throttled");
    const c = app.client();
    for (let i = 0; i < 3; i++) expect((await c.post("/login", { username: "throttled", password: "wrong" })).status).toBe(401);
    const res = await c.post("/login", { username: "throttled", password: "password-123" });
    expect(res.status).toBe(429);
    expect(await res.text()).toContain("Demasiados intentos fallidos. Intente de nuevo en 15 min.");
    clock.advance(16 * 60_000);
    await c.login("throttled", "password-123");
  });

  test("logout ends the session on the server, not only in the browser", async () => {
    const c = await app.operator();
    const stolen = c.cookies.get("charla_session")!;
    const res = await c.post("/logout");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login");
    const replay = await app.app.handle(new Request("http://localhost/", { headers: { cookie: `charla_session=${stolen}` } }));
    expect(replay.status).toBe(303);
    expect(replay.headers.get("location")).toStartWith("/login");
  });

  test("sessions expire after the idle period and slide while in use", async () => {
    const c = await app.operator();
    clock.advance(90 * 60_000); // 1.5 h of 2 h: still valid, and renewed
    expect((await c.get("/")).status).toBe(200);
    clock.advance(90 * 60_000);
    expect((await c.get("/")).status).toBe(200);
    clock.advance(2 * 3_600_000 + 1);
    expect((await c.get("/")).status).toBe(303);
  });

  test("a deactivated user is signed out at once and cannot sign back in", async () => {
    const id = await app.makeUser(app.companyId, "leaver");
    const agent = app.client();
    await agent.login("leaver", "password-123");
    const op = await app.operator();
    expect((await op.post(`/admin/users/${id}/deactivate`)).status).toBe(303);
    expect((await agent.get("/")).status).toBe(303);
    expect((await agent.post("/login", { username: "leaver", password: "password-123" })).status).toBe(401);
  });

  test("each user sees the panel in their own language", async () => {
    await app.makeUser(app.companyId, "english", "agent", [], "en");
    const c = app.client();
    await c.login("english", "password-123");
    const html = await c.html("/inbox");
    expect(html).toContain('<html lang="en"');
    expect(html).toContain("Name english");
    expect(html).toContain("Log out");
    // and can switch it from "My account"
    expect((await c.post("/account/language", { language: "es" })).status).toBe(303);
    expect(await c.html("/inbox")).toContain("Cerrar sesión");
  });

  test("users of an inactive company cannot sign in; the operator still can", async () => {
    const other = app.makeCompany("dormida");
    await app.makeUser(other, "sleepy");
    app.db.query("UPDATE companies SET active = 0 WHERE id = ?").run(other);
    expect((await app.client().post("/login", { username: "sleepy", password: "password-123" })).status).toBe(401);
    await app.operator();
  });
});

describe("sign-in behind a proxy and over https", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { TRUST_PROXY: "true", LOGIN_MAX_FAILURES: "1", PUBLIC_URL: "https://chat.example.com" } });
  });
  afterAll(() => app.close());

  test("failures are counted per client address from X-Forwarded-For when TRUST_PROXY is on", async () => {
    const from = (ip: string) => ({ headers: { "x-forwarded-for": `${ip}, 10.0.0.1` } });
    const c = app.client();
    // 4 failures per address are allowed (4 x LOGIN_MAX_FAILURES), each on a different user name.
    for (let i = 0; i < 4; i++) expect((await c.post("/login", { username: `u${i}`, password: "x" }, from("203.0.113.7"))).status).toBe(401);
    expect((await c.post("/login", { username: "admin", password: ADMIN_PASSWORD }, from("203.0.113.7"))).status).toBe(429);
    // Another customer behind the same proxy is not locked out.
    const ok = await c.post("/login", { username: "admin", password: ADMIN_PASSWORD }, from("198.51.100.2"));
    expect(ok.status).toBe(303);
    expect(ok.headers.getSetCookie().find((x) => x.startsWith("charla_session="))).toContain("Secure");
  });
});
