import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { api } from "../helpers/client.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/** CSV import and export of contacts through the API, on a real database. */
describe("contact import and export", () => {
  let app: TestApp;
  let token: string;
  const call = (method: string, path: string, json?: unknown) => api(app.app, method, path, token, json, { "accept-language": "es" });
  const importCsv = async (bytes: Uint8Array | string, query: string, companyToken = token) => {
    const res = await app.app.handle(
      new Request(`http://localhost/api/v1/contacts/import?${query}`, {
        method: "POST",
        headers: { authorization: `Bearer ${companyToken}`, "content-type": "text/csv", "accept-language": "es" },
        body: bytes as unknown as BodyInit,
      }),
    );
    return res;
  };
  type Job = { status: string; total: number; processed: number; created: number; updated: number; skipped: number; errors: { row: number; column?: string; reason: string }[] };
  const job = async (id: number, companyToken = token): Promise<Job> =>
    (await (await api(app.app, "GET", `/api/v1/imports/${id}`, companyToken, undefined, { "accept-language": "es" })).json()) as Job;
  const finished = async (id: number, companyToken = token): Promise<Job> => {
    for (;;) {
      const j = await job(id, companyToken);
      if (j.status !== "running") return j;
      await Bun.sleep(5);
    }
  };
  const template = async (t: string) => {
    for (const f of [
      { key: "cedula", label: "Cédula", type: "id_document", required: true },
      { key: "ciudad", label: "Ciudad", type: "choice", options: ["Bogotá", "Medellín", "Cali"], display: true },
      { key: "nacimiento", label: "Nacimiento", type: "date" },
    ]) {
      expect((await api(app.app, "POST", "/api/v1/fields", t, f)).status).toBe(201);
    }
  };

  beforeAll(async () => {
    app = await createTestApp();
    token = app.makeToken(app.companyId);
    await template(token);
    // Someone already on record, found again by e-mail.
    expect((await call("POST", "/api/v1/contacts", { name: "Existente", email: "existe@example.com", fields: { cedula: "7777" } })).status).toBe(201);
  });
  afterAll(() => app.close());

  /** As Excel in Colombia saves "CSV": semicolons, Windows-1252. */
  const latin1 = (text: string) => new Uint8Array([...text].map((ch) => ch.charCodeAt(0)));
  const FILE = [
    "Nombre;Teléfono;Correo;Cédula;Ciudad;Etiquetas",
    'Ana Pérez;300 111 2233;ana@example.com;1.023.456;Bogotá;"VIP;Regional Sur"',
    "Mal Número;12345;bp@example.com;555;Cali;",
    "Sin Cédula;310 222 3344;;;Medellín;",
    "Ana Pérez;+57 300 111 2233;;1.023.456;Medellín;Nuevo",
    "José Müller;+34 612 34 56 78;jose@example.es;X123456;Cali;",
    "Existente;;existe@example.com;7777;Cali;",
    "Mala Ciudad;311 000 0000;;8888;Barranquilla;",
    "Correo Malo;312 555 6677;no-es-correo;9999;Cali;",
  ].join("\r\n");

  const EXPECTED_ERRORS = [
    { row: 2, column: "Teléfono", reason: "Número no válido para Colombia (si es de otro país, escríbalo con + y su indicativo)" },
    { row: 3, column: "Cédula", reason: "Este campo es obligatorio" },
    { row: 7, column: "Ciudad", reason: "Elija una de las opciones" },
    { row: 8, column: "Correo", reason: "Correo no válido (por ejemplo nombre@dominio.com)" },
  ];

  test("a dry run reports every bad row with its number and reason, counts duplicates, and writes nothing", async () => {
    const before = app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM contacts").get()!.n;
    const res = await importCsv(latin1(FILE), "dryRun=true&duplicates=merge");
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: number };
    const report = await finished(jobId);
    expect(report).toMatchObject({ status: "done", total: 8, processed: 8, created: 2, updated: 2, skipped: 4 });
    expect(report.errors).toEqual(EXPECTED_ERRORS);
    expect(app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM contacts").get()!.n).toBe(before);
    expect(app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM tags").get()!.n).toBe(0);

    // Skipping duplicates instead: the repeated row and the one already on record are left alone.
    const skip = await finished(((await (await importCsv(latin1(FILE), "dryRun=true&duplicates=skip")).json()) as { jobId: number }).jobId);
    expect(skip).toMatchObject({ created: 2, updated: 0, skipped: 6 });
    expect(skip.errors).toEqual(EXPECTED_ERRORS);
  });

  test("the real import writes the good rows, merges duplicates, creates tags, and reads Latin-1 accents", async () => {
    const { jobId } = (await (await importCsv(latin1(FILE), "dryRun=false&duplicates=merge")).json()) as { jobId: number };
    const report = await finished(jobId);
    expect(report).toMatchObject({ status: "done", total: 8, created: 2, updated: 2, skipped: 4 });
    expect(report.errors).toEqual(EXPECTED_ERRORS);

    const list = (await (await call("GET", "/api/v1/contacts")).json()) as { data: { name: string; phone: string | null; email: string | null; fields: Record<string, string>; tags: { name: string }[] }[] };
    const byName = new Map(list.data.map((c) => [c.name, c]));
    expect([...byName.keys()].sort()).toEqual(["Ana Pérez", "Existente", "José Müller"]);
    const ana = byName.get("Ana Pérez")!;
    // The repeated row completed the first: its city, its tag.
    expect(ana).toMatchObject({ phone: "+573001112233", email: "ana@example.com", fields: { cedula: "1023456", ciudad: "Medellín" } });
    expect(ana.tags.map((t) => t.name).sort()).toEqual(["Nuevo", "Regional Sur", "VIP"]);
    expect(byName.get("José Müller")).toMatchObject({ phone: "+34612345678", email: "jose@example.es", fields: { cedula: "X123456", ciudad: "Cali" } });
    expect(byName.get("Existente")!.fields).toEqual({ cedula: "7777", ciudad: "Cali" });
    // Imported contacts are searchable at once.
    const found = (await (await call("GET", "/api/v1/contacts?q=muller")).json()) as { data: { name: string }[] };
    expect(found.data.map((c) => c.name)).toEqual(["José Müller"]);
  });

  test("UTF-8 with a BOM and commas works the same; a file with no usable column fails with a reason", async () => {
    const utf8 = "\uFEFFname,phone,email,cedula\nLaura Díaz,3157778899,laura@example.com,4455\n";
    const report = await finished(((await (await importCsv(utf8, "dryRun=false")).json()) as { jobId: number }).jobId);
    expect(report).toMatchObject({ status: "done", created: 1, errors: [] });
    const laura = (await (await call("GET", "/api/v1/contacts?q=laura")).json()) as { data: { name: string; phone: string }[] };
    expect(laura.data).toEqual([expect.objectContaining({ name: "Laura Díaz", phone: "+573157778899" })]);

    const none = await finished(((await (await importCsv("color,talla\nazul,M\n", "dryRun=true")).json()) as { jobId: number }).jobId);
    expect(none.status).toBe("failed");
    // Empty and oversized bodies are refused before any job starts.
    expect((await importCsv("", "dryRun=true")).status).toBe(422);
    expect((await importCsv(new Uint8Array(17 * 1024 * 1024), "dryRun=true")).status).toBe(413);
    expect((await importCsv("a,b\n1,2\n", "dryRun=maybe")).status).toBe(422);
  });

  test("50,000 rows import with progress seen while they run, the inbox still answering, and the counts right", async () => {
    const rows = ["Nombre,Teléfono,Cédula,Ciudad"];
    for (let i = 0; i < 50_000; i++) rows.push(`Persona ${i},+57 301 ${String(i).padStart(7, "0")},${100000 + i},Cali`);
    // A company of its own, so the other tests' lists stay small.
    const big = app.makeCompany("grande");
    const bigToken = app.makeToken(big);
    await template(bigToken);
    const relay = app.makeRelayChannel(big, "http://127.0.0.1:9/x");
    const res = await importCsv(rows.join("\n"), "dryRun=false&duplicates=skip", bigToken);
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: number };
    const seen: number[] = [];
    let webhook: Response | null = null;
    for (;;) {
      const j = await job(jobId, bigToken);
      if (j.status !== "running") break;
      seen.push(j.processed);
      // A customer writes in the middle of the import: answered and stored.
      if (!webhook && j.processed > 0) webhook = await app.webhook(relay, { messages: [{ id: "during-import", from: "5730099", text: "hola" }] });
      await Bun.sleep(2);
    }
    const done = await job(jobId, bigToken);
    expect(done).toMatchObject({ status: "done", total: 50_000, processed: 50_000, created: 50_000, updated: 0, skipped: 0, errors: [] });
    // Progress was observed between the start and the end.
    expect(seen.some((p) => p > 0 && p < 50_000)).toBe(true);
    expect(webhook?.status).toBe(200);
    expect(app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM messages WHERE external_id = 'during-import'").get()!.n).toBe(1);
    expect(app.db.query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM contacts WHERE company_id = ?").get(big)!.n).toBe(50_000 + 1);
    // Searchable right away, by any part of the number.
    const hit = (await (await api(app.app, "GET", `/api/v1/contacts?q=${encodeURIComponent("00000 42")}`, bigToken)).json()) as { data: { name: string }[] };
    expect(hit.data.map((c) => c.name)).toEqual(["Persona 42"]);
  });

  test("export opens in Excel (BOM, semicolons for Colombia, quotes, no formulas) and re-imports losslessly", async () => {
    // Values that test the quoting and the formula guard.
    expect(
      (await call("POST", "/api/v1/contacts", { name: 'Pérez; "Pepe"', phone: "+57 318 000 1122", fields: { cedula: "-5566", ciudad: "Bogotá", nacimiento: "1985-12-01" } })).status,
    ).toBe(201);
    expect((await call("POST", "/api/v1/contacts", { name: "=HYPERLINK(\"http://x\")", email: "formula@example.com", fields: { cedula: "1212" } })).status).toBe(201);
    const res = await call("GET", "/api/v1/contacts/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // (TextDecoder drops the BOM it just checked above.)
    const text = new TextDecoder().decode(bytes);
    const lines = text.split("\r\n");
    expect(lines[0]).toBe("Nombre;Teléfono;Correo;Etiquetas;Cédula;Ciudad;Nacimiento");
    expect(text).toContain('"Pérez; ""Pepe"""');
    expect(text).toContain("'=HYPERLINK");
    expect(text).toContain("'+57 318 0001122");
    expect(text).not.toMatch(/[;\n]=/);

    // A new company with the same template imports the file and exports exactly the same file.
    const other = app.makeCompany("copia");
    const otherToken = app.makeToken(other);
    await template(otherToken);
    const imported = await finished(((await (await importCsv(bytes, "dryRun=false", otherToken)).json()) as { jobId: number }).jobId, otherToken);
    expect(imported).toMatchObject({ status: "done", skipped: 0, errors: [] });
    const again = new Uint8Array(await (await api(app.app, "GET", "/api/v1/contacts/export", otherToken, undefined, { "accept-language": "es" })).arrayBuffer());
    expect(new TextDecoder().decode(again).split("\r\n")).toEqual(lines);
  });
});
