import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { HAS_CHROMIUM, launchBrowser, signIn } from "../helpers/browser.ts";
import { startLiveServer } from "../helpers/live-server.ts";
import { ADMIN_PASSWORD } from "../helpers/test-app.ts";

/** The first hour of a new business, in real Chromium: what a newcomer walk-through found rough. */
describe.skipIf(!HAS_CHROMIUM)("the first hour, in Chromium", () => {
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let browser: Browser;
  let channel: number;
  let ventas: number;
  let n = 0;
  const pageErrors: string[] = [];

  const conversation = async (name: string) => {
    const from = `57300${++n}`;
    await server.webhook(channel, { messages: [{ id: `fh-${n}`, from, name, text: `Hola, soy ${name}` }] });
    return server.db.query<{ id: number }, [string]>("SELECT c.id FROM conversations c JOIN contact_identities i ON i.contact_id = c.contact_id WHERE i.external_id = ?").get(from)!.id;
  };
  const open = async (user: string, password = "password-123"): Promise<Page> => {
    const context = await browser.newContext({ locale: "es-CO" });
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await signIn(page, server.url, user, password);
    return page;
  };
  const replies = (id: number) =>
    server.db.query<{ text: string }, [number]>("SELECT text FROM messages WHERE conversation_id = ? AND direction = 'out' AND author <> 'system' ORDER BY id").all(id).map((r) => r.text);

  beforeAll(async () => {
    server = await startLiveServer();
    browser = await launchBrowser();
    ventas = server.makeQueue(server.companyId, "ventas", "manual");
    for (const u of ["ana", "beto"]) await server.makeUser(server.companyId, u, "agent", [ventas]);
    await server.makeUser(server.companyId, "sofia", "supervisor", [ventas]);
    channel = server.makeRelayChannel(server.companyId, "http://127.0.0.1:9/x", ventas);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("Enter sends once; Shift+Enter adds a line; the attach control is reachable by keyboard", async () => {
    const id = await conversation("Enter");
    const page = await open("ana");
    await page.goto(`${server.url}/inbox/${id}`);
    await page.click("#composer textarea");
    await page.keyboard.type("línea uno");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("línea dos");
    await page.keyboard.press("Enter");
    await page.waitForSelector('.msg.out:has-text("línea dos")');
    await page.keyboard.press("Enter"); // an empty composer sends nothing
    await page.waitForTimeout(300);
    expect(replies(id)).toEqual(["línea uno\nlínea dos"]);
    expect(await page.inputValue("#composer textarea")).toBe("");
    // Tab from the text reaches the attach control.
    await page.focus("#composer textarea");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe("file");
    await page.context().close();
  }, 30_000);

  test("a double click on a slow network sends one message and creates one token", async () => {
    const id = await conversation("Doble");
    const page = await open("ana");
    await page.goto(`${server.url}/inbox/${id}`);
    await page.route("**/inbox/*/messages", async (route) => {
      await new Promise((r) => setTimeout(r, 700));
      await route.continue();
    });
    await page.fill("#composer textarea", "una sola vez");
    await page.dblclick('#composer button[type="submit"]');
    await page.keyboard.press("Enter");
    await page.waitForSelector('.msg.out:has-text("una sola vez")');
    await page.waitForTimeout(800);
    expect(replies(id)).toEqual(["una sola vez"]);

    const admin = await open("admin", ADMIN_PASSWORD);
    await admin.goto(`${server.url}/admin/tokens`);
    await admin.route("**/admin/tokens", async (route) => {
      if (route.request().method() === "POST") await new Promise((r) => setTimeout(r, 700));
      await route.continue();
    });
    await admin.fill('#token-form input[name="name"]', "integración");
    await admin.dblclick('#token-form button[type="submit"]');
    await admin.waitForSelector("#new-token");
    await admin.waitForTimeout(800);
    expect(server.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM api_tokens WHERE name = 'integración'").get()!.n).toBe(1);
    await page.context().close();
    await admin.context().close();
  }, 30_000);

  test("an expired session keeps the draft, explains itself, and returns to the conversation after sign-in", async () => {
    const id = await conversation("Expira");
    const page = await open("beto");
    await page.goto(`${server.url}/inbox/${id}`);
    await page.fill("#composer textarea", "esto no se pierde");
    server.db.query("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = 'beto')").run();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/login\?/);
    expect(await page.textContent("#session-expired")).toContain("Su sesión terminó");
    await page.fill('input[name="username"]', "beto");
    await page.fill('input[name="password"]', "password-123");
    await page.click('button[type="submit"]');
    await page.waitForURL(new RegExp(`/inbox/${id}$`));
    await page.waitForSelector("#composer textarea");
    expect(await page.inputValue("#composer textarea")).toBe("esto no se pierde");
    expect(replies(id)).toEqual([]);
    await page.context().close();
  }, 30_000);

  test("the web chat settings keep their checkbox (and all values) through an error, at an address that survives a reload", async () => {
    const webchat = server.db.query<{ id: number }, []>("SELECT id FROM channels WHERE plugin_id = 'webchat'").get()!.id;
    const page = await open("admin", ADMIN_PASSWORD);
    await page.goto(`${server.url}/admin/channels/${webchat}`);
    expect(await page.isChecked('input[type=checkbox][name="config.askName"]')).toBe(true);
    await page.check('input[type=checkbox][name="config.askPhone"]');
    await page.fill('input[name="config.title"]', "Tienda Sol");
    await page.fill('input[name="config.allowedOrigins"]', "mitienda.com");
    await page.click('#channel-form button[type="submit"]');
    await page.waitForSelector("text=Escriba cada sitio con https:// delante");
    expect(await page.isChecked('input[type=checkbox][name="config.askName"]')).toBe(true);
    expect(await page.isChecked('input[type=checkbox][name="config.askPhone"]')).toBe(true);
    expect(await page.inputValue('input[name="config.title"]')).toBe("Tienda Sol");
    expect(new URL(page.url()).pathname).toBe(`/admin/channels/${webchat}`);
    await page.reload();
    await page.waitForSelector("#channel-form");
    // Nothing was saved.
    expect(await page.inputValue('input[name="config.title"]')).toBe("");
    await page.context().close();
  }, 30_000);

  test("choosing México fills America/Mexico_City and MXN; the identifier follows the name", async () => {
    const page = await open("admin", ADMIN_PASSWORD);
    await page.goto(`${server.url}/admin/companies/new`);
    await page.fill('input[name="name"]', "Taquería Doña Lupe");
    expect(await page.inputValue('input[name="slug"]')).toBe("taqueria-dona-lupe");
    await page.selectOption('select[name="country"]', "MX");
    expect(await page.inputValue('select[name="timeZone"]')).toBe("America/Mexico_City");
    expect(await page.inputValue('input[name="currency"]')).toBe("MXN");
    await page.click('#company-form button[type="submit"]');
    await page.waitForSelector('#companies >> text="Taquería Doña Lupe"');
    const row = server.db.query<{ time_zone: string; currency: string }, []>("SELECT time_zone, currency FROM companies WHERE slug = 'taqueria-dona-lupe'").get()!;
    expect(row).toEqual({ time_zone: "America/Mexico_City", currency: "MXN" });
    // And it is the company being administered now.
    expect(await page.locator('select[name="companyId"] option:checked').textContent()).toBe("Taquería Doña Lupe");
    await page.selectOption('select[name="companyId"]', { label: "Mi Empresa" });
    await page.waitForSelector("text=Ahora administra Mi Empresa.");
    await page.context().close();
  }, 30_000);

  test("a transfer to an agent who is offline warns first; the list shows who is online", async () => {
    const id = await conversation("Transfer");
    const page = await open("sofia");
    await page.goto(`${server.url}/inbox/${id}`);
    await page.click('details.menu summary:has-text("Transferir")');
    const options = await page.locator('#transfer-form select[name="assigneeId"] option').allTextContents();
    expect(options).toContain("○ Name beto (desconectado)");
    expect(options.some((o) => o.includes("sofia"))).toBe(false); // supervisors are not in the agent list
    await page.selectOption('#transfer-form select[name="assigneeId"]', { label: "○ Name beto (desconectado)" });
    await page.click('#transfer-form button[type="submit"]');
    await page.waitForSelector("#offline-warning >> text=Name beto está desconectado");
    expect(server.db.query<{ a: number | null }, [number]>("SELECT assignee_id AS a FROM conversations WHERE id = ?").get(id)!.a).toBeNull();
    await page.click('#offline-warning button:has-text("Transferir de todos modos")');
    await page.waitForSelector("text=Conversación transferida a Name beto, que está desconectado");
    expect(await page.textContent("#assignee")).toBe("Atiende: Name beto");
    await page.context().close();
  }, 30_000);

  test("an agent must take a colleague's conversation before writing; a supervisor confirms first", async () => {
    const id = await conversation("Tomar");
    const ana = await open("ana");
    await ana.goto(`${server.url}/inbox/${id}`);
    await ana.fill("#composer textarea", "la tengo yo");
    await ana.keyboard.press("Enter");
    await ana.waitForSelector('.msg.out:has-text("la tengo yo")');

    const beto = await open("beto");
    await beto.goto(`${server.url}/inbox/${id}?tab=all`);
    await beto.waitForSelector("#take-first >> text=Name ana atiende esta conversación");
    expect(await beto.locator("#composer").count()).toBe(0);
    await beto.click('#take-first button:has-text("Tomar")');
    await beto.waitForSelector("#composer textarea");
    expect(await beto.textContent("#assignee")).toBe("Atiende: Name beto");

    const sofia = await open("sofia");
    await sofia.goto(`${server.url}/inbox/${id}`);
    const dialogs: string[] = [];
    sofia.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await sofia.fill("#composer textarea", "apoyo de la supervisora");
    await sofia.click('#composer button[type="submit"]');
    await sofia.waitForSelector('.msg.out:has-text("apoyo de la supervisora")');
    expect(dialogs).toEqual(["Name beto atiende esta conversación. ¿Escribir de todos modos? Name beto verá su mensaje."]);
    // Beto sees it live.
    await beto.waitForSelector('.msg.out:has-text("apoyo de la supervisora")');
    expect(pageErrors).toEqual([]);
    for (const p of [ana, beto, sofia]) await p.context().close();
  }, 40_000);
});
