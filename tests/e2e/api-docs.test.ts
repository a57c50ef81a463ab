import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { fitsScreen, HAS_CHROMIUM, launchBrowser, PHONE } from "../helpers/browser.ts";
import { startLiveServer } from "../helpers/live-server.ts";

/**
 * /api/docs in Chromium: an integrator types their token once, opens an
 * operation's "Probar", and sees the real answer; the token survives a reload in
 * the same tab; nothing breaks the strict CSP; it fits a phone.
 */
describe.skipIf(!HAS_CHROMIUM)("API docs: try an operation with a token", () => {
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let browser: Browser;
  let token: string;
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
  };

  beforeAll(async () => {
    server = await startLiveServer();
    browser = await launchBrowser();
    token = server.makeToken(server.companyId, "write");
    server.makeQueue(server.companyId, "contabilidad");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const tryForm = (page: Page, id: string) => page.locator(`#op-${id} form.try-form`);

  test("list queues: 200 with the company's queues; create one with the prefilled body: 201, then replayed with its Idempotency-Key", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "es-CO", extraHTTPHeaders: { "accept-language": "es-CO,es" } });
    watch(page);
    await page.goto(`${server.url}/api/docs`);
    expect(await page.locator("h1").textContent()).toContain("Charla API");
    // Without a token the form says what to do first.
    await page.locator("#op-getApiV1Queues details.try > summary").click();
    await tryForm(page, "getApiV1Queues").locator("button[type=submit]").click();
    expect(await tryForm(page, "getApiV1Queues").locator(".try-status").textContent()).toContain("Escriba primero su token de API");

    await page.fill("#api-token", token);
    await tryForm(page, "getApiV1Queues").locator("input[name=limit]").fill("10");
    await tryForm(page, "getApiV1Queues").locator("button[type=submit]").click();
    const status = tryForm(page, "getApiV1Queues").locator(".try-status");
    await status.filter({ hasText: "200" }).waitFor();
    expect(await status.textContent()).toContain("GET /api/v1/queues?limit=10 → 200");
    const list = JSON.parse((await tryForm(page, "getApiV1Queues").locator(".try-response").textContent())!);
    expect(list.data.map((q: { name: string }) => q.name)).toEqual(["contabilidad"]);
    expect(list.next).toBeNull();

    // The token is remembered in this tab.
    await page.reload();
    expect(await page.inputValue("#api-token")).toBe(token);

    await page.locator("#op-postApiV1Queues details.try > summary").click();
    const create = tryForm(page, "postApiV1Queues");
    expect(JSON.parse(await create.locator("textarea[name=body]").inputValue())).toEqual({ name: "ventas", strategy: "round_robin", maxPerAgent: 0 });
    await create.locator('input[name="Idempotency-Key"]').fill("docs-try-1");
    for (const expected of ["→ 201 Created", "Idempotent-Replayed: true"]) {
      await create.locator("button[type=submit]").click();
      await create.locator(".try-status").filter({ hasText: expected }).waitFor();
    }
    expect(server.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM queues WHERE name = 'ventas'").get()!.n).toBe(1);

    // A path parameter left out is said, not sent.
    await page.locator("#op-getApiV1QueuesById details.try > summary").click();
    await tryForm(page, "getApiV1QueuesById").locator("button[type=submit]").click();
    expect(await tryForm(page, "getApiV1QueuesById").locator(".try-status").textContent()).toContain("Falta el parámetro obligatorio id");
    expect(problems).toEqual([]);
    await page.close();
  });

  test("in English on a phone, a 404 is shown as the JSON error and the page fits the screen", async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: "en-US", extraHTTPHeaders: { "accept-language": "en" } });
    const page = await context.newPage();
    watch(page);
    await page.goto(`${server.url}/api/docs`);
    expect(await page.locator(".docs-token label").textContent()).toBe("API token");
    await page.fill("#api-token", token);
    await page.locator("#op-getApiV1QueuesById details.try > summary").click();
    const form = tryForm(page, "getApiV1QueuesById");
    await form.locator("input[name=id]").fill("999999");
    await form.locator("button[type=submit]").click();
    await form.locator(".try-status.failed").filter({ hasText: "404" }).waitFor();
    expect(JSON.parse((await form.locator(".try-response").textContent())!).error.code).toBe("not_found");
    expect(await fitsScreen(page)).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
