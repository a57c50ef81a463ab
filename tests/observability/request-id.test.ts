import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OutboxDispatcher } from "../../core/conversations/outbox-dispatcher.ts";
import { requestIdFrom } from "../../core/observability/request-context.ts";
import { T } from "../../core/tokens.ts";
import { api } from "../helpers/client.ts";
import { RelayProvider } from "../helpers/relay.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

type Line = { level: string; msg: string; requestId?: string; [k: string]: unknown };

/** Structured logs: one JSON line each, and every line written while a request is handled carries its id. */
describe("request ids in logs and responses", () => {
  let app: TestApp;
  let provider: RelayProvider;
  let channel: number;
  const lines: Line[] = [];
  const write = process.stderr.write.bind(process.stderr);

  beforeAll(async () => {
    provider = new RelayProvider();
    const endpoint = provider.start();
    app = await createTestApp({ env: { LOG_LEVEL: "info" } });
    channel = app.makeRelayChannel(app.companyId, endpoint);
    // Every line the app writes, parsed (a line that is not JSON fails the test).
    process.stderr.write = ((chunk: string | Uint8Array) => {
      for (const l of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(l) as Line);
      return true;
    }) as typeof process.stderr.write;
  });
  afterAll(async () => {
    process.stderr.write = write;
    await app.close();
    provider.stop();
  });

  test("a sane X-Request-Id is kept and echoed; anything else is replaced by a fresh id", async () => {
    const ask = (id?: string) => app.app.handle(new Request("http://localhost/login", { headers: id === undefined ? {} : { "x-request-id": id } }));
    expect((await ask("2f1c9a7e-5b0d-4c1e-9a77-0c6f2d8e1b10")).headers.get("x-request-id")).toBe("2f1c9a7e-5b0d-4c1e-9a77-0c6f2d8e1b10");
    expect((await ask("nginx.req:42_a-b")).headers.get("x-request-id")).toBe("nginx.req:42_a-b");
    for (const bad of ["", "two words", '{"json":1}', "x".repeat(129), "ñandú", "a\tb"]) {
      const got = (await ask(bad)).headers.get("x-request-id")!;
      expect({ bad, got: got === bad }).toEqual({ bad, got: false });
      expect(got).toMatch(/^[A-Za-z0-9_-]{16}$/);
    }
    const fresh = new Set(await Promise.all(Array.from({ length: 20 }, async () => (await ask()).headers.get("x-request-id"))));
    expect(fresh.size).toBe(20);
    // Error pages and API errors carry it too.
    expect((await app.app.handle(new Request("http://localhost/no-such-page", { headers: { "x-request-id": "err-1" } }))).headers.get("x-request-id")).toBe("err-1");
    expect((await api(app.app, "GET", "/api/v1/queues", null, undefined, { "x-request-id": "err-2" })).headers.get("x-request-id")).toBe("err-2");
    expect(requestIdFrom(null)).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  test("every line a request writes carries its id, however deep the writer; background work carries none", async () => {
    lines.length = 0;
    const rejected = await app.app.handle(
      new Request(`http://localhost/webhooks/${channel}`, { method: "POST", headers: { "x-relay-token": "forged", "x-request-id": "hook-77" }, body: "{}" }),
    );
    expect(rejected.status).toBe(401);
    const warn = lines.find((l) => l.msg === "webhook rejected")!;
    expect(warn).toMatchObject({ level: "warn", requestId: "hook-77", channel });
    const access = lines.find((l) => l.msg === "request" && l.requestId === "hook-77");
    // Provider callbacks are frequent: their access lines are debug only.
    expect(access).toBeUndefined();

    lines.length = 0;
    const page = await app.app.handle(new Request("http://localhost/login", { headers: { "x-request-id": "page-1" } }));
    expect(page.status).toBe(200);
    expect(lines.filter((l) => l.msg === "request")).toEqual([expect.objectContaining({ level: "info", requestId: "page-1", method: "GET", path: "/login", route: "/login", status: 200 })]);

    // A send queued by an API request fails later in the outbox's own loop: that line is not the request's.
    const token = app.makeToken(app.companyId);
    expect((await app.webhook(channel, { messages: [{ id: "r1", from: "573001112233", text: "hola" }] })).status).toBe(200);
    const conversation = app.db.query<{ id: number }, []>("SELECT id FROM conversations ORDER BY id DESC LIMIT 1").get()!.id;
    provider.script.push({ status: 400, error: "refused" });
    lines.length = 0;
    const res = await api(app.app, "POST", `/api/v1/conversations/${conversation}/messages`, token, { text: "x" }, { "x-request-id": "reply-1" });
    expect(res.status).toBe(201);
    await app.container.resolve<OutboxDispatcher>(T.OutboxDispatcher).idle();
    const failed = lines.find((l) => l.msg === "send failed");
    expect(failed).toBeDefined();
    expect(failed!.requestId).toBeUndefined();
    expect(lines.find((l) => l.msg === "request" && l.requestId === "reply-1")).toMatchObject({ route: "/api/v1/conversations/:id/messages", status: 201 });
  });
});
