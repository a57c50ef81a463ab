import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { IDEMPOTENCY_TTL_MS } from "../../core/api/idempotency-service.ts";
import { api } from "../helpers/client.ts";
import { relayConversation, settleOutbox } from "../helpers/outbox.ts";
import { RelayProvider } from "../helpers/relay.ts";
import { createTestApp, TestClock, type TestApp } from "../helpers/test-app.ts";

type Json = Record<string, any>;

/** Idempotency-Key on the API's POSTs (README "Idempotency-Key"). */
describe("Idempotency-Key", () => {
  let app: TestApp;
  let token: string;
  const clock = new TestClock();
  const relay = new RelayProvider();
  let conversation: number;
  const post = (path: string, body: unknown, key?: string, t = token) => api(app.app, "POST", path, t, body, key === undefined ? {} : { "idempotency-key": key });
  const count = (sql: string) => app.db.query<{ n: number }, []>(`SELECT COUNT(*) AS n FROM ${sql}`).get()!.n;

  beforeAll(async () => {
    app = await createTestApp({ clock });
    token = app.makeToken(app.companyId, "write");
    const channel = app.makeRelayChannel(app.companyId, relay.start());
    conversation = await relayConversation(app, channel, "573001110000");
  });
  afterAll(async () => {
    await app.close();
    relay.stop();
  });

  test("a repeated key replays the first answer and sends the message once", async () => {
    const first = await post(`/api/v1/conversations/${conversation}/messages`, { text: "Su pedido sale hoy" }, "send-1");
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const body = (await first.json()) as Json;
    const again = await post(`/api/v1/conversations/${conversation}/messages`, { text: "Su pedido sale hoy" }, "send-1");
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("content-type")).toContain("application/json");
    expect(await again.json()).toEqual(body);
    await settleOutbox(app);
    expect(relay.calls.filter((c) => c.text === "Su pedido sale hoy")).toHaveLength(1);
    expect(app.db.query<{ n: number }, [string]>("SELECT COUNT(*) AS n FROM messages WHERE text = ?").get("Su pedido sale hoy")!.n).toBe(1);
  });

  test("creates are not repeated either: contacts, queues, tags, notes", async () => {
    const contacts = count("contacts");
    for (let i = 0; i < 3; i++) expect((await post("/api/v1/contacts", { name: "Ana", phone: "3001112233" }, "contact-1")).status).toBe(201);
    expect(count("contacts")).toBe(contacts + 1);
    for (let i = 0; i < 2; i++) expect((await post("/api/v1/queues", { name: "soporte" }, "queue-1")).status).toBe(201);
    expect(count("queues WHERE name = 'soporte'")).toBe(1);
    const tag = (await (await post("/api/v1/tags", { name: "VIP", color: "#112233" }, "tag-1")).json()) as Json;
    expect(((await (await post("/api/v1/tags", { color: "#112233", name: "VIP" }, "tag-1")).json()) as Json).id).toBe(tag.id);
  });

  test("a CSV import with the same key and bytes starts one job; other bytes are a 422", async () => {
    const send = (csv: string) =>
      app.app.handle(
        new Request("http://localhost/api/v1/contacts/import?dryRun=true", {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "text/csv", "idempotency-key": "import-1" },
          body: csv,
        }),
      );
    const jobs = count("import_jobs");
    const first = (await (await send("nombre,telefono\nAna,3001112233\n")).json()) as Json;
    const again = await send("nombre,telefono\nAna,3001112233\n");
    expect(again.status).toBe(202);
    expect(((await again.json()) as Json).jobId).toBe(first.jobId);
    expect(count("import_jobs")).toBe(jobs + 1);
    expect((await send("nombre,telefono\nBeto,3001112244\n")).status).toBe(422);
  });

  test("the same key with another body, path or method is a 422 naming the header, and nothing is done", async () => {
    expect((await post("/api/v1/queues", { name: "ventas" }, "k-mismatch")).status).toBe(201);
    const queues = count("queues");
    for (const [path, body] of [
      ["/api/v1/queues", { name: "compras" }],
      ["/api/v1/tags", { name: "ventas", color: "#000000" }],
    ] as const) {
      const res = await post(path, body, "k-mismatch");
      expect(res.status).toBe(422);
      const err = ((await res.json()) as Json).error;
      expect(err.code).toBe("validation_failed");
      expect(err.message).toContain("Idempotency-Key");
      expect(Object.keys(err.fields)).toEqual(["Idempotency-Key"]);
    }
    expect(count("queues")).toBe(queues);
    const en = await api(app.app, "POST", "/api/v1/queues", token, { name: "compras" }, { "idempotency-key": "k-mismatch", "accept-language": "en" });
    expect(((await en.json()) as Json).error.message).toContain("already used with a different request");
  });

  test("while the first request runs, the same key is a 409; afterwards it replays", async () => {
    // Channel creation waits for the plugin's check: two requests overlap.
    const body = { plugin: "http-relay", name: "lento", config: { endpoint: "http://127.0.0.1:9/x", token: "t" } };
    const [a, b] = await Promise.all([post("/api/v1/channels", body, "slow-1"), post("/api/v1/channels", body, "slow-1")]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([201, 409]);
    const conflict = (await (a.status === 409 ? a : b).json()) as Json;
    expect(conflict.error.code).toBe("idempotency_in_flight");
    expect(count("channels WHERE name = 'lento'")).toBe(1);
    const replay = await post("/api/v1/channels", body, "slow-1");
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
  });

  test("another company's identical key is independent, and so is another token's", async () => {
    const other = app.makeCompany("otra");
    const otherToken = app.makeToken(other, "write");
    const mine = (await (await post("/api/v1/queues", { name: "misma" }, "shared-key")).json()) as Json;
    const theirs = await post("/api/v1/queues", { name: "misma" }, "shared-key", otherToken);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect(((await theirs.json()) as Json).id).not.toBe(mine.id);
    const secondToken = app.makeToken(app.companyId, "write");
    expect((await post("/api/v1/queues", { name: "misma" }, "shared-key", secondToken)).status).toBe(422); // runs: the name is taken
  });

  test("an error is not kept: the key is free for the corrected request", async () => {
    const bad = await post("/api/v1/queues", { name: "x".repeat(10), strategy: "random" }, "fix-me");
    expect(bad.status).toBe(422);
    const taken = await post("/api/v1/queues", { name: "ventas" }, "fix-me-2");
    expect(taken.status).toBe(422);
    const fixed = await post("/api/v1/queues", { name: "corregida" }, "fix-me-2");
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get("idempotent-replayed")).toBeNull();
  });

  test("keys are 1-200 printable characters, else 400; without the header nothing changes", async () => {
    for (const key of ["x".repeat(201), "ñandú", "   "]) {
      const res = await post("/api/v1/queues", { name: `k-${key.length}` }, key);
      expect({ key, status: res.status }).toEqual({ key, status: 400 });
      expect(((await res.json()) as Json).error.code).toBe("idempotency_key_invalid");
    }
    expect((await post("/api/v1/queues", { name: "sin-clave" })).status).toBe(201);
    expect((await post("/api/v1/queues", { name: "sin-clave" })).status).toBe(422);
    expect((await post("/api/v1/queues", { name: "larga" }, "k".repeat(200))).status).toBe(201);
  });

  test("after 24 hours a key starts over, and expired rows are cleaned as new keys arrive", async () => {
    expect((await post("/api/v1/queues", { name: "dia-1" }, "daily")).status).toBe(201);
    clock.advance(IDEMPOTENCY_TTL_MS + 1000);
    const next = await post("/api/v1/queues", { name: "dia-2" }, "daily");
    expect(next.status).toBe(201);
    expect(next.headers.get("idempotent-replayed")).toBeNull();
    expect(app.db.query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM idempotency_keys WHERE expires_at <= ?").get(clock.now())!.n).toBe(0);
  });

  test("a read token gets 403 before any key is taken", async () => {
    const read = app.makeToken(app.companyId, "read");
    expect((await post("/api/v1/queues", { name: "r" }, "read-key", read)).status).toBe(403);
    expect(count("idempotency_keys WHERE key = 'read-key'")).toBe(0);
  });
});
