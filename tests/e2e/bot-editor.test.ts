import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { api } from "../helpers/client.ts";
import { fitsScreen, HAS_CHROMIUM, launchBrowser, PHONE, signIn } from "../helpers/browser.ts";
import { startLiveServer } from "../helpers/live-server.ts";

/** The manual's program built in the editor, in real Chromium: a validation error, the fix, Publicar, Probar on a holiday. */
describe.skipIf(!HAS_CHROMIUM)("the chatbot editor (Chromium)", () => {
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let browser: Browser;
  let page: Page;
  let relay: number;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startLiveServer();
    const q = server.makeQueue(server.companyId, "ventas");
    relay = server.makeRelayChannel(server.companyId, "http://127.0.0.1:9/x", q);
    await server.makeUser(server.companyId, "gerente", "admin", [], "es");
    const token = server.makeToken(server.companyId);
    expect((await api(server.app, "POST", "/api/v1/responses", token, { name: "saludo", key: "sl", text: "Hola, ¿cómo está?" })).status).toBe(201);
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    await signIn(page, server.url, "gerente", "password-123");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const addStep = async (type: string, fill: Record<string, string>, checks: string[] = []) => {
    await page.click("#add-step");
    await page.waitForSelector("#step-type");
    if ((await page.inputValue("#step-type")) !== type) {
      await page.selectOption("#step-type", type);
      await page.waitForSelector(`#step-form input[name="type"][value="${type}"]`, { state: "attached" });
    }
    for (const [name, value] of Object.entries(fill)) await page.fill(`#step-form [name="${name}"]`, value);
    for (const day of checks) await page.check(`#step-form input[name="days"][value="${day}"]`);
    await page.click('#step-form button[type="submit"]');
    await page.waitForSelector("#bot-steps");
  };

  test("build the manual's program, see the jump to an unknown label, fix it, publish, and try it on a holiday", async () => {
    await page.goto(`${server.url}/admin/bots/new`);
    await page.fill('#bot-settings [name="name"]', "test");
    await page.fill('#bot-settings [name="timeoutMinutes"]', "60");
    await page.check(`#bot-settings input[name="channelIds"][value="${relay}"]`);
    await page.click('#bot-settings button[type="submit"]');
    await page.waitForSelector("#add-step");
    await addStep("say", { text: "saludo" });
    await addStep("schedule", { start: "8:00", end: "18:00", goIfYes: "SALUDAR", goIfNo: "VERIFICAR HORARIO" }, ["sat", "sun", "holiday"]);
    // The draft names what is wrong, and Publicar waits.
    const problems = await page.textContent("#draft-errors");
    expect(problems).toContain("Paso 2 (Horario) · Ir si: Etiqueta desconocida: SALUDAR");
    expect(problems).toContain("Ir no: Etiqueta desconocida: VERIFICAR HORARIO");
    expect(await page.isDisabled("#publish")).toBe(true);
    await addStep("menu", { label: "SALUDAR", text: "¿Con qué área desea hablar?", options: "Ventas\nSoporte" });
    await addStep("end", { label: "VERIFICAR HORARIO", text: "Nuestro horario es de 8:00 a 18:00." });
    await page.waitForSelector("#draft-ok");
    const rows = await page.locator("#steps tbody tr").allTextContents();
    expect(rows[0]).toContain("Decir");
    expect(rows[1]).toContain("Lun, Mar, Mie, Jue, Vie, Sab, Dom, Festivo · 08:00–18:00");
    await page.click("#publish");
    await page.waitForSelector(".flash");
    expect(await page.textContent(".flash")).toContain("Versión 1 publicada");
    // The struck-out holiday: 2026-07-13 is listed for Colombia; "No observar" strikes it.
    await page.goto(`${server.url}/admin/bots/1?year=2026`);
    expect(await page.locator("#holidays tbody tr").count()).toBe(19);
    // Probar, on 2026-06-15 (a moved Monday holiday) at 20:00: the outside-hours path.
    await page.selectOption('#try-form [name="source"]', "published");
    await page.fill('#try-form [name="at"]', "2026-06-15T20:00");
    await page.fill('#try-form [name="text"]', "Hola");
    await page.click("#try-send");
    await page.waitForSelector("#bot-try .try-bot");
    const log = await page.locator("#bot-try .try-log li").allTextContents();
    expect(log[0]).toContain("Hola");
    expect(log[1]).toContain("Hola, ¿cómo está?");
    expect(log[1]).toContain("paso 1");
    expect(log[2]).toContain("Nuestro horario es de 8:00 a 18:00.");
    expect(log[2]).toContain("paso VERIFICAR HORARIO");
    expect(await page.textContent("#bot-try")).toContain("El programa terminó.");
    // The same holiday at 10:00 with Festivo ticked: the menu.
    await page.click('#try-form button[name="restart"]');
    await page.waitForFunction(() => document.querySelectorAll("#bot-try .try-log li").length === 0);
    await page.fill('#try-form [name="at"]', "2026-06-15T10:00");
    await page.fill('#try-form [name="text"]', "Hola");
    await page.click("#try-send");
    await page.waitForFunction(() => document.querySelector("#bot-try")?.textContent?.includes("¿Con qué área desea hablar?"));
    expect(await page.textContent("#bot-try")).toContain("Esperando en el paso SALUDAR.");
    await page.setViewportSize(PHONE);
    expect(await fitsScreen(page)).toBe(true);
    expect(errors).toEqual([]);
  }, 60_000);
});
