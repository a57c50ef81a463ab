import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { HAS_CHROMIUM, launchBrowser } from "../helpers/browser.ts";
import { startLiveServer } from "../helpers/live-server.ts";

/**
 * Three browsers at once: a customer on the hosted web chat page, an agent in the
 * inbox, a supervisor watching. Nothing is reloaded by hand: every update arrives
 * over the live streams.
 */
describe.skipIf(!HAS_CHROMIUM)("live web chat and inbox in real Chromium", () => {
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let browser: Browser;
  let channel: number;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startLiveServer();
    const ventas = server.makeQueue(server.companyId, "ventas", "round_robin");
    server.makeQueue(server.companyId, "soporte", "manual");
    await server.makeUser(server.companyId, "ana", "agent", [ventas]);
    await server.makeUser(server.companyId, "sup", "supervisor", [], "en");
    channel = server.db.query<{ id: number }, []>("SELECT id FROM channels WHERE plugin_id = 'webchat'").get()!.id;
    server.db.query("UPDATE channels SET queue_id = ? WHERE id = ?").run(ventas, channel);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function page(): Promise<Page> {
    const p = await (await browser.newContext()).newPage();
    p.on("pageerror", (e) => errors.push(e.message));
    return p;
  }
  async function login(p: Page, username: string) {
    await p.goto(`${server.url}/login`);
    await p.fill('input[name="username"]', username);
    await p.fill('input[name="password"]', "password-123");
    await p.click('button[type="submit"]');
    await p.waitForSelector("header.topbar");
  }

  test("message both ways live; transfer and finalize seen by the supervisor", async () => {
    // The agent opens the inbox and connects.
    const agent = await page();
    await login(agent, "ana");
    await agent.click('nav >> text="Bandeja"');
    await agent.click("#presence-toggle");
    await agent.waitForSelector('#presence-toggle:has-text("Conectado")');

    // The supervisor watches all conversations (in English).
    const sup = await page();
    await login(sup, "sup");
    await sup.goto(`${server.url}/inbox?tab=all`);
    await sup.waitForSelector("text=No conversations here.");

    // The customer writes from the hosted chat page.
    const customer = await page();
    await customer.goto(`${server.url}/chat/${channel}`);
    await customer.fill('#wc-prechat input[name="name"]', "Lucía Gómez");
    await customer.fill('#wc-form textarea[name="text"]', "Hola, ¿tienen la talla 38?");
    await customer.click("#wc-form .wc-send");

    // It appears in the agent's list without a reload, assigned to her, with a waiting counter.
    const row = agent.locator('#conv-list .conv:has-text("Lucía Gómez")');
    await row.waitFor({ timeout: 5000 });
    expect(await row.textContent()).toContain("Hola, ¿tienen la talla 38?");
    expect(await row.locator(".waiting").count()).toBe(1);
    expect(await row.locator(".badge.unread").textContent()).toBe("1");
    // ...and in the supervisor's.
    await sup.locator('#conv-list .conv:has-text("Lucía Gómez")').waitFor({ timeout: 5000 });

    // The agent opens it and answers.
    await row.locator("a").click();
    await agent.waitForSelector('#messages .msg.in:has-text("talla 38")');
    expect(await agent.textContent("#messages")).toContain("Asignada automáticamente a Name ana (cola ventas)");
    await agent.fill('#composer textarea[name="text"]', "¡Hola Lucía! Sí, la tenemos.");
    await agent.click('#composer button[type="submit"]');
    await agent.waitForSelector('#messages .msg.out:has-text("la tenemos")');
    expect(await agent.inputValue('#composer textarea[name="text"]')).toBe("");
    // The tick moves to delivered once the visitor's open chat got it.
    await agent.waitForSelector('#messages .msg.out[data-status="delivered"]:has-text("la tenemos")', { timeout: 5000 });

    // The customer sees the answer live.
    await customer.waitForSelector('#wc-log :text("¡Hola Lucía! Sí, la tenemos.")', { timeout: 5000 });
    if (process.env.SCREENSHOT_DIR) {
      await agent.screenshot({ path: `${process.env.SCREENSHOT_DIR}/inbox.png` });
      await customer.screenshot({ path: `${process.env.SCREENSHOT_DIR}/chat.png` });
    }

    // The supervisor opens the conversation; the agent transfers it, then finalizes it.
    await sup.locator('#conv-list .conv:has-text("Lucía Gómez") a').click();
    await sup.waitForSelector('#messages :text("la tenemos")');
    await agent.click('summary:has-text("Transferir")');
    await agent.selectOption('#transfer-form select[name="queueId"]', { label: "soporte" });
    await agent.click('#transfer-form button[type="submit"]');
    await sup.waitForSelector('#messages :text("Name ana transferred to queue soporte")', { timeout: 5000 });

    // She no longer sees it; the supervisor finalizes it with a note.
    await sup.click('summary:has-text("Finalize")');
    await sup.fill('#close-form textarea[name="note"]', "Derivado a soporte y resuelto");
    await sup.click('#close-form button[type="submit"]');
    await sup.waitForURL(/\/inbox$/);
    await sup.waitForSelector("text=Conversation finalized.");
    expect(await sup.locator('#conv-list .conv:has-text("Lucía Gómez")').count()).toBe(0);
    await sup.goto(`${server.url}/inbox?tab=closed`);
    await sup.locator('#conv-list .conv:has-text("Lucía Gómez")').waitFor();
    expect(await agent.locator('#conv-list .conv:has-text("Lucía Gómez")').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
