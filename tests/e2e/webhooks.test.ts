import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { HAS_CHROMIUM, fitsScreen, launchBrowser, PHONE, signIn } from "../helpers/browser.ts";
import { startLiveServer } from "../helpers/live-server.ts";
import { WebhookReceiver } from "../helpers/webhook-receiver.ts";
import { verifySignature } from "../../core/outbound-webhooks/signature.ts";

/** An admin on a phone subscribes n8n to new messages, copies the secret, sends a test and sees it in the log. */
describe.skipIf(!HAS_CHROMIUM)("outbound webhooks in real Chromium", () => {
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let browser: Browser;
  const receiver = new WebhookReceiver();
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startLiveServer({ WEBHOOKS_ALLOW_PRIVATE: "true" });
    await server.makeUser(server.companyId, "jefa", "admin");
    receiver.start();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    receiver.stop();
  });

  test("create, keep the secret, Enviar prueba, a real event, redeliver — on a 390×844 screen", async () => {
    const page = await (await browser.newContext({ viewport: PHONE })).newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    await signIn(page, server.url, "jefa", "password-123");
    await page.goto(`${server.url}/admin/webhooks`);
    expect(await page.textContent("h1")).toBe("Webhooks");
    // A form error first: no event chosen.
    await page.fill('#webhook-form input[name="url"]', receiver.url);
    await page.click('#webhook-form button[type="submit"]');
    await page.waitForSelector("#events-error");
    expect(await page.textContent("#events-error")).toBe("Elija al menos un evento.");
    await page.check('#webhook-form input[value="message.received"]');
    await page.fill('#webhook-form input[name="description"]', "n8n");
    await page.click('#webhook-form button[type="submit"]');
    await page.waitForSelector("#webhook-secret");
    const secret = (await page.textContent("#webhook-secret"))!.trim();
    expect(secret).toStartWith("whsec_");
    expect(await fitsScreen(page)).toBe(true);

    await page.click('#webhook-actions button:has-text("Enviar prueba")');
    await page.waitForSelector("#test-result");
    expect(await page.textContent("#test-result")).toMatch(/Prueba entregada: respuesta 200/);
    expect(await page.textContent("#deliveries")).toContain("webhook.test");
    const test = receiver.received.at(-1)!;
    expect(verifySignature(secret, test.raw, test.headers.get("x-charla-signature"))).toBe(true);

    // A customer writes: the event arrives, and shows in the log after a reload.
    const relay = server.makeRelayChannel(server.companyId, "http://127.0.0.1:9/x");
    await server.webhook(relay, { messages: [{ id: "e2e-1", from: "573001234567", text: "Hola desde el teléfono" }] });
    await receiver.waitFor(() => receiver.events().includes("message.received"));
    const action = await page.getAttribute('#webhook-actions form[action$="/test"]', "action");
    await page.goto(`${server.url}${action!.replace(/\/test$/, "")}`);
    expect(await page.textContent("#deliveries")).toContain("message.received");
    // Redeliver sends the same delivery again.
    const before = receiver.received.length;
    await page.click('#deliveries button:has-text("Reenviar")');
    await page.waitForSelector("#flash .toast, #flash [role]", { timeout: 5_000 }).catch(() => {});
    await receiver.waitFor(() => receiver.received.length > before);
    expect(receiver.received.at(-1)!.body.id).toBe(receiver.received.find((r) => r.body.event === "message.received")!.body.id);
    expect(errors).toEqual([]);
  });
});
