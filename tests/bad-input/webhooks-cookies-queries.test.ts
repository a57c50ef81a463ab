import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hubSignature256 } from "../fakes/meta-graph.ts";
import { badInputWorld, expectClientError } from "./setup.ts";

describe("bad input: webhooks, cookies, search and query strings", () => {
  let w: Awaited<ReturnType<typeof badInputWorld>>;
  let before: string;
  beforeAll(async () => {
    w = await badInputWorld();
    before = await w.snapshot();
  });
  afterAll(() => w.stop());

  const signed = (body: string | Uint8Array<ArrayBuffer>) =>
    fetch(`${w.server.url}/webhooks/${w.whatsapp.id}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": hubSignature256(w.APP_SECRET, body) },
      body,
    });

  test("correctly signed webhooks that are nested 50,000 deep, malformed, not UTF-8, or too big are 4xx JSON, never stored", async () => {
    const deep = `{"object":"whatsapp_business_account","entry":${"[".repeat(50_000)}${"]".repeat(50_000)}}`;
    const cases: [string, string | Uint8Array<ArrayBuffer>, number][] = [
      ["50,000 deep", deep, 422],
      ["malformed", '{"object":"whatsapp_business_account","entry":[', 400],
      ["not UTF-8", new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 400],
      ["5 MB", `{"object":"whatsapp_business_account","pad":"${"x".repeat(5 * 1024 * 1024)}"}`, 413],
    ];
    for (const [label, body, status] of cases) {
      const res = await signed(body);
      expect({ label, status: res.status }).toEqual({ label, status });
      expect(res.headers.get("content-type")).toContain("application/json");
    }
    // Unsigned deep bodies are refused the same way (nobody gets to make the server walk them).
    const unsigned = await fetch(`${w.server.url}/webhooks/${w.relay}`, { method: "POST", body: deep });
    expect(unsigned.status).toBe(422);
    expect(await w.snapshot()).toBe(before);
  });

  test("cookies that cannot be decoded are ignored on every kind of page", async () => {
    const cookies = ["charla_session=%", "charla_csrf=%E0%A4%A", "charla_lang=%ZZ", "charla_session=%; charla_csrf=%E0%A4%A; charla_lang=%ZZ; charla_flash=%7B"];
    const expected: Record<string, number> = { "/healthz": 200, "/login": 200, "/": 303, "/inbox": 303, "/admin/queues": 303, "/api/v1/queues": 401, "/api/docs": 200 };
    for (const cookie of cookies) {
      for (const [path, status] of Object.entries(expected)) {
        const res = await fetch(`${w.server.url}${path}`, { headers: { cookie }, redirect: "manual" });
        expect({ cookie, path, status: res.status }).toEqual({ cookie, path, status });
      }
      // A form post with a broken CSRF cookie is an honest 403, not a crash.
      const post = await fetch(`${w.server.url}/admin/queues`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: "name=x&_csrf=abc", redirect: "manual" });
      expectClientError(`POST with ${cookie}`, post.status);
    }
  });

  test("search input with NUL, quotes and FTS5 operators is just text: 200 and no error", async () => {
    const queries = ["\u0000", '"', '""', "AND", "OR NOT", "NEAR(", "*", "^hola", "col:foo", 'hola" OR "x', "información*", "(", ")", "{}", "\\", "%", "_", "'; DROP TABLE messages; --"];
    for (const q of queries) {
      const res = await fetch(`${w.server.url}/api/v1/conversations?q=${encodeURIComponent(q)}`, { headers: { authorization: `Bearer ${w.token}` } });
      expect({ q, status: res.status }).toEqual({ q, status: 200 });
      const page = await w.raw("GET", `/inbox?q=${encodeURIComponent(q)}`);
      expect({ q, panel: page.status }).toEqual({ q, panel: 200 });
      const contacts = await fetch(`${w.server.url}/api/v1/contacts?q=${encodeURIComponent(q)}`, { headers: { authorization: `Bearer ${w.token}` } });
      expect({ q, contacts: contacts.status }).toEqual({ q, contacts: 200 });
      expect({ q, contactsPage: (await w.raw("GET", `/contacts?q=${encodeURIComponent(q)}`)).status }).toEqual({ q, contactsPage: 200 });
    }
    // Text search still finds words, accents and case folded.
    const found = (await (await fetch(`${w.server.url}/api/v1/conversations?q=INFORMACION`, { headers: { authorization: `Bearer ${w.token}` } })).json()) as { data: unknown[] };
    expect(found.data).toHaveLength(1);
    expect(await w.snapshot()).toBe(before);
  });

  test("ids and query parameters of the wrong shape are 4xx", async () => {
    const paths = [
      "/api/v1/queues/abc",
      "/api/v1/queues/99999999999999999999999",
      "/api/v1/queues/-1",
      "/api/v1/queues?cursor=abc",
      "/api/v1/conversations?cursor=1:2:3",
      "/api/v1/conversations?status=deleted",
      "/api/v1/conversations?q=" + "x".repeat(201),
      `/api/v1/conversations/${w.conversation}/messages?cursor=-5`,
      "/inbox/abc",
      "/inbox/0",
      "/media/abc",
      "/admin/users/1e3/edit",
      "/api/v1/contacts?tagId=abc",
      "/api/v1/contacts?field.nada=1",
      "/api/v1/contacts?cursor=x",
      "/api/v1/contacts/abc",
      "/api/v1/imports/0",
      "/contacts/abc",
      "/contacts/1/merge?with=abc",
      "/contacts/imports/abc",
    ];
    for (const path of paths) {
      const res = await w.raw("GET", path);
      expectClientError(path, res.status);
    }
    expect(await w.snapshot()).toBe(before);
  });
});
