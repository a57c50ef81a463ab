import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { AiSettingsService } from "../../core/ai/ai-settings-service.ts";
import type { BackupService } from "../../core/backups/backup-service.ts";
import type { BotRunner } from "../../core/bot/bot-runner.ts";
import type { OutboxDispatcher } from "../../core/conversations/outbox-dispatcher.ts";
import type { InboundResponder } from "../../core/responses/inbound-responder.ts";
import { T } from "../../core/tokens.ts";
import { OpenAiFake } from "../fakes/openai.ts";
import { api, type Client } from "../helpers/client.ts";
import { RelayProvider } from "../helpers/relay.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

const TOKEN = "metrics-scrape-token-0123456789";

type Series = Map<string, number>;
interface Scrape {
  types: Map<string, string>;
  series: Series;
}

/**
 * A strict reader of the Prometheus text format 0.0.4: every sample belongs to
 * a family announced by HELP and TYPE just before it, names and labels are
 * well-formed, values are numbers (or NaN, +Inf), no series repeats, counters
 * end in _total, and every histogram has cumulative buckets ending in +Inf equal
 * to its _count. Throws on the first line that breaks a rule.
 */
function parsePrometheus(text: string): Scrape {
  const types = new Map<string, string>();
  const series: Series = new Map();
  const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/;
  const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/;
  let family: string | null = null;
  let helped: string | null = null;
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  const lines = text.slice(0, -1).split("\n");
  lines.forEach((line, n) => {
    const where = `line ${n + 1}: ${line}`;
    if (line.startsWith("# HELP ")) {
      const name = line.slice(7).split(" ")[0]!;
      if (!NAME.test(name) || types.has(name)) throw new Error(`bad or repeated HELP, ${where}`);
      helped = name;
      return;
    }
    if (line.startsWith("# TYPE ")) {
      const [name, type] = line.slice(7).split(" ");
      if (name !== helped) throw new Error(`TYPE without its HELP, ${where}`);
      if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(type!)) throw new Error(`unknown type, ${where}`);
      if (type === "counter" && !name!.endsWith("_total")) throw new Error(`counter not named _total, ${where}`);
      types.set(name!, type!);
      family = name!;
      return;
    }
    if (line.startsWith("#") || line === "") throw new Error(`unexpected line, ${where}`);
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`malformed sample, ${where}`);
    const [, name, , rawLabels = "", value] = m;
    const type = family ? types.get(family) : undefined;
    const belongs = name === family || (type === "histogram" && [`${family}_bucket`, `${family}_sum`, `${family}_count`].includes(name!));
    if (!belongs) throw new Error(`sample outside its family ${family}, ${where}`);
    const labels: string[] = [];
    let rest = rawLabels;
    while (rest.length) {
      const l = LABEL.exec(rest);
      if (!l) throw new Error(`malformed labels, ${where}`);
      labels.push(`${l[1]}="${l[2]}"`);
      rest = rest.slice(l[0].length);
    }
    if (!/^(NaN|[+-]Inf|-?\d+(\.\d+)?(e[+-]?\d+)?)$/.test(value!)) throw new Error(`bad value, ${where}`);
    const key = `${name}{${labels.join(",")}}`;
    if (series.has(key)) throw new Error(`repeated series, ${where}`);
    series.set(key, value === "+Inf" ? Infinity : value === "-Inf" ? -Infinity : Number(value));
  });
  for (const [name, type] of types) {
    if (type !== "histogram") continue;
    const buckets = [...series].filter(([k]) => k.startsWith(`${name}_bucket{`));
    const values = buckets.map(([, v]) => v);
    if (values.some((v, i) => i > 0 && v < values[i - 1]!)) throw new Error(`${name}: buckets not cumulative`);
    if (!buckets.at(-1)?.[0].includes('le="+Inf"')) throw new Error(`${name}: no +Inf bucket`);
    if (buckets.at(-1)![1] !== series.get(`${name}_count{}`)) throw new Error(`${name}: +Inf bucket differs from _count`);
  }
  return { types, series };
}

/** Sum of a family's series whose labels include every `match` pair. */
function total(s: Scrape, name: string, match: Record<string, string> = {}): number {
  let n = 0;
  for (const [k, v] of s.series) {
    if (!k.startsWith(`${name}{`)) continue;
    if (Object.entries(match).every(([l, x]) => k.includes(`${l}="${x}"`))) n += v;
  }
  return n;
}

describe("/metrics", () => {
  let app: TestApp;
  let provider: RelayProvider;
  let ai: OpenAiFake;
  let admin: Client;
  let token: string;
  let channel: number;
  const scrape = async () => {
    const res = await app.app.handle(new Request("http://localhost/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    return parsePrometheus(await res.text());
  };
  const settle = async () => {
    await app.container.resolve<InboundResponder>(T.InboundResponder).idle();
    await app.container.resolve<BotRunner>(T.BotRunner).idle();
    await app.container.resolve<OutboxDispatcher>(T.OutboxDispatcher).idle();
  };

  beforeAll(async () => {
    provider = new RelayProvider();
    const endpoint = provider.start();
    ai = new OpenAiFake({ apiKey: "sk-metrics-key-1234" });
    const base = await ai.start();
    app = await createTestApp({ env: { METRICS_TOKEN: TOKEN } });
    app.container.resolve<AiSettingsService>(T.AiSettingsService).timeoutMs = 1000;
    await app.makeUser(app.companyId, "gerente", "admin");
    admin = app.client();
    await admin.login("gerente", "password-123");
    token = app.makeToken(app.companyId);
    channel = app.makeRelayChannel(app.companyId, endpoint, app.makeQueue(app.companyId, "ventas"));
    expect((await admin.post("/admin/ai", { enabled: "1", baseUrl: base, model: "gpt-4o-mini", apiKey: "sk-metrics-key-1234", temperature: "0", maxTokens: "100", maxTurns: "4", monthlyTokenBudget: "0" })).status).toBe(303);
  });
  afterAll(async () => {
    await app.close();
    provider.stop();
    await ai.stop();
  });

  test("is off without METRICS_TOKEN (404) and asks for the token when on (401)", async () => {
    const off = await createTestApp();
    try {
      expect((await off.app.handle(new Request("http://localhost/metrics"))).status).toBe(404);
      expect((await off.app.handle(new Request("http://localhost/metrics", { headers: { authorization: "Bearer anything-at-all-12345" } }))).status).toBe(404);
    } finally {
      await off.close();
    }
    for (const authorization of [undefined, "Bearer wrong-token-0123456789abc", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`]) {
      const res = await app.app.handle(new Request("http://localhost/metrics", { headers: authorization ? { authorization } : {} }));
      expect({ authorization, status: res.status }).toEqual({ authorization, status: 401 });
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      expect(await res.text()).not.toContain("charla_");
    }
    // A session is no way in either: scrapers use the token, not cookies.
    expect((await admin.get("/metrics")).status).toBe(401);
  });

  test("parses as strict Prometheus text and names every figure the operator needs", async () => {
    const s = await scrape();
    for (const name of [
      "charla_http_requests_total",
      "charla_webhook_requests_total",
      "charla_webhook_duration_seconds",
      "charla_outbox_depth",
      "charla_send_attempts_total",
      "charla_webhook_queue_depth",
      "charla_sse_clients",
      "charla_bot_runs_total",
      "charla_ai_calls_total",
      "charla_ai_tokens_total",
      "charla_backup_age_seconds",
      "charla_database_size_bytes",
      "charla_process_resident_memory_bytes",
    ]) {
      expect({ name, known: s.types.has(name) }).toEqual({ name, known: true });
    }
    expect(s.types.get("charla_webhook_duration_seconds")).toBe("histogram");
    // Until a checkpoint most of a young database sits in its WAL.
    expect(total(s, "charla_database_size_bytes") + total(s, "charla_database_wal_size_bytes")).toBeGreaterThan(50_000);
    // No backup yet: the age is +Inf, which any "older than" alert catches.
    expect(total(s, "charla_backup_age_seconds")).toBe(Infinity);
    // The parser itself refuses what it should.
    expect(() => parsePrometheus("x 1\n")).toThrow("outside its family");
    expect(() => parsePrometheus("# HELP a_total h\n# TYPE a_total counter\na_total{l=\"x} 1\n")).toThrow("malformed");
    expect(() => parsePrometheus("# HELP a h\n# TYPE a counter\na 1\n")).toThrow("_total");
    expect(() => parsePrometheus("# HELP a h\n# TYPE a gauge\na 1\na 2\n")).toThrow("repeated");
  });

  test("its counters move when traffic flows", async () => {
    const before = await scrape();
    // Webhooks: two stored, one refused by the plugin (bad token).
    expect((await app.webhook(channel, { messages: [{ id: "m1", from: "573001112233", text: "hola" }] })).status).toBe(200);
    expect((await app.webhook(channel, { messages: [{ id: "m2", from: "573001112233", text: "otra" }] })).status).toBe(200);
    expect((await app.webhook(channel, { messages: [] }, "wrong-token")).status).toBe(401);
    await settle();
    const conversation = app.db.query<{ id: number }, []>("SELECT id FROM conversations ORDER BY id DESC LIMIT 1").get()!.id;
    // Sends: one goes, one is refused for good by the provider.
    expect((await api(app.app, "POST", `/api/v1/conversations/${conversation}/messages`, token, { text: "respuesta" })).status).toBe(201);
    await settle();
    provider.script.push({ status: 401, error: "revoked" });
    expect((await api(app.app, "POST", `/api/v1/conversations/${conversation}/messages`, token, { text: "otra respuesta" })).status).toBe(201);
    await settle();
    // A bot program on the channel answers a new conversation.
    const bot = (await (await api(app.app, "POST", "/api/v1/bots", token, { name: "saludo", channelIds: [channel], steps: [{ priority: 1, type: "end", text: "Gracias por escribir." }] })).json()) as { id: number };
    expect((await api(app.app, "POST", `/api/v1/bots/${bot.id}/publish`, token)).status).toBe(200);
    expect((await app.webhook(channel, { messages: [{ id: "m3", from: "573009998877", text: "buenas" }] })).status).toBe(200);
    await settle();
    // An AI call (the settings' Probar).
    expect((await admin.post("/admin/ai/test", {}, { headers: { "hx-request": "true", "hx-request-type": "partial" } })).status).toBe(200);
    // A live inbox stream open while scraping.
    const stream = await admin.get("/inbox/stream");
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    await app.container.resolve<BackupService>(T.BackupService).run("manual");

    const after = await scrape();
    const delta = (name: string, match: Record<string, string> = {}) => total(after, name, match) - total(before, name, match);
    expect(delta("charla_webhook_requests_total", { status: "200" })).toBe(3);
    expect(delta("charla_webhook_requests_total", { status: "401" })).toBe(1);
    expect(after.series.get("charla_webhook_duration_seconds_count{}")! - before.series.get("charla_webhook_duration_seconds_count{}")!).toBe(4);
    expect(after.series.get("charla_webhook_duration_seconds_sum{}")!).toBeGreaterThan(0);
    expect(delta("charla_http_requests_total", { method: "POST", route: "/webhooks/:channelId" })).toBe(4);
    expect(delta("charla_http_requests_total", { method: "POST", route: "/api/v1/conversations/:id/messages", status: "201" })).toBe(2);
    expect(delta("charla_send_attempts_total", { outcome: "sent" })).toBeGreaterThanOrEqual(2);
    expect(delta("charla_send_attempts_total", { outcome: "failed", code: "token_expired" })).toBe(1);
    expect(delta("charla_bot_runs_total", { event: "started" })).toBe(1);
    expect(delta("charla_bot_runs_total")).toBeGreaterThanOrEqual(2);
    expect(delta("charla_ai_calls_total", { kind: "test", outcome: "ok" })).toBe(1);
    expect(delta("charla_ai_tokens_total")).toBeGreaterThan(0);
    expect(total(after, "charla_sse_clients", { stream: "inbox" })).toBe(1);
    expect(total(after, "charla_backup_age_seconds")).toBeLessThan(60);
    // Made-up URLs count under one "unmatched" route, not one series each.
    for (const p of ["/nope/1", "/nope/2", "/%7e/x"]) await app.app.handle(new Request(`http://localhost${p}`));
    const routes = [...(await scrape()).series.keys()].filter((k) => k.startsWith("charla_http_requests_total{"));
    expect(routes.some((k) => k.includes("/nope"))).toBe(false);
    expect(routes.some((k) => k.includes('route="unmatched",status="404"'))).toBe(true);
    await stream.body?.cancel();
  });

  test("the outbox depth is read when scraped: replies waiting for a provider that is down", async () => {
    provider.script.push(...Array.from({ length: 8 }, () => ({ status: 503, error: "down" })));
    const conversation = app.db.query<{ id: number }, []>("SELECT id FROM conversations ORDER BY id LIMIT 1").get()!.id;
    expect((await api(app.app, "POST", `/api/v1/conversations/${conversation}/messages`, token, { text: "¿sigue ahí?" })).status).toBe(201);
    await settle();
    const s = await scrape();
    expect(total(s, "charla_outbox_depth")).toBe(1);
    expect(total(s, "charla_outbox_oldest_age_seconds")).toBeGreaterThanOrEqual(0);
    expect(total(s, "charla_send_attempts_total", { outcome: "retry" })).toBeGreaterThanOrEqual(1);
    provider.script.length = 0;
  });

  test("Estado del sistema: the operator's page shows the same figures, in Spanish or English; admins get 403", async () => {
    expect((await admin.get("/admin/system")).status).toBe(403);
    expect((await admin.get("/admin/system/live")).status).toBe(403);
    const op = await app.operator();
    const page = await op.html("/admin/system");
    expect(page).toContain("Estado del sistema");
    expect(page).toContain("/metrics está activo");
    expect(page).toContain('hx-get="/admin/system/live"');
    const webhooks = Number(/id="sys-webhooks"[\s\S]*?<strong>([\d.,]+)<\/strong>/.exec(page)![1]!.replace(/\D/g, ""));
    expect(webhooks).toBe(total(await scrape(), "charla_webhook_requests_total"));
    const live = await op.html("/admin/system/live");
    expect(live).not.toContain("<html");
    expect(live).toContain('id="sys-outbox"');
    // Failures by cause, from the send refused with token_expired above.
    expect(live).toContain("token_expired");
    app.db.query("UPDATE users SET language = 'en' WHERE username = 'admin'").run();
    const english = await (await app.operator()).html("/admin/system");
    expect(english).toContain("System status");
    expect(english).toContain("Failed sends");
  });
});
