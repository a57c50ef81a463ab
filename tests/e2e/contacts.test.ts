import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { ChannelView } from "../../core/channels/channel-service.ts";
import { wa } from "../fakes/meta-graph.ts";
import { fitsScreen, HAS_CHROMIUM, launchBrowser, PHONE, signIn } from "../helpers/browser.ts";
import { APP_SECRET, NUMBER_A, startWithMeta, WABA } from "../helpers/meta-setup.ts";

/**
 * Contacts as a new admin and two agents use them, in real Chromium against the
 * real app and the Meta fake: the template, a coloured tag, the generated form
 * with its errors in Spanish and English, the search box, a WhatsApp conversation
 * of the person, and the inbox side panel edited live.
 */
describe.skipIf(!HAS_CHROMIUM)("contacts in the browser (Chromium)", () => {
  let env: Awaited<ReturnType<typeof startWithMeta>>;
  let browser: Browser;
  let channel: ChannelView;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  const db = () => env.server.db;

  const open = async (user: string, viewport?: { width: number; height: number }): Promise<Page> => {
    const context = await browser.newContext(viewport ? { viewport } : {});
    contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (e) => errors.push(`${user}: ${e.message}`));
    await signIn(page, env.server.url, user, "password-123");
    return page;
  };

  beforeAll(async () => {
    env = await startWithMeta();
    const queue = env.server.makeQueue(env.server.companyId, "ventas");
    channel = env.whatsapp(env.server.companyId, NUMBER_A, queue);
    await env.server.makeUser(env.server.companyId, "gerente", "admin", [], "es");
    await env.server.makeUser(env.server.companyId, "manager", "admin", [], "en");
    await env.server.makeUser(env.server.companyId, "ana", "agent", [queue], "es");
    await env.server.makeUser(env.server.companyId, "beto", "supervisor", [queue], "es");
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await env?.stop();
  });

  let admin: Page;
  let contactId: number;

  test("the admin defines the template: ID document (required), single choice, date and text", async () => {
    admin = await open("gerente");
    // Settings live under "Configuración", one section each in its bar.
    await admin.click('nav.mainnav a[href="/admin"]');
    await admin.waitForSelector("#settings");
    await admin.click('.settings-nav a[href="/admin/fields"]');
    await admin.waitForSelector("#fields");
    expect(await admin.textContent("#fields")).toContain("La plantilla está vacía");

    const addField = async (label: string, type: string, extra: (p: Page) => Promise<void> = async () => {}) => {
      await admin.goto(`${env.server.url}/admin/fields/new`);
      await admin.fill('input[name="label"]', label);
      await admin.selectOption('select[name="type"]', type);
      await extra(admin);
      await admin.click('#field-form button[type="submit"]');
      await admin.waitForSelector("#fields");
    };
    await addField("Cédula", "id_document", async (p) => {
      // The key follows the label until someone edits it.
      expect(await p.inputValue('input[name="key"]')).toBe("cedula");
      await p.check('input[name="required"]');
    });
    await addField("Ciudad", "choice", async (p) => {
      // The options box appears for a single choice only.
      expect(await p.isVisible('textarea[name="options"]')).toBe(true);
      await p.fill('textarea[name="options"]', "Bogotá\nMedellín\nCali");
      await p.check('input[name="display"]');
    });
    await addField("Fecha de nacimiento", "date", async (p) => {
      expect(await p.isVisible('textarea[name="options"]')).toBe(false);
      expect(await p.inputValue('input[name="key"]')).toBe("fecha_de_nacimiento");
    });
    await addField("Empresa", "text");

    const rows = await admin.locator("#fields tbody tr").allTextContents();
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain("Cédula");
    expect(rows[0]).toContain("Documento de identidad");
    expect(rows[0]).toContain("Sí");
    expect(rows[1]).toContain("Opción única (Bogotá, Medellín, Cali)");
    expect(rows[1]).toContain("Columna de la lista");
    // Reordering: "Empresa" one place up.
    await admin.locator("#fields tbody tr").nth(3).locator('button[aria-label="Subir Empresa"]').click();
    // The table is swapped in when the move answers: wait for the new order, not for a table that is already there.
    await admin.waitForFunction(() => document.querySelectorAll("#fields tbody tr")[2]?.textContent?.includes("Empresa"), null, { timeout: 5_000 });
    expect(await admin.locator("#fields tbody tr").nth(2).textContent()).toContain("Empresa");
  });

  test("a new tag with a real colour input, shown as a swatch", async () => {
    await admin.click('.settings-nav a[href="/admin/tags"]');
    await admin.waitForSelector("#tags");
    expect(await admin.textContent("#tags")).toContain("Aún no hay etiquetas");
    expect(await admin.textContent(".pager")).toContain("Página 1 de 1");
    for (const [name, color] of [
      ["Clientes VIP", "#d81b60"],
      ["Regional Sur", "#43a047"],
    ]) {
      await admin.goto(`${env.server.url}/admin/tags/new`);
      expect(await admin.getAttribute('input[name="color"]', "type")).toBe("color");
      await admin.fill('input[name="name"]', name!);
      await admin.fill('input[name="color"]', color!);
      await admin.click('#tag-form button[type="submit"]');
      await admin.waitForSelector("#tags");
    }
    const vip = admin.locator("#tags tbody tr", { hasText: "Clientes VIP" });
    expect(await vip.locator("circle").getAttribute("fill")).toBe("#d81b60");
  });

  test("the generated form refuses bad values field by field, in Spanish; then the contact is created", async () => {
    await admin.click('nav.mainnav a[href="/contacts"]');
    await admin.click('a[href="/contacts/new"]');
    await admin.waitForSelector("#contact-form");
    // The template's fields, in the template's order, with their own controls.
    expect(await admin.locator("#contact-form label.label").allTextContents()).toEqual(["Cédula *", "Ciudad", "Empresa", "Fecha de nacimiento"]);
    expect(await admin.getAttribute("#f-fecha_de_nacimiento", "type")).toBe("date");
    expect(await admin.locator("#f-ciudad option").allTextContents()).toEqual(["—", "Bogotá", "Medellín", "Cali"]);

    await admin.fill('input[name="phone"]', "123");
    await admin.fill('input[name="email"]', "marta@");
    await admin.click('#contact-form button[type="submit"]');
    await admin.waitForSelector(".field-error");
    const shown = await admin.locator(".field-error").allTextContents();
    expect(shown).toEqual([
      "Escriba el nombre del contacto",
      "Número no válido para Colombia (si es de otro país, escríbalo con + y su indicativo)",
      "Correo no válido (por ejemplo nombre@dominio.com)",
      "Este campo es obligatorio",
    ]);
    // What was typed is still there, and nothing was stored.
    expect(await admin.inputValue('input[name="email"]')).toBe("marta@");
    expect(db().query<{ n: number }, []>("SELECT COUNT(*) AS n FROM contacts").get()!.n).toBe(0);

    await admin.fill('input[name="name"]', "Marta Ruiz");
    await admin.fill('input[name="phone"]', "300 111 2233");
    await admin.fill('input[name="email"]', "marta@example.com");
    await admin.fill("#f-cedula", "1.023.456.789");
    await admin.selectOption("#f-ciudad", "Medellín");
    await admin.fill("#f-fecha_de_nacimiento", "1990-05-17");
    await admin.locator("label.tag-pick", { hasText: "Clientes VIP" }).locator("input").check();
    await admin.click('#contact-form button[type="submit"]');
    await admin.waitForSelector(".field-list");
    contactId = Number(new URL(admin.url()).pathname.split("/").pop());
    expect(contactId).toBeGreaterThan(0);
    const page = await admin.textContent("main");
    expect(page).toContain("+57 300 1112233");
    expect(page).toContain("1023456789");
    expect(page).toContain("Medellín");
    expect(page).toContain("17 may 1990");
    expect(await admin.locator("#tag-section .tag-chip").allTextContents()).toEqual(["Clientes VIP×"]);
    expect(db().query<{ phone: string }, [number]>("SELECT phone FROM contacts WHERE id = ?").get(contactId)!.phone).toBe("+573001112233");
  });

  test("an English admin gets the same errors in English", async () => {
    const manager = await open("manager");
    await manager.goto(`${env.server.url}/contacts/new`);
    await manager.fill('input[name="phone"]', "123");
    await manager.fill('input[name="email"]', "marta@");
    await manager.click('#contact-form button[type="submit"]');
    await manager.waitForSelector(".field-error");
    expect(await manager.locator(".field-error").allTextContents()).toEqual([
      "Enter the contact's name",
      "Not a valid number for Colombia (for another country, type it with + and its country code)",
      "Not a valid email (for example name@domain.com)",
      "This field is required",
    ]);
    expect(await manager.textContent("h1")).toBe("New contact");
  });

  test("the search box finds the person by part of the number typed without the country code, as one types", async () => {
    // A few other people, so the search has something to leave out (Lucía's number has "111" too).
    const token = env.server.makeToken(env.server.companyId);
    for (const body of [
      { name: "Pedro Gómez", phone: "+57 310 555 6677", fields: { cedula: "445566" } },
      { name: "Lucía Mora", phone: "320 111 9988", fields: { cedula: "778899" } },
      { name: "Jorge Niño", phone: "+57 311 222 3344", fields: { cedula: "998877" } },
    ]) {
      const res = await fetch(`${env.server.url}/api/v1/contacts`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
    }
    await admin.goto(`${env.server.url}/contacts`);
    expect(await admin.locator("#contacts tbody tr").count()).toBe(4);
    await admin.locator('input[name="q"]').pressSequentially("111 22", { delay: 40 });
    await admin.waitForFunction(() => document.querySelectorAll("#contacts tbody tr").length === 1);
    const row = await admin.textContent("#contacts tbody tr");
    expect(row).toContain("Marta Ruiz");
    expect(row).toContain("+57 300 1112233");
    // CAMPO PLANTILLA shows the display field, tags are chips.
    expect(await admin.textContent("#contacts thead")).toContain("Ciudad");
    expect(row).toContain("Medellín");
    expect(row).toContain("Clientes VIP");
    // The address follows the search, so a reload or a shared link shows the same list.
    expect(new URL(admin.url()).searchParams.get("q")).toBe("111 22");
    expect(await admin.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("q");
    // By name, without accents.
    await admin.fill('input[name="q"]', "jorge nino");
    await admin.waitForFunction(() => (document.querySelector("#contacts tbody")?.textContent ?? "").includes("Jorge Niño"));
    expect(await admin.locator("#contacts tbody tr").count()).toBe(1);
  });

  test("an import from the panel: upload, columns guessed, dry run with its report, then the real import with its bar", async () => {
    const csv = ["Nombre;Teléfono;Cédula;Ciudad", "Rosa Díaz;315 222 3344;5551;Cali", "Mal Número;123;5552;Cali", "Tomás Ríos;316 444 5566;5553;Bogotá"].join("\r\n");
    await admin.goto(`${env.server.url}/contacts`);
    await admin.click('a[href="/contacts/import"]');
    await admin.setInputFiles('input[name="file"]', { name: "clientes.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "latin1") });
    await admin.click('#import-form button[type="submit"]');
    await admin.waitForSelector("#import-preview");
    expect(await admin.textContent("#import-preview")).toContain("Latin-1");
    expect(await admin.locator("#import-preview thead select").evaluateAll((ss) => ss.map((s) => (s as HTMLSelectElement).value))).toEqual(["name", "phone", "field:cedula", "field:ciudad"]);
    await admin.click("#dry-run");
    await admin.waitForSelector("#import-progress.done");
    expect(await admin.locator("#import-errors tbody tr").allTextContents()).toEqual([
      "2TeléfonoNúmero no válido para Colombia (si es de otro país, escríbalo con + y su indicativo)",
    ]);
    expect(db().query<{ n: number }, []>("SELECT COUNT(*) AS n FROM contacts WHERE name IN ('Rosa Díaz', 'Tomás Ríos')").get()!.n).toBe(0);
    const dryUrl = admin.url();
    await admin.click("#run-after-dry");
    // A new job page (the dry run's report also says "done"): wait for it first.
    await admin.waitForURL((u) => u.toString() !== dryUrl);
    await admin.waitForFunction(() => document.querySelector("h1")?.textContent === "Importación de contactos");
    await admin.waitForSelector("#import-progress.done");
    expect(await admin.textContent("#import-counts")).toContain("Creados: 2");
    expect(db().query<{ n: number }, []>("SELECT COUNT(*) AS n FROM contacts WHERE name IN ('Rosa Díaz', 'Tomás Ríos')").get()!.n).toBe(2);
  });

  let conversation: number;

  test("the person writes on WhatsApp: the message lands on the same contact, with its identity", async () => {
    const ctx = { wabaId: WABA, phoneNumberId: NUMBER_A.phoneNumberId, displayPhoneNumber: NUMBER_A.displayPhoneNumber, from: "573001112233", name: "Marta R.", id: "wamid.contacts1" };
    const [res] = await env.meta.deliver(channel.webhookUrl, wa.text(ctx, "Hola, ¿ya llegó mi pedido?"), { appSecret: APP_SECRET });
    expect(res!.status).toBe(200);
    const row = db().query<{ id: number; contact_id: number }, []>("SELECT id, contact_id FROM conversations").get()!;
    conversation = row.id;
    expect(row.contact_id).toBe(contactId);
    // The name an admin typed stays; WhatsApp's profile name does not overwrite it.
    expect(db().query<{ name: string }, [number]>("SELECT name FROM contacts WHERE id = ?").get(contactId)!.name).toBe("Marta Ruiz");
    await admin.goto(`${env.server.url}/contacts/${contactId}`);
    expect(await admin.textContent(".identities")).toContain("+57 300 1112233");
    expect(await admin.textContent(".conv-history")).toContain("En espera");
  });

  test("in the inbox side panel an agent edits a field and tags; another agent sees it live", async () => {
    const ana = await open("ana");
    const beto = await open("beto");
    for (const p of [ana, beto]) {
      await p.goto(`${env.server.url}/inbox/${conversation}`);
      await p.waitForSelector("#contact-panel");
    }
    const panel = ana.locator("#contact-panel");
    expect(await panel.locator("h2").textContent()).toBe("Marta Ruiz");
    expect(await panel.locator("#row-ciudad").textContent()).toContain("Medellín");

    // A bad value is refused in place, in Spanish, and nothing changes.
    await panel.locator('#row-cedula button.edit-field').click();
    await ana.fill("#edit-cedula", "??");
    await ana.press("#edit-cedula", "Enter");
    await ana.waitForSelector("#row-cedula .field-error");
    expect(await ana.textContent("#row-cedula .field-error")).toContain("Documento no válido");
    await ana.press("#edit-cedula", "Escape");
    await ana.waitForSelector("#row-cedula:not(.editing)");
    expect(await ana.textContent("#row-cedula")).toContain("1023456789");

    await panel.locator('#row-ciudad button.edit-field').click();
    await ana.selectOption("#edit-ciudad", "Cali");
    await ana.click('#row-ciudad button[type="submit"]');
    await ana.waitForSelector("#row-ciudad:not(.editing)");
    expect(await ana.textContent("#row-ciudad")).toContain("Cali");
    // Beto's panel follows without a reload.
    await beto.waitForFunction(() => (document.querySelector("#row-ciudad")?.textContent ?? "").includes("Cali"), null, { timeout: 5000 });

    await panel.locator('select[name="tagId"]').selectOption({ label: "Regional Sur" });
    await panel.locator('.add-tag button[type="submit"]').click();
    await ana.waitForFunction(() => (document.querySelector("#contact-panel .tag-chips")?.textContent ?? "").includes("Regional Sur"));
    await ana.click('#contact-panel button[aria-label="Quitar la etiqueta Clientes VIP"]');
    await ana.waitForFunction(() => !(document.querySelector("#contact-panel .tag-chips")?.textContent ?? "").includes("Clientes VIP"));
    await beto.waitForFunction(() => {
      const chips = document.querySelector("#contact-panel .tag-chips")?.textContent ?? "";
      return chips.includes("Regional Sur") && !chips.includes("Clientes VIP");
    });

    // A private note, with its author.
    await panel.locator('textarea[name="text"]').fill("Prefiere que la llamen en la tarde");
    await panel.locator('.note-form button[type="submit"]').click();
    await ana.waitForSelector("#contact-panel .note-list li");
    expect(await ana.textContent("#contact-panel .note-list")).toContain("Prefiere que la llamen en la tarde");
    await beto.waitForFunction(() => (document.querySelector("#contact-panel .note-list")?.textContent ?? "").includes("Prefiere"));

    const stored = db()
      .query<{ value: string }, [number]>("SELECT v.value FROM contact_values v JOIN contact_fields f ON f.id = v.field_id WHERE v.contact_id = ? AND f.key = 'ciudad'")
      .get(contactId)!;
    expect(stored.value).toBe("Cali");
    const tags = db().query<{ name: string }, [number]>("SELECT t.name FROM contact_tags x JOIN tags t ON t.id = x.tag_id WHERE x.contact_id = ?").all(contactId);
    expect(tags.map((t) => t.name)).toEqual(["Regional Sur"]);
  });

  test("on a phone the contact list, the contact page and the side panel fit the screen", async () => {
    const phone = await open("ana", PHONE);
    for (const path of ["/contacts", `/contacts/${contactId}`, `/inbox/${conversation}`]) {
      await phone.goto(`${env.server.url}${path}`);
      await phone.waitForLoadState("load");
      expect({ path, fits: await fitsScreen(phone) }).toEqual({ path, fits: true });
    }
    // The panel opens over the conversation from the header's "Contacto" button.
    expect(await phone.isVisible("#contact-panel")).toBe(false);
    await phone.click("#contact-toggle-label");
    expect(await phone.isVisible("#contact-panel")).toBe(true);
    expect(await fitsScreen(phone)).toBe(true);
    await phone.click("#contact-panel .panel-close");
    expect(await phone.isVisible("#contact-panel")).toBe(false);
    expect(errors).toEqual([]);
  });
});
