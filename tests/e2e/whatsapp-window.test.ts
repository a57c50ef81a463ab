import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import type { ChannelView } from "../../core/channels/channel-service.ts";
import type { TemplateService } from "../../core/channels/template-service.ts";
import { T } from "../../core/tokens.ts";
import { wa } from "../fakes/meta-graph.ts";
import { HAS_CHROMIUM, launchBrowser } from "../helpers/browser.ts";
import { APP_SECRET, NUMBER_A, startWithMeta, WABA } from "../helpers/meta-setup.ts";

/** The composer follows WhatsApp's 24-hour customer service window, in a real browser. */
describe.skipIf(!HAS_CHROMIUM)("WhatsApp window rules in the composer (Chromium)", () => {
  let env: Awaited<ReturnType<typeof startWithMeta>>;
  let browser: Browser;
  let channel: ChannelView;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    env = await startWithMeta();
    channel = env.whatsapp(env.server.companyId);
    env.meta.addTemplate(WABA, { name: "seguimiento", language: "es", body: "Hola {{1}}, ¿pudiste revisar tu pedido?" });
    await env.server.container.resolve<TemplateService>(T.TemplateService).sync({ companyId: env.server.companyId, userId: null, role: "admin" }, channel.id);
    await env.server.makeUser(env.server.companyId, "ana", "supervisor", [], "es");
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${env.server.url}/login`);
    await page.fill('input[name="username"]', "ana");
    await page.fill('input[name="password"]', "password-123");
    await page.click('button[type="submit"]');
    await page.waitForSelector("header.topbar");
  });
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
  });

  test("inside 24 h: free text; outside: explanation and template picker, and the template reaches Meta", async () => {
    const ctx = { wabaId: WABA, phoneNumberId: NUMBER_A.phoneNumberId, displayPhoneNumber: NUMBER_A.displayPhoneNumber, from: "573009998877", name: "Marta Ruiz", id: "wamid.w1" };
    await env.meta.deliver(channel.webhookUrl, wa.text(ctx, "¿Ya salió mi pedido?"), { appSecret: APP_SECRET });
    const conv = env.server.db.query<{ id: number }, []>("SELECT id FROM conversations").get()!.id;

    await page.goto(`${env.server.url}/inbox/${conv}`);
    await page.fill('#composer textarea[name="text"]', "Sí, sale hoy");
    await page.click('#composer button[type="submit"]');
    const [text] = await env.meta.waitForSent(1, NUMBER_A.phoneNumberId);
    expect(text).toMatchObject({ type: "text", text: { body: "Sí, sale hoy" } });

    // A day and a bit later the window is closed.
    env.server.db.query("UPDATE conversations SET last_inbound_at = ? WHERE id = ?").run(Date.now() - 26 * 3_600_000, conv);
    await page.goto(`${env.server.url}/inbox/${conv}`);
    await page.waitForSelector("#composer-blocked");
    expect(await page.textContent("#composer-blocked .window-note")).toContain("WhatsApp solo permite enviar una plantilla aprobada");
    expect(await page.locator("#composer").count()).toBe(0);
    const form = page.locator('form.template-form[data-template="seguimiento|es"]');
    expect(await form.locator(".template-body").textContent()).toBe("Hola {{1}}, ¿pudiste revisar tu pedido?");
    await form.locator('input[name="parameters"]').fill("Marta");
    await form.locator('button[type="submit"]').click();
    const sent = await env.meta.waitForSent(2, NUMBER_A.phoneNumberId);
    expect(sent[1]).toMatchObject({
      type: "template",
      template: { name: "seguimiento", language: { code: "es" }, components: [{ type: "body", parameters: [{ type: "text", text: "Marta" }] }] },
    });
    await page.waitForSelector('#messages :text("Hola Marta, ¿pudiste revisar tu pedido?")');
    if (process.env.SCREENSHOT_DIR) {
      await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/whatsapp-window.png` });
      await page.goto(`${env.server.url}/admin/channels/${channel.id}`).catch(() => undefined);
    }
    expect(errors).toEqual([]);
  }, 60_000);
});
