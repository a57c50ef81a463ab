import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import type { InboxHub } from "../../core/events/inbox-hub.tsx";
import { T } from "../../core/tokens.ts";
import { fitsScreen, HAS_CHROMIUM, launchBrowser, PHONE } from "../helpers/browser.ts";
import { startLiveServer } from "../helpers/live-server.ts";
import { ADMIN_PASSWORD } from "../helpers/test-app.ts";

/**
 * "Estado del sistema", "Auditoría" and the live streams' return after a restart,
 * as people use them in real Chromium (the operator on a desktop, an admin on a phone).
 */
describe.skipIf(!HAS_CHROMIUM)("system status, audit log and stream reconnection in real Chromium", () => {
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let browser: Browser;
  let relay: number;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startLiveServer({ METRICS_TOKEN: "e2e-metrics-token-0123456789" });
    const ventas = server.makeQueue(server.companyId, "ventas");
    await server.makeUser(server.companyId, "gerente", "admin", [ventas]);
    relay = server.makeRelayChannel(server.companyId, "http://127.0.0.1:9/x", ventas);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(username: string, password: string, viewport?: { width: number; height: number }): Promise<Page> {
    const p = await (await browser.newContext(viewport ? { viewport } : {})).newPage();
    p.on("pageerror", (e) => errors.push(e.message));
    await p.goto(`${server.url}/login`);
    await p.fill('input[name="username"]', username);
    await p.fill('input[name="password"]', password);
    await p.click('button[type="submit"]');
    await p.waitForSelector("header.topbar");
    return p;
  }

  test("the operator opens Sistema from the top bar and its figures refresh by themselves", async () => {
    const op = await signedIn("admin", ADMIN_PASSWORD);
    await op.click('nav.mainnav a[href="/admin/system"]');
    await op.waitForSelector("#system-live");
    expect(await op.textContent("h1")).toBe("Estado del sistema");
    expect(await op.textContent("main")).toContain("/metrics está activo");
    const webhooks = async () => Number((await op.textContent("#sys-webhooks strong"))!.replace(/\D/g, ""));
    const before = await webhooks();
    for (let i = 0; i < 3; i++) expect((await server.webhook(relay, { messages: [{ id: `e2e-${i}`, from: "573001110099", text: "hola" }] })).status).toBe(200);
    // The every-10-s refresh brings the new count without a reload.
    await op.waitForFunction((n) => Number(document.querySelector("#sys-webhooks strong")!.textContent!.replace(/\D/g, "")) >= n + 3, before, { timeout: 15_000 });
    expect(await op.textContent("#sys-backup strong")).toBe("Ninguna todavía");
    expect(errors).toEqual([]);
  }, 30_000);

  test("an admin on a phone finds Auditoría in the settings, filters it, and nothing is wider than the screen", async () => {
    // Two admin actions (through the same panel routes, without a browser).
    const forms = server.client();
    await forms.login("gerente", "password-123");
    expect((await forms.post("/admin/tags", { name: "Mayorista", color: "#2e90fa" })).status).toBe(303);
    expect((await forms.post("/admin/queues", { name: "soporte", strategy: "round_robin" })).status).toBe(303);
    const admin = await signedIn("gerente", "password-123", PHONE);
    await admin.goto(`${server.url}/admin`);
    await admin.click('a[href="/admin/audit"] >> nth=0');
    await admin.waitForSelector("#audit-log");
    expect(await admin.textContent("#audit-log")).toContain("Creó una cola");
    expect(await admin.textContent("#audit-log")).toContain("Creó una etiqueta");
    expect(await fitsScreen(admin)).toBe(true);
    await admin.selectOption('#audit-filters select[name="action"]', "tag");
    await admin.click('#audit-filters button[type="submit"]');
    await admin.waitForURL(/action=tag/);
    const text = await admin.textContent("#audit-log");
    expect(text).toContain("Creó una etiqueta");
    expect(text).not.toContain("Creó una cola");
    expect(await admin.textContent("#audit-log")).toContain("Name gerente");
    await admin.click('a:has-text("Quitar filtros")');
    await admin.waitForURL(/\/admin\/audit$/);
    expect(await admin.textContent("#audit-log")).toContain("Creó una cola");
    expect(errors).toEqual([]);
  }, 30_000);

  test("when the server ends the live streams (a restart), the inbox reconnects and catches up on what it missed", async () => {
    const admin = await signedIn("gerente", "password-123");
    await admin.goto(`${server.url}/inbox`);
    await admin.waitForSelector("#conv-list");
    const hub = server.container.resolve<InboxHub>(T.InboxHub);
    for (let i = 0; i < 100 && hub.clientCount() === 0; i++) await Bun.sleep(20);
    expect(hub.clientCount()).toBe(1);
    // The stream ends with a reconnect hint; the next message arrives while the page has no stream.
    hub.closeAll(700);
    expect(hub.clientCount()).toBe(0);
    expect((await server.webhook(relay, { messages: [{ id: "missed-1", from: "573009990001", name: "Persona Perdida", text: "¿Alguien?" }] })).status).toBe(200);
    await admin.waitForFunction(() => document.querySelector("#conv-list")!.textContent!.includes("Persona Perdida"), undefined, { timeout: 10_000 });
    expect(hub.clientCount()).toBe(1);
    expect(errors).toEqual([]);
  }, 30_000);
});
