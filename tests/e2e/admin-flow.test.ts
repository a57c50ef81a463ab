import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { HAS_CHROMIUM, launchBrowser } from "../helpers/browser.ts";
import { startLiveServer } from "../helpers/live-server.ts";
import { ADMIN_PASSWORD } from "../helpers/test-app.ts";

describe.skipIf(!HAS_CHROMIUM)("panel in real Chromium", () => {
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startLiveServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    return page;
  }

  async function login(page: Page, username: string, password: string) {
    await page.goto(`${server.url}/login`);
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', password);
    await page.click('button[type="submit"]');
    await page.waitForSelector("header.topbar");
  }

  test("operator creates a company, two queues and a user in both; the English agent is refused the users page", async () => {
    const page = await newPage();
    await login(page, "admin", ADMIN_PASSWORD);

    // Company: create it, with an inline error first (duplicate slug), then correctly.
    await page.click('nav >> text="Empresas"');
    await page.waitForURL(/\/admin\/companies$/);
    await page.click('text="Nueva empresa"');
    await page.fill('input[name="name"]', "Tienda Sol");
    await page.fill('input[name="slug"]', "mi-empresa");
    await page.selectOption('select[name="country"]', "PE");
    await page.selectOption('select[name="timeZone"]', "America/Lima");
    await page.fill('input[name="currency"]', "PEN");
    await page.click('#company-form button[type="submit"]');
    await page.waitForSelector("text=Ya existe una empresa con ese identificador.");
    expect(await page.inputValue('input[name="name"]')).toBe("Tienda Sol");
    await page.fill('input[name="slug"]', "tienda-sol");
    await page.click('#company-form button[type="submit"]');
    await page.waitForURL(/\/admin\/companies$/);
    await page.waitForSelector('#companies >> text="Tienda Sol"');

    // Created means selected: the switcher already shows the new company.
    expect(await page.locator('select[name="companyId"] option:checked').textContent()).toBe("Tienda Sol");
    // "Seleccione Empresa": switching keeps the section the operator is in.
    await page.selectOption('select[name="companyId"]', { label: "Mi Empresa" });
    await page.waitForSelector("text=Ahora administra Mi Empresa.");
    expect(new URL(page.url()).pathname).toBe("/admin/companies");
    await page.selectOption('select[name="companyId"]', { label: "Tienda Sol" });
    await page.waitForSelector("text=Ahora administra Tienda Sol.");
    expect(await page.locator('select[name="companyId"] option:checked').textContent()).toBe("Tienda Sol");

    // Two queues.
    // Company settings are under "Configuración", each section in its own bar.
    await page.click('nav.mainnav >> text="Configuración"');
    await page.waitForSelector("#settings");
    for (const name of ["contabilidad", "ventas"]) {
      await page.click('.settings-nav >> text="Colas"');
      await page.click('text="Nueva cola"');
      await page.fill('input[name="name"]', name);
      await page.click('#queue-form button[type="submit"]');
      await page.waitForSelector(`#queues >> text="${name}"`);
    }
    expect(await page.textContent(".pager .page-of")).toBe("Página 1 de 1");

    // A third queue, deleted from its confirmation page, which says what it still holds.
    await page.click('text="Nueva cola"');
    await page.fill('input[name="name"]', "temporal");
    await page.click('#queue-form button[type="submit"]');
    await page.waitForSelector('#queues >> text="temporal"');
    await page.click('#queues tr:has-text("temporal") a:has-text("Eliminar")');
    await page.waitForSelector("#queue-delete >> text=Tiene 0 miembros y 0 conversaciones en curso.");
    await page.click('#queue-delete button:has-text("Eliminar la cola")');
    await page.waitForSelector("text=Eliminado.");
    expect(await page.locator('#queues >> text="temporal"').count()).toBe(0);

    // A user in both queues; first a mismatch error, shown inline, nothing saved.
    await page.click('.settings-nav >> text="Usuarios"');
    await page.click('text="Nuevo usuario"');
    await page.fill('input[name="username"]', "fulanito");
    await page.fill('input[name="name"]', "Fulanito De Tal");
    await page.fill('input[name="password"]', "secreto-123");
    await page.fill('input[name="passwordConfirm"]', "otra-123x");
    await page.selectOption('select[name="role"]', "agent");
    await page.fill('input[name="extension"]', "101");
    await page.check('label.check:has-text("contabilidad") input');
    await page.check('label.check:has-text("ventas") input');
    await page.selectOption('select[name="language"]', "en");
    await page.click('#user-form button[type="submit"]');
    await page.waitForSelector("text=Las contraseñas no coinciden.");
    expect(await page.isChecked('label.check:has-text("ventas") input')).toBe(true);
    await page.fill('input[name="password"]', "secreto-123");
    await page.fill('input[name="passwordConfirm"]', "secreto-123");
    await page.click('#user-form button[type="submit"]');
    await page.waitForURL(/\/admin\/users$/);
    const row = page.locator('#users tr:has-text("fulanito")');
    await row.waitFor();
    const cells = await row.locator("td").allTextContents();
    expect(cells[0]).toBe("Tienda Sol");
    expect(cells[2]).toBe("Agente");
    expect(cells[3]).toBe("contabilidad, ventas");
    expect(cells[4]).toBe("101");
    expect(cells[5]).toBe("English");
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/users.png`, fullPage: true });

    // Log out.
    await page.click('button:has-text("Cerrar sesión")');
    await page.waitForURL(/\/login$/);
    await page.waitForSelector("text=Sesión cerrada.");

    // The agent works in English and cannot open admin pages.
    const agent = await newPage();
    await login(agent, "fulanito", "secreto-123");
    // Agents land on the inbox.
    await agent.waitForURL(/\/inbox$/);
    expect(await agent.textContent("main h1")).toBe("Inbox");
    expect(await agent.locator('nav >> text="Users"').count()).toBe(0);
    const res = await agent.goto(`${server.url}/admin/users`);
    expect(res!.status()).toBe(403);
    expect(await agent.textContent("main")).toContain("You do not have permission to see this page.");
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
