import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { badInputWorld, expectClientError } from "./setup.ts";

/**
 * Every state-changing panel route against form bodies it cannot use: wrong content
 * types, bytes that are not UTF-8, over-long fields. Each is a 4xx (never a 500)
 * and nothing changes.
 */
describe("bad input: panel forms", () => {
  let w: Awaited<ReturnType<typeof badInputWorld>>;
  let writes: { method: string; path: string }[];
  let before: string;
  const enc = new TextEncoder();

  beforeAll(async () => {
    w = await badInputWorld();
    // Not panel forms: the raw routes (webhooks, web chat, browsers' CSP reports) read their own bodies.
    writes = w.routes.filter((r) => !r.path.startsWith("/api/") && !r.path.startsWith("/webhooks/") && !r.path.startsWith("/chat/") && r.path !== "/csp-report" && r.method === "POST" && r.path !== "/logout");
    expect(writes.length).toBeGreaterThanOrEqual(20);
    before = await w.snapshot();
  });
  afterAll(() => w.stop());

  const urlencoded = "application/x-www-form-urlencoded";
  const cases: [string, { type: string; body: BodyInit }, number][] = [
    ["JSON where a form is expected", { type: "application/json", body: '{"name":"otra"}' }, 415],
    ["text/plain", { type: "text/plain", body: "name=otra" }, 415],
    ["XML", { type: "text/xml", body: "<name>otra</name>" }, 415],
    ["percent-encoded bytes that are not UTF-8", { type: urlencoded, body: "name=ca%C3%28&text=%E0%A4%A&note=%FF" }, 400],
    ["raw bytes that are not UTF-8", { type: urlencoded, body: new Uint8Array([...enc.encode("name=ca"), 0xff, 0xfe, ...enc.encode("&text=x")]) }, 400],
    ["a 100,000-character field", { type: urlencoded, body: `name=${"x".repeat(100_000)}&text=${"y".repeat(100_000)}&password=${"p".repeat(100_000)}` }, 413],
    ["a 2 MB body", { type: urlencoded, body: `name=${"x".repeat(2 * 1024 * 1024)}` }, 413],
  ];

  for (const [label, c, status] of cases) {
    test(`${label}: every panel write answers ${status}`, async () => {
      for (const r of writes) {
        const res = await w.raw(r.method, w.fill(r.path), { headers: { "content-type": c.type }, body: c.body });
        expect({ route: `${r.method} ${r.path}`, status: res.status }).toEqual({ route: `${r.method} ${r.path}`, status });
      }
      expect(await w.snapshot()).toBe(before);
    });
  }

  test("the error is readable in the panel's language, as a page or an htmx fragment", async () => {
    const page = await w.raw("POST", "/admin/queues", { headers: { "content-type": "text/plain" }, body: "name=x" });
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("Tipo de contenido no admitido");
    const fragment = await w.raw("POST", "/admin/queues", { headers: { "content-type": urlencoded, "hx-request": "true", "hx-request-type": "partial" }, body: "name=ca%FF" });
    expect(fragment.status).toBe(400);
    expect(await fragment.text()).toContain("no es UTF-8 válido");
  });

  test("sign-in with a 100,000-character password is refused without hashing it, and so is 300", async () => {
    for (const length of [100_000, 300]) {
      const res = await w.raw("POST", "/login", { session: null, headers: { "content-type": urlencoded }, body: `username=admin&password=${"p".repeat(length)}` });
      expectClientError(`login ${length}`, res.status);
    }
    const form = { username: "largo", name: "Largo", role: "agent", language: "es", extension: "", password: "p".repeat(300), passwordConfirm: "p".repeat(300) };
    const res = await w.admin.post("/admin/users", form);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("La contraseña admite como máximo 256 caracteres.");
    expect(await w.snapshot()).toBe(before);
  });
});
