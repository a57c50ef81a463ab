import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { badInputWorld, deepJson, expectClientError } from "./setup.ts";

/**
 * Every write route of the JSON API against bodies it cannot use. Each answer is a
 * 4xx with the JSON error envelope, and afterwards every listing and table is as it was.
 */
describe("bad input: JSON API bodies", () => {
  let w: Awaited<ReturnType<typeof badInputWorld>>;
  let writes: { method: string; path: string }[];
  let before: string;

  beforeAll(async () => {
    w = await badInputWorld();
    writes = w.routes.filter((r) => r.path.startsWith("/api/v1/") && ["POST", "PATCH", "PUT", "DELETE"].includes(r.method) && r.method !== "DELETE");
    expect(writes.length).toBeGreaterThanOrEqual(9);
    before = await w.snapshot();
  });
  afterAll(() => w.stop());

  const cases: [string, { type?: string; body: BodyInit }, number[]][] = [
    ["20,000 deep", { type: "application/json", body: deepJson(20_000) }, [413]],
    ["5,000 deep", { type: "application/json", body: deepJson(5_000) }, [413]],
    ["2 MB", { type: "application/json", body: JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) }) }, [413]],
    ["JSON as text/plain", { type: "text/plain", body: '{"name":"otra","note":"x"}' }, [415]],
    ["XML", { type: "application/xml", body: "<queue><name>x</name></queue>" }, [415]],
    ["octet-stream", { type: "application/octet-stream", body: new Uint8Array([1, 2, 3]) }, [415]],
    ["no content type", { body: '{"name":"otra"}' }, [415]],
    ["a top-level array", { type: "application/json", body: '[{"name":"otra"}]' }, [400]],
    ["malformed JSON", { type: "application/json", body: '{"note":"no' }, [400]],
    ["invalid UTF-8 bytes", { type: "application/json", body: new Uint8Array([...new TextEncoder().encode('{"name":"ca'), 0xff, 0xfe, ...new TextEncoder().encode('"}')]) }, [400]],
    ["a lone surrogate", { type: "application/json", body: '{"name":"\\ud800","text":"\\udfff"}' }, [400]],
    ["a 200,000-character field", { type: "application/json", body: JSON.stringify({ name: "x".repeat(200_000), text: "y".repeat(200_000) }) }, [413]],
  ];

  for (const [label, c, statuses] of cases) {
    test(`${label}: every write route refuses it with ${statuses.join("/")} and the JSON error`, async () => {
      for (const r of writes) {
        const res = await w.raw(r.method, w.fill(r.path), { headers: c.type ? { "content-type": c.type } : {}, body: c.body });
        expect({ route: `${r.method} ${r.path}`, status: res.status }).toEqual({ route: `${r.method} ${r.path}`, status: statuses[0]! });
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toMatch(/^[a-z0-9_]+$/);
        expect(body.error.message.length).toBeGreaterThan(5);
      }
      expect(await w.snapshot()).toBe(before);
    });
  }

  test("wrong JSON types and over-long fields are 422 with the field named, nothing applied", async () => {
    const bad: [string, string, unknown][] = [
      ["POST", "/api/v1/queues", { name: 5 }],
      ["POST", "/api/v1/queues", { name: "x".repeat(61) }],
      ["POST", "/api/v1/queues", { name: "ok", maxPerAgent: "10" }],
      ["PATCH", `/api/v1/queues/${w.queue}`, { strategy: "random" }],
      ["POST", "/api/v1/users", { username: "nuevo", name: "Nuevo", password: "p".repeat(100_000), role: "agent" }],
      ["POST", "/api/v1/users", { username: "nuevo", name: "Nuevo", password: "p".repeat(300), role: "agent" }],
      ["POST", "/api/v1/users", { username: "nuevo", name: "Nuevo", password: "password-123", role: "agent", queueIds: "1" }],
      ["PATCH", `/api/v1/users/${w.agent}`, { active: "no" }],
      ["POST", "/api/v1/channels", { plugin: "webchat", name: "Chat", config: "AAAA" }],
      ["POST", "/api/v1/channels", { plugin: "webchat", name: "Chat", config: 5 }],
      ["POST", "/api/v1/channels", { plugin: "webchat", name: "Chat", config: { nested: { deep: true } } }],
      ["PATCH", `/api/v1/channels/${w.relay}`, { name: "" }],
      ["POST", `/api/v1/conversations/${w.conversation}/messages`, { text: 7 }],
      ["POST", `/api/v1/conversations/${w.conversation}/messages`, { text: "x".repeat(4097) }],
      ["POST", `/api/v1/conversations/${w.conversation}/transfer`, { queueId: "ventas" }],
      ["POST", `/api/v1/conversations/${w.conversation}/close`, { note: ["a"] }],
      ["POST", "/api/v1/contacts", { name: 5 }],
      ["POST", "/api/v1/contacts", { name: "Ana", phone: 3001112233 }],
      ["POST", "/api/v1/contacts", { name: "Ana", phone: "123" }],
      ["POST", "/api/v1/contacts", { name: "Ana", email: "ana@" }],
      ["POST", "/api/v1/contacts", { name: "Ana", fields: "cedula=1" }],
      ["POST", "/api/v1/contacts", { name: "Ana", fields: { no_such_field: "x" } }],
      ["POST", "/api/v1/contacts", { name: "Ana", tagIds: "1" }],
      ["POST", "/api/v1/contacts", { name: "Ana", tagIds: [999999] }],
      ["POST", "/api/v1/contacts", { name: "x".repeat(101) }],
      ["PATCH", `/api/v1/contacts/1`, { blocked: "yes" }],
      ["POST", `/api/v1/contacts/1/merge`, { otherId: "2" }],
      ["POST", `/api/v1/contacts/1/merge`, { otherId: 1 }],
      ["POST", `/api/v1/contacts/1/tags`, { tagId: 999999 }],
      ["POST", `/api/v1/contacts/1/notes`, { text: "" }],
      ["POST", "/api/v1/fields", { key: "Cédula", label: "Cédula", type: "text" }],
      ["POST", "/api/v1/fields", { key: "ok", label: "Ok", type: "money" }],
      ["POST", "/api/v1/fields", { key: "nombre", label: "Nombre", type: "text" }],
      ["POST", "/api/v1/fields", { key: "talla", label: "Talla", type: "choice", options: [] }],
      ["POST", "/api/v1/fields", { key: "edad", label: "Edad", type: "number", min: 10, max: 1 }],
      ["PUT", "/api/v1/fields/order", { ids: [999999] }],
      ["POST", "/api/v1/tags", { name: "VIP", color: "red" }],
      ["POST", "/api/v1/tags", { name: "a;b", color: "#112233" }],
      ["POST", "/api/v1/tags", { name: "", color: "#112233" }],
      ["POST", "/api/v1/webhooks", { url: "https://hooks.example.com/x", events: [] }],
      ["POST", "/api/v1/webhooks", { url: "https://hooks.example.com/x", events: ["message.deleted"] }],
      ["POST", "/api/v1/webhooks", { url: "https://hooks.example.com/x", events: "message.received" }],
      ["POST", "/api/v1/webhooks", { url: "ftp://hooks.example.com/x", events: ["message.received"] }],
      ["POST", "/api/v1/webhooks", { url: `https://hooks.example.com/${"x".repeat(600)}`, events: ["message.received"] }],
      ["POST", "/api/v1/webhooks", { url: "https://hooks.example.com/x", events: ["message.received"], description: "d".repeat(201) }],
    ];
    for (const [method, path, body] of bad) {
      const res = await w.raw(method, path, { headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      expect({ call: `${method} ${path} ${JSON.stringify(body).slice(0, 60)}`, status: res.status }).toEqual({ call: `${method} ${path} ${JSON.stringify(body).slice(0, 60)}`, status: 422 });
    }
    expect(await w.snapshot()).toBe(before);
  });

  test("the server keeps answering /healthz quickly while deep bodies pour in", async () => {
    const deep = deepJson(20_000);
    const slowest: number[] = [];
    const flood = Promise.all(
      Array.from({ length: 60 }, () => w.raw("POST", "/api/v1/queues", { headers: { "content-type": "application/json" }, body: deep }).then((r) => expectClientError("deep", r.status))),
    );
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      expect((await fetch(`${w.server.url}/healthz`)).status).toBe(200);
      slowest.push(performance.now() - t);
    }
    await flood;
    console.log(`/healthz while 60 bodies nested 20,000 deep arrive: slowest ${Math.max(...slowest).toFixed(1)} ms`);
    expect(Math.max(...slowest)).toBeLessThan(100);
    expect(await w.snapshot()).toBe(before);
  });
});
