import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import type { BillingService } from "../../core/billing/billing-service.ts";
import { T } from "../../core/tokens.ts";
import { HAS_CHROMIUM, launchBrowser, PHONE } from "../helpers/browser.ts";
import { startLiveServer } from "../helpers/live-server.ts";

/**
 * The dashboard and the recharge list as people use them in real Chromium: the
 * presets and a custom range, the operators table and the unanswered counter
 * changing live while an agent works in another browser, each recharge filter.
 */
describe.skipIf(!HAS_CHROMIUM)("dashboard and recharges in real Chromium", () => {
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let browser: Browser;
  let relay: number;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startLiveServer();
    const ventas = server.makeQueue(server.companyId, "ventas", "round_robin");
    await server.makeUser(server.companyId, "ana", "agent", [ventas]);
    await server.makeUser(server.companyId, "sup", "supervisor");
    relay = server.makeRelayChannel(server.companyId, "http://127.0.0.1:9/x", ventas);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(username: string, password = "password-123", viewport?: { width: number; height: number }): Promise<Page> {
    const p = await (await browser.newContext(viewport ? { viewport } : {})).newPage();
    p.on("pageerror", (e) => errors.push(e.message));
    await p.goto(`${server.url}/login`);
    await p.fill('input[name="username"]', username);
    await p.fill('input[name="password"]', password);
    await p.click('button[type="submit"]');
    await p.waitForSelector("header.topbar");
    return p;
  }
  const rows = (p: Page) => p.locator("#activity-table tbody tr").count();

  test("Hoy, Semana, Mes and Desde/Hasta; a reversed range says so", async () => {
    const sup = await signedIn("sup");
    // The supervisor's first page is the dashboard.
    expect(await sup.textContent("h1")).toBe("Panel");
    expect(await sup.textContent("#activity h2")).toBe("Actividad de hoy, por hora");
    expect(await rows(sup)).toBe(24);
    await sup.click('#range a[data-preset="week"]');
    await sup.waitForSelector('#range a[data-preset="week"].active');
    expect(await sup.textContent("#activity h2")).toBe("Actividad por día");
    expect(await rows(sup)).toBe(7);
    await sup.click('#range a[data-preset="month"]');
    await sup.waitForSelector('#range a[data-preset="month"].active');
    expect(await rows(sup)).toBe(30);
    await sup.fill('#range-form input[name="from"]', "2026-11-01");
    await sup.fill('#range-form input[name="to"]', "2026-11-10");
    await sup.click('#range-form button[type="submit"]');
    await sup.waitForURL(/from=2026-11-01/);
    expect(await rows(sup)).toBe(10);
    await sup.click("#activity-table summary");
    expect(await sup.locator("#activity-table tbody tr").first().textContent()).toContain("1 de nov");
    await sup.fill('#range-form input[name="from"]', "2026-11-10");
    await sup.fill('#range-form input[name="to"]', "2026-11-01");
    await sup.click('#range-form button[type="submit"]');
    await sup.waitForSelector("text=La fecha Hasta debe ser igual o posterior a Desde.");
    // The chart is there, drawn on the server, with no inline styles for the CSP to block.
    expect(await sup.locator(".chart-wide svg.chart").count()).toBe(1);
    expect(errors).toEqual([]);
  });

  test("the operators table and the unanswered counter change live while an agent works elsewhere", async () => {
    const sup = await signedIn("sup");
    const ana = sup.locator('#operators-table [data-user="ana"]');
    expect(await ana.getAttribute("class")).toBe("presence off");
    expect(await sup.textContent("#unanswered-count")).toBe("0");

    // Ana connects in her own browser: the supervisor sees it without reloading.
    const agent = await signedIn("ana");
    await agent.click("#presence-toggle");
    await agent.waitForSelector('#presence-toggle:has-text("Conectado")');
    await sup.waitForSelector('#operators-table [data-user="ana"].presence.on', { timeout: 5000 });
    expect(await ana.textContent()).toBe("Conectado");

    // A customer writes: one waits for an answer...
    expect((await server.webhook(relay, { messages: [{ id: "live-1", from: "573001234567", name: "Marta", text: "¿Tienen domicilio?" }] })).status).toBe(200);
    await sup.waitForFunction(() => document.querySelector("#unanswered-count")?.textContent === "1", null, { timeout: 5000 });
    // ...Ana (who got it by routing) answers, and the counter falls.
    const row = agent.locator('#conv-list .conv:has-text("Marta") a');
    await row.waitFor({ timeout: 5000 });
    await row.click();
    await agent.fill('#composer textarea[name="text"]', "Sí, a toda la ciudad.");
    await agent.click('#composer button[type="submit"]');
    await agent.waitForSelector('#messages .msg.out:has-text("toda la ciudad")');
    await sup.waitForFunction(() => document.querySelector("#unanswered-count")?.textContent === "0", null, { timeout: 5000 });
    expect(await sup.textContent('#operators-table [data-user="ana"] >> xpath=../../td[4]')).toBe("1");
    expect(errors).toEqual([]);
  });

  test("Listado de Recargas: Desde, Hasta and Valor each filter the list, on a phone too", async () => {
    const billing = server.container.resolve<BillingService>(T.BillingService);
    const other = server.makeCompany("ferreteria");
    billing.recharge({ companyId: server.companyId, amount: "230000", date: "2026-10-05", method: "nequi", reference: "N-1", note: "" }, "test");
    billing.recharge({ companyId: server.companyId, amount: "50000", date: "2026-11-10", method: "pse", reference: "P-2", note: "" }, "test");
    billing.recharge({ companyId: other, amount: "230000", date: "2026-11-20", method: "efecty", reference: "E-3", note: "" }, "test");
    const { ADMIN_PASSWORD } = await import("../helpers/test-app.ts");
    const op = await signedIn("admin", ADMIN_PASSWORD, PHONE);
    // The operator records one in the form (a field named "method" once broke the page's form script).
    await op.goto(`${server.url}/admin/recharges/new`);
    await op.fill('#recharge-form input[name="amount"]', "75.000");
    await op.selectOption('#recharge-form select[name="method"]', "nequi");
    await op.click('#recharge-form button[type="submit"]');
    await op.waitForURL(/\/admin\/recharges$/);
    const listed = () => op.locator("#recharges tbody tr").allTextContents();
    expect(await listed()).toHaveLength(4);
    expect((await listed())[0]).toContain("$75.000");
    await op.fill('#recharge-filters input[name="from"]', "2026-11-01");
    await op.click('#recharge-filters button[type="submit"]');
    await op.waitForURL(/from=2026-11-01/);
    expect(await listed()).toHaveLength(3);
    await op.fill('#recharge-filters input[name="to"]', "2026-11-15");
    await op.click('#recharge-filters button[type="submit"]');
    await op.waitForURL(/to=2026-11-15/);
    const one = await listed();
    expect(one).toHaveLength(1);
    expect(one[0]).toContain("$50.000");
    await op.goto(`${server.url}/admin/recharges`);
    await op.fill('#recharge-filters input[name="value"]', "$230.000");
    await op.click('#recharge-filters button[type="submit"]');
    await op.waitForURL(/value=/);
    const by = await listed();
    expect(by).toHaveLength(2);
    expect(by.every((r) => r.includes("$230.000"))).toBe(true);
    expect(by.some((r) => r.includes("Company ferreteria"))).toBe(true);
    // Nothing matches: the list says so.
    await op.fill('#recharge-filters input[name="value"]', "999");
    await op.click('#recharge-filters button[type="submit"]');
    await op.waitForURL(/value=999/);
    expect(await op.textContent("#recharges tbody")).toContain("Ninguna recarga coincide con estos filtros.");
    const wide = await op.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(wide).toBe(false);
    expect(errors).toEqual([]);
  });
});
