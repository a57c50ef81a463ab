import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { fitsScreen, HAS_CHROMIUM, launchBrowser, PHONE, signIn } from "../helpers/browser.ts";
import { startLiveServer } from "../helpers/live-server.ts";
import { ADMIN_PASSWORD } from "../helpers/test-app.ts";

/**
 * Defect: at 390x844 an open conversation left the message pane 32 px wide and admin
 * tables made pages 804 px wide. On a phone the inbox shows one pane at a time.
 */
describe.skipIf(!HAS_CHROMIUM)("the panel on a phone (390x844)", () => {
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let browser: Browser;
  let channel: number;

  beforeAll(async () => {
    server = await startLiveServer();
    browser = await launchBrowser();
    const ventas = server.makeQueue(server.companyId, "ventas");
    await server.makeUser(server.companyId, "ana", "agent", [ventas]);
    channel = server.makeRelayChannel(server.companyId, "http://127.0.0.1:9/x", ventas);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("an agent opens a conversation, reads and answers it, and goes back to the list; nothing is wider than the screen", async () => {
    await server.webhook(channel, { messages: [{ id: "p1", from: "573001112233", name: "Luis Carlos Herrera", text: "Hola, ¿tienen envíos a Medellín? Necesito saber el costo y el tiempo de entrega del pedido." }] });
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await signIn(page, server.url, "ana", "password-123");
    await page.goto(`${server.url}/inbox?tab=all`);
    expect(await fitsScreen(page)).toBe(true);
    // One pane at a time: the list, no conversation pane.
    expect(await page.isVisible(".list-pane")).toBe(true);
    await page.click('.conv a:has-text("Luis Carlos Herrera")');
    await page.waitForSelector("#pane");
    expect(await page.isVisible(".list-pane")).toBe(false);
    expect(await fitsScreen(page)).toBe(true);
    // The message reads as a message, not a letter per line.
    const bubble = await page.locator(".msg.in").first().boundingBox();
    expect(bubble!.width).toBeGreaterThan(250);
    const composer = await page.locator("#composer textarea").boundingBox();
    expect(composer!.width).toBeGreaterThan(200);
    await page.fill("#composer textarea", "Sí, enviamos a Medellín en 2 días.");
    await page.keyboard.press("Enter");
    await page.waitForSelector('.msg.out:has-text("Sí, enviamos a Medellín")');
    await page.click("a.back");
    await page.waitForSelector(".list-pane");
    expect(await page.isVisible("#pane")).toBe(false);
    expect(await fitsScreen(page)).toBe(true);
    await context.close();
  }, 60_000);

  test("admin pages scroll their tables inside their box; the page never widens", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await signIn(page, server.url, "admin", ADMIN_PASSWORD);
    for (const path of ["/admin/users", "/admin/channels", "/admin/queues", "/admin/companies", "/admin/tokens", "/inbox", "/"]) {
      await page.goto(`${server.url}${path}`);
      await page.waitForLoadState("load");
      expect({ path, fits: await fitsScreen(page) }).toEqual({ path, fits: true });
    }
    // The navigation folds behind "Menú" and opens on a tap.
    expect(await page.isVisible('nav.mainnav >> text="Configuración"')).toBe(false);
    await page.click("label.nav-toggle-label");
    await page.click('nav.mainnav >> text="Configuración"');
    await page.waitForURL(/\/admin$/);
    expect(await fitsScreen(page)).toBe(true);
    // The settings' own bar scrolls sideways inside itself; every section is in it.
    await page.click('.settings-nav >> text="Usuarios"');
    await page.waitForURL(/\/admin\/users$/);
    // The inbox tabs are all reachable (they scroll sideways inside their bar).
    await page.goto(`${server.url}/inbox`);
    for (const tab of ["Mías", "En espera", "Todas", "Finalizadas"]) expect(await page.locator(`.tabs a:has-text("${tab}")`).count()).toBe(1);
    expect(await fitsScreen(page)).toBe(true);
    await context.close();
  }, 60_000);
});
