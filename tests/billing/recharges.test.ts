import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BillingService } from "../../core/billing/billing-service.ts";
import { formatMoney, parseMajor } from "../../core/billing/money.ts";
import { T } from "../../core/tokens.ts";
import { api, type Client } from "../helpers/client.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

const ROOT = join(import.meta.dir, "../..");

describe("prepaid recharges (the ledger)", () => {
  let app: TestApp;
  let operator: Client;
  let admin: Client;
  let b: number;
  let billing: BillingService;
  const record = (companyId: number, amount: string, date: string, method = "nequi") => billing.recharge({ companyId, amount, date, method, reference: "", note: "" }, "test");

  beforeAll(async () => {
    app = await createTestApp();
    billing = app.container.resolve<BillingService>(T.BillingService);
    b = app.makeCompany("tienda-b");
    operator = await app.operator();
    await app.makeUser(app.companyId, "gerente", "admin");
    admin = app.client();
    await admin.login("gerente", "password-123");
  });
  afterAll(() => app.close());

  test("amounts are typed as people write them and shown the same way", () => {
    expect(parseMajor("230000", "COP")).toBe(23_000_000);
    expect(parseMajor("$230.000", "COP")).toBe(23_000_000);
    expect(parseMajor("1,5", "COP")).toBe(150);
    expect(parseMajor("dos mil", "COP")).toBeNull();
    expect(formatMoney(23_000_000, "COP")).toBe("$230.000");
    expect(formatMoney(1999, "USD", "en-US")).toBe("$19.99");
  });

  test("concurrent recharges never lose an entry; the balance is the ledger's sum; a reversal cancels one, once; entries cannot be edited", async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => Promise.resolve().then(() => record(app.companyId, String(1000 + i), "2026-10-01"))));
    const expected = Array.from({ length: 40 }, (_, i) => (1000 + i) * 100).reduce((a, x) => a + x, 0);
    expect(billing.balance(app.companyId).balance).toBe(expected);
    const sum = app.db.query<{ s: number; n: number }, [number]>("SELECT SUM(amount) AS s, COUNT(*) AS n FROM ledger_entries WHERE company_id = ?").get(app.companyId)!;
    expect(sum).toEqual({ s: expected, n: 40 });
    // The balance kept on the company's row is the ledger's sum.
    const kept = app.db.query<{ balance: number }, [number]>("SELECT balance FROM companies WHERE id = ?").get(app.companyId)!.balance;
    expect(kept).toBe(expected);
    const wrong = record(app.companyId, "500000", "2026-10-02");
    billing.reverse(wrong.id, "Valor equivocado", "test");
    expect(billing.balance(app.companyId).balance).toBe(expected);
    expect(() => billing.reverse(wrong.id, "otra vez", "test")).toThrow();
    expect(() => app.db.query("UPDATE ledger_entries SET amount = 1 WHERE id = ?").run(wrong.id)).toThrow(/append-only/);
    // Bad input changes nothing.
    const before = billing.balance(app.companyId).balance;
    for (const bad of [
      { amount: "0", date: "2026-10-01", method: "nequi" },
      { amount: "-5", date: "2026-10-01", method: "nequi" },
      { amount: "100", date: "2026-02-30", method: "nequi" },
      { amount: "100", date: "2026-10-01", method: "bitcoin" },
    ]) {
      expect(() => billing.recharge({ companyId: app.companyId, reference: "", note: "", ...bad }, "test")).toThrow();
    }
    expect(billing.balance(app.companyId).balance).toBe(before);
    expect(app.db.query<{ s: number }, [number]>("SELECT SUM(amount) AS s FROM ledger_entries WHERE company_id = ?").get(app.companyId)!.s).toBe(before);
  });

  test("Listado de Recargas: the operator sees every company with Desde / Hasta / Valor; an admin sees only their own; an empty list says so", async () => {
    record(b, "230000", "2026-10-25", "daviplata");
    record(b, "99000", "2026-11-03", "pse");
    const all = await operator.html("/admin/recharges");
    for (const col of ["Empresa", "Valor", "Fecha", "Acciones"]) expect(all).toContain(`<th>${col}</th>`);
    expect(all).toContain("Company tienda-b");
    expect(all).toContain("$230.000");
    const byValue = await operator.html("/admin/recharges?value=%24230000");
    expect(byValue).toContain("$230.000");
    expect(byValue).not.toContain("$99.000");
    const byDates = await operator.html("/admin/recharges?from=2026-11-01&to=2026-11-30");
    expect(byDates).toContain("$99.000");
    expect(byDates).not.toContain("$230.000");
    const none = await operator.html("/admin/recharges?from=2030-01-01");
    expect(none).toContain("Ninguna recarga coincide con estos filtros.");
    expect(none).not.toContain("Página 1 de");
    const bad = await operator.get("/admin/recharges?from=ayer");
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Escriba la fecha como AAAA-MM-DD.");
    const own = await admin.html("/admin/recharges");
    expect(own).not.toContain("Company tienda-b");
    expect(own).toContain("Saldo:");
    // The admin sets a threshold: at or below it, every page shows the banner.
    expect(own).not.toContain('id="low-balance"');
    expect((await admin.post("/admin/recharges/settings", { threshold: "1.000.000" })).status).toBe(303);
    const warned = await admin.html("/admin/queues");
    expect(warned).toContain('id="low-balance"');
    expect(warned).toContain("Saldo bajo: $");
    expect((await admin.post("/admin/recharges/settings", { threshold: "" })).status).toBe(303);
    expect(await admin.html("/admin/queues")).not.toContain('id="low-balance"');
    // Admins read; only the operator records.
    expect((await admin.get("/admin/recharges/new")).status).toBe(403);
  });

  test("the operator records one in the panel; a company token reads its balance and recharges", async () => {
    const form = await operator.post("/admin/recharges", { companyId: String(b), amount: "50.000", date: "2026-11-20", method: "efecty", reference: "EF-1", note: "" });
    expect(form.status).toBe(303);
    const refused = await operator.post("/admin/recharges", { companyId: String(b), amount: "cincuenta", date: "", method: "efecty", reference: "", note: "" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Escriba un valor mayor que cero");
    const token = app.makeToken(b, "read");
    const balance = (await (await api(app.app, "GET", "/api/v1/balance", token)).json()) as { currency: string; balance: number };
    expect(balance).toEqual({ currency: "COP", balance: 37_900_000, lowBalanceThreshold: null } as never);
    const list = (await (await api(app.app, "GET", "/api/v1/recharges?from=2026-11-01", token)).json()) as { data: { amount: number; method: string; reference: string | null }[]; next: null };
    expect(list.data.map((r) => [r.amount, r.method, r.reference])).toEqual([
      [5_000_000, "efecty", "EF-1"],
      [9_900_000, "pse", null],
    ]);
    expect(list.next).toBeNull();
  });

  test("the monthly statement: opening balance, recharges, reversals, closing; the operator's totals; CSV", async () => {
    const c = app.makeCompany("tienda-c");
    record(c, "100000", "2026-09-15");
    record(c, "50000", "2026-10-03");
    const wrong = record(c, "7000", "2026-10-04");
    billing.reverse(wrong.id, "duplicado", "test");
    const s = billing.statement(c, "2026-10");
    expect(s.rows).toHaveLength(1);
    // The reversal is dated the day it was recorded (today, in the company's time zone), so it falls in this month only if today is in it.
    const reversalThisMonth = billing.thisMonth(c) === "2026-10";
    expect(s.rows[0]).toMatchObject({ opening: 10_000_000, recharges: 5_700_000, reversals: reversalThisMonth ? -700_000 : 0, closing: reversalThisMonth ? 15_000_000 : 15_700_000 });
    const page = await operator.html("/admin/statement?month=2026-10");
    expect(page).toContain("Company tienda-c");
    expect(page).toContain("Total");
    const csv = await operator.get("/admin/statement?month=2026-10&format=csv");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const text = await csv.text();
    expect(text).toContain("month,company,currency,opening,recharges,reversals,adjustments");
    expect(text).toContain("2026-10,Company tienda-c,COP,100000.00,57000.00");
    const own = await admin.html("/admin/statement?month=2026-10");
    expect(own).not.toContain("Company tienda-c");
    expect((await operator.get("/admin/statement?month=2026-13")).status).toBe(422);
  });

  test("the operator's rate table in the panel: a platform row, a company override, bad input refused", async () => {
    expect((await operator.post("/admin/rates", { kind: "whatsapp.marketing", amount: "95,5", country: "co", model: "", companyId: "", currency: "COP" })).status).toBe(303);
    expect((await operator.post("/admin/rates", { kind: "whatsapp.marketing", amount: "80", country: "", model: "", companyId: String(b), currency: "COP" })).status).toBe(303);
    const bad = await operator.post("/admin/rates", { kind: "whatsapp.marketing", amount: "-1", country: "Colombia", model: "", companyId: "", currency: "COP" });
    expect(bad.status).toBe(422);
    const badText = await bad.text();
    expect(badText).toContain("Escriba un precio de 0 o más.");
    expect(badText).toContain("El país es un código de 2 letras (CO).");
    const page = await operator.html("/admin/rates");
    expect(page).toContain("$95,50");
    expect(page).toContain("Company tienda-b");
    expect((await admin.get("/admin/rates")).status).toBe(403);
  });

  test("charla recharge add records one and prints the balance; charla rate set prices a kind", () => {
    const dir = mkdtempSync(join(tmpdir(), "charla-recharge-"));
    try {
      const env = { ...process.env, DATA_DIR: dir, LOG_LEVEL: "error", ADMIN_PASSWORD: "" };
      const run = (...args: string[]) => Bun.spawnSync(["bun", "core/main.ts", ...args], { cwd: ROOT, env, stdout: "pipe", stderr: "pipe" });
      expect(run("company", "create", "--name", "Tienda", "--slug", "tienda").exitCode).toBe(0);
      const r = run("recharge", "add", "--company", "tienda", "--amount", "230000", "--date", "2026-10-25", "--method", "nequi", "--reference", "N-77");
      expect(r.exitCode).toBe(0);
      expect(r.stdout.toString().trim()).toBe("23000000 COP ($230.000)");
      const rate = run("rate", "set", "--kind", "whatsapp.marketing", "--amount", "95,5", "--country", "CO");
      expect(rate.stdout.toString().trim()).toBe("whatsapp.marketing CO: 9550 COP");
      const override = run("rate", "set", "--kind", "whatsapp.marketing", "--amount", "80", "--company", "tienda");
      expect(override.stdout.toString().trim()).toBe("whatsapp.marketing: 8000 COP (tienda)");
      expect(run("rate", "set", "--kind", "whatsapp.cualquiera", "--amount", "1").exitCode).toBe(1);
      const bad = run("recharge", "add", "--company", "tienda", "--amount", "-3");
      expect(bad.exitCode).toBe(1);
      expect(bad.stderr.toString()).toContain("amount");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
