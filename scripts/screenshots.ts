#!/usr/bin/env bun
/**
 * Screenshots of panel pages in real Chromium, at 1280x800 and 390x844, for looking
 * at what a change did. Starts the real app with demo data on a free port, signs in
 * as the given user, and writes <out>/<name>-<desktop|phone>.png.
 *   bun scripts/screenshots.ts [--out /tmp/shots] [--user admin] [--lang es|en] [--import] [/path ...]
 * --import also walks a CSV import: upload, column preview, dry-run report.
 * --history fills the dashboard's rollups with 30 days of made-up activity (a picture, not a test).
 * --webhooks adds a webhook subscription (to a local receiver answering 200, then 500) with a few deliveries in its log.
 * --backups takes three backups first and, when litestream is at hand, replicates to a temporary file replica.
 * --audit does a few admin actions over HTTP (panel and API) first, so "Auditoría" and "Estado del sistema" show some.
 * Without paths it shoots the main pages. Not part of the test suite.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BackupService } from "../core/backups/backup-service.ts";
import { findLitestream } from "../core/backups/litestream.ts";
import type { Bootstrap } from "../core/system/bootstrap.ts";
import { T } from "../core/tokens.ts";
import { launchBrowser } from "../tests/helpers/browser.ts";
import { startLiveServer } from "../tests/helpers/live-server.ts";
import { ADMIN_PASSWORD, RELAY_TOKEN } from "../tests/helpers/test-app.ts";
import type { WebhookService } from "../core/outbound-webhooks/webhook-service.ts";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const out = opt("--out", "/tmp/shots");
const user = opt("--user", "admin");
const lang = opt("--lang", "es");
const paths = args.filter((a, i) => a.startsWith("/") && !["--out", "--user", "--lang"].includes(args[i - 1] ?? ""));
mkdirSync(out, { recursive: true });

const replica = args.includes("--backups") && findLitestream({ litestreamPath: "" }) ? { REPLICA_URL: `file://${mkdtempSync(join(tmpdir(), "charla-shot-replica-"))}` } : {};
const server = await startLiveServer({ ...(args.includes("--webhooks") ? { WEBHOOKS_ALLOW_PRIVATE: "true" } : {}), ...replica });
await server.container.resolve<Bootstrap>(T.Bootstrap).demo(server.companyId);
const webchat = server.db.query<{ id: number }, []>("SELECT id FROM channels WHERE plugin_id = 'webchat'").get()!.id;
// A conversation with a few messages, so the inbox has something to show.
const relay = server.makeRelayChannel(server.companyId, "http://127.0.0.1:9/x", server.db.query<{ id: number }, []>("SELECT id FROM queues ORDER BY id").get()!.id);
for (const [i, text] of ["Hola, ¿tienen envíos a Medellín?", "Quiero saber el precio del plan mensual", "Gracias"].entries()) {
  await server.webhook(relay, { messages: [{ id: `shot-${i}`, from: `57300111223${i % 2}`, name: i % 2 ? "Francy" : "Luis Carlos Herrera", text }] });
}
const conversation = server.db.query<{ id: number }, []>("SELECT id FROM conversations ORDER BY id").get()!.id;
if (lang === "en") server.db.query("UPDATE users SET language = 'en'").run();
if (args.includes("--history")) {
  const channel = relay;
  const put = server.db.query("INSERT INTO activity_rollups (company_id, bucket, channel_id, received, sent, opened, closed) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
  const cycle = server.db.query("INSERT INTO conversation_cycles (company_id, conversation_id, channel_id, queue_id, agent_id, via_bot, handoff, opened_at, first_response_at, closed_at) VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?, ?)");
  const queue = server.db.query<{ id: number }, []>("SELECT id FROM queues ORDER BY id").get()!.id;
  const agent = server.db.query<{ id: number }, []>("SELECT id FROM users WHERE username = 'fulanito'").get()?.id ?? null;
  const now = Date.now();
  for (let q = 0; q < 30 * 96; q++) {
    const bucket = now - (now % 900_000) - q * 900_000;
    const hour = new Date(bucket - 5 * 3_600_000).getUTCHours();
    const busy = hour >= 8 && hour < 19 ? 1 + ((q * 7) % 5) : (q % 4 === 0 ? 1 : 0);
    if (busy) put.run(server.companyId, bucket, channel, busy * 3, busy * 2 + (q % 3), busy, q % 3 ? busy - 1 : busy);
    if (busy && q % 6 === 0) cycle.run(server.companyId, channel, queue, q % 12 ? agent : null, q % 4 === 0 ? 1 : 0, q % 8 === 0 ? "ai.customer_asked" : null, bucket, q % 12 ? bucket + 60_000 * (1 + (q % 17)) : null, bucket + 3_600_000 * (1 + (q % 5)));
  }
}

if (args.includes("--webhooks")) {
  let n = 0;
  const receiver = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("ok", { status: n++ % 3 === 2 ? 500 : 200 }) });
  const service = server.container.resolve<WebhookService>(T.WebhookService);
  const scope = { companyId: server.companyId, userId: null, role: "admin" as const };
  const { subscription } = service.create(scope, { url: `http://127.0.0.1:${receiver.port}/charla`, description: "n8n: pedidos al ERP", events: ["message.received", "conversation.finalized", "contact.created"] }, "admin");
  service.create(scope, { url: "https://hooks.zapier.com/hooks/catch/123456/abcdef/", events: ["balance.low"] }, "admin");
  await service.test(scope, subscription.id);
  for (const [i, text] of ["¿Hacen domicilios?", "Mi pedido no llegó"].entries()) await server.webhook(relay, { messages: [{ id: `wh-${i}`, from: "573001112240", name: "Marta", text }] });
  await Bun.sleep(500);
}

if (args.includes("--backups")) {
  const backups = server.container.resolve<BackupService>(T.BackupService);
  for (const kind of ["auto", "auto", "manual"] as const) await backups.run(kind);
  await Bun.sleep(1500); // one replication interval, so the replica has written something
}

if (args.includes("--audit")) {
  const { remoteClient } = await import("../tests/helpers/spawned-server.ts");
  const op = remoteClient(server.url);
  await op.login("admin", ADMIN_PASSWORD);
  await op.post("/session/company", { companyId: String(server.companyId) });
  await op.post("/admin/queues", { name: "soporte", strategy: "least_busy", maxPerAgent: "4" });
  await op.post("/admin/users", { username: "camila", name: "Camila Ortiz", password: "camila-2026!", passwordConfirm: "camila-2026!", role: "supervisor", language: "es", extension: "104" });
  await op.post("/admin/tags", { name: "Mayorista", color: "#2e90fa" });
  await op.post("/admin/tokens", { name: "ERP", scope: "write" });
  await op.post(`/admin/channels/${relay}/enabled`, { enabled: "0" });
  await op.post(`/admin/channels/${relay}/enabled`, { enabled: "1" });
  await op.get("/contacts/export");
  const token = server.makeToken(server.companyId);
  await fetch(`${server.url}/api/v1/responses`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ name: "Horario", key: "hr", text: "Atendemos de 8 a 18." }) });
  for (let i = 0; i < 40; i++) await fetch(`${server.url}/webhooks/${relay}`, { method: "POST", headers: { "x-relay-token": RELAY_TOKEN }, body: JSON.stringify({ messages: [{ id: `audit-${i}`, from: "573001112299", text: "hola" }] }) });
}

const pages = paths.length
  ? paths
  : ["/", "/inbox", `/inbox/${conversation}`, "/admin/companies", "/admin/companies/new", "/admin/queues", "/admin/users", "/admin/users/new", "/admin/channels", `/admin/channels/${webchat}`, "/admin/tokens", "/account", "/api/docs"];
const browser = await launchBrowser();
try {
  for (const [size, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    const context = await browser.newContext({ viewport, locale: lang === "en" ? "en-US" : "es-CO" });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.screenshot({ path: join(out, `login-${size}.png`) });
    await page.fill('input[name="username"]', user);
    await page.fill('input[name="password"]', user === "admin" ? ADMIN_PASSWORD : "demo1234");
    await page.click('button[type="submit"]');
    await page.waitForSelector("header.topbar");
    for (const path of pages) {
      await page.goto(`${server.url}${path}`);
      await page.waitForLoadState("load");
      await page.waitForTimeout(200);
      const name = path === "/" ? "home" : path.slice(1).replace(/[/?=&]+/g, "_");
      const wide = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      await page.screenshot({ path: join(out, `${name}-${size}.png`), fullPage: true });
      console.log(`${name}-${size}.png${wide.scroll > wide.inner ? `  (page ${wide.scroll}px wide for a ${wide.inner}px screen)` : ""}`);
    }
    if (args.includes("--import")) {
      const csv = ["Nombre;Teléfono;Correo;Cédula;Ciudad;Etiquetas", "Ana Pérez;300 111 2233;ana@example.com;1023456;Bogotá;Regional Bogotá", "Mal Número;12345;;555;Cali;", "Correo Malo;312 555 6677;no-es-correo;9999;Cali;"].join("\r\n");
      await page.goto(`${server.url}/contacts/import`);
      await page.setInputFiles('input[name="file"]', { name: "clientes.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "latin1") });
      await page.click('#import-form button[type="submit"]');
      await page.waitForSelector("#import-preview");
      await page.screenshot({ path: join(out, `import_preview-${size}.png`), fullPage: true });
      await page.click("#dry-run");
      await page.waitForSelector("#import-progress.done");
      await page.screenshot({ path: join(out, `import_report-${size}.png`), fullPage: true });
      console.log(`import_preview-${size}.png, import_report-${size}.png`);
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
