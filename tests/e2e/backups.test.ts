import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { checkRestorable } from "../../core/db/backup.ts";
import { HAS_CHROMIUM, fitsScreen, launchBrowser, PHONE, signIn } from "../helpers/browser.ts";
import { startLiveServer } from "../helpers/live-server.ts";
import { ADMIN_PASSWORD } from "../helpers/test-app.ts";

/** The operator takes a backup from the panel and downloads it, on a desktop and on a phone. */
describe.skipIf(!HAS_CHROMIUM)("backups page in real Chromium", () => {
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startLiveServer({ BACKUP_SCHEDULE: "0 3 * * *", BACKUP_KEEP: "5" });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const [size, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", PHONE],
  ] as const) {
    test(`Copias → Hacer copia ahora → listed with its size and age → Descargar gives a restorable file (${size})`, async () => {
      const context = await browser.newContext({ viewport, acceptDownloads: true });
      const page = await context.newPage();
      page.on("pageerror", (e) => errors.push(e.message));
      await signIn(page, server.url, "admin", ADMIN_PASSWORD);
      if (size === "phone") await page.click("label.nav-toggle-label");
      await page.click('nav.mainnav a[href="/admin/backups"]');
      await page.waitForSelector("#backup-now");
      expect(await page.textContent("h1")).toBe("Copias de seguridad");
      expect(await page.getAttribute('nav.mainnav a[href="/admin/backups"]', "class")).toBe("active");
      // A platform page: no company settings bar.
      expect(await page.$("nav.settings-nav")).toBeNull();
      expect(await page.textContent("#backup-status")).toContain("0 3 * * *");
      const before = await page.$$eval("#backup-list li code.filename", (els) => els.length);

      await page.click('#backup-now button[type="submit"]');
      await page.waitForSelector("#flash .flash-ok");
      expect(await page.textContent("#flash .flash-ok")).toContain("Copia iniciada");
      // Listed as soon as it is done (the block polls itself while it runs).
      await page.waitForFunction((n) => document.querySelectorAll("#backup-list li code.filename").length > n, before, { timeout: 10_000 });
      expect(await page.textContent("#last-backup-size")).toMatch(/\d+(,\d)? kB|MB/);
      expect(await page.textContent("#last-backup-age")).toMatch(/^hace \d+ s$/);
      expect(await page.textContent("#backup-list li:first-child")).toContain("Manual");
      expect(await page.textContent("#replication")).toContain("No configurada");
      expect(await fitsScreen(page)).toBe(true);

      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#backup-list li:first-child a.button")]);
      const name = (await page.textContent("#backup-list li:first-child code.filename"))!.trim();
      expect(download.suggestedFilename()).toBe(name);
      const file = await download.path();
      expect(checkRestorable(file).version).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      await context.close();
    }, 30_000);
  }
});
