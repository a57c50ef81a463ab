#!/usr/bin/env bun
/**
 * Contacts at scale: seeds the inbox bench data (100k conversations, 1M messages
 * over 60k contacts), then imports 100k contacts from a CSV through the real
 * import job (rows per second, peak RSS while it runs), and times REQUESTS
 * app.handle() calls of the contact list and of searches by a number fragment,
 * a name and a field value, in the panel and the API. Prints figures; asserts
 * nothing. A p95 over the aim prints its costliest statements and their plans.
 * Run: bun bench/contacts.ts   (no network; removes its temp dir)
 */
import { ADMIN_PASSWORD, createTestApp } from "../tests/helpers/test-app.ts";
import type { ContactIndex } from "../core/contacts/contact-index.ts";
import type { ContactImportService } from "../core/contacts/import-service.ts";
import type { ContactFieldService } from "../core/contacts/contact-field-service.ts";
import { T } from "../core/tokens.ts";
import { login, ms, pct, type Send } from "./lib/http.ts";
import { seedInbox } from "./lib/seed-inbox.ts";
import { makeTempDir, removeAllTempDirs } from "./lib/server-process.ts";
import { explain, oneLine, profileQueries } from "./lib/sql-profile.ts";

const CONVERSATIONS = 100_000;
const INBOX_CONTACTS = 60_000;
const IMPORTED = 100_000;
const REQUESTS = 200;
const WARMUP = 20;
const AIM_P95_MS = 20;
const BASE = "http://localhost";
const CITIES = ["Bogotá", "Medellín", "Cali", "Barranquilla", "Cartagena", "Bucaramanga", "Pereira", "Manizales"];
const NAMES = ["Ana", "Luis", "Marta", "Jorge", "Lucía", "Pedro", "Sofía", "Andrés", "Camila", "Diego", "Valentina", "Juan"];
const SURNAMES = ["Pérez", "Gómez", "Rodríguez", "López", "Martínez", "García", "Herrera", "Castro", "Ramírez", "Moreno", "Rojas", "Vargas"];

async function main(): Promise<void> {
  const app = await createTestApp({ env: { DATA_DIR: makeTempDir() } });
  try {
    const seeded = await seedInbox(app, CONVERSATIONS, INBOX_CONTACTS);
    // The seed writes contacts straight into the table: give them their search documents as a migration would.
    const index = app.container.resolve<ContactIndex>(T.ContactIndex);
    const ids = app.db.query<{ id: number }, []>("SELECT id FROM contacts").all();
    app.db.transaction(() => ids.forEach((r) => index.rewrite(r.id)))();
    const scope = { companyId: app.companyId, userId: null, role: "admin" as const };
    const fields = app.container.resolve<ContactFieldService>(T.ContactFieldService);
    fields.create(scope, { key: "cedula", label: "Cédula", type: "id_document", required: false, options: [], min: null, max: null, display: true });
    fields.create(scope, { key: "ciudad", label: "Ciudad", type: "choice", required: false, options: CITIES, min: null, max: null, display: false });
    console.log(`contacts at scale (in process, app.handle, Bun ${Bun.version}): inbox seeded with ${CONVERSATIONS} conversations / ${seeded.conversationIds.last - seeded.conversationIds.first + 1} x 10 messages over ${INBOX_CONTACTS} contacts in ${(seeded.ms / 1000).toFixed(1)} s`);

    // ---------------------------------------------------------------- import
    const rows = ["Nombre;Teléfono;Correo;Cédula;Ciudad;Etiquetas"];
    for (let i = 0; i < IMPORTED; i++) {
      const name = `${NAMES[i % NAMES.length]} ${SURNAMES[(i * 7) % SURNAMES.length]} ${i}`;
      rows.push(`${name};+57 31${i % 10} ${String(1_000_000 + i).slice(-7)};p${i}@example.com;${10_000_000 + i};${CITIES[i % CITIES.length]};${i % 3 === 0 ? "VIP" : ""}`);
    }
    const csv = new TextEncoder().encode(rows.join("\r\n"));
    Bun.gc(true);
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const importer = app.container.resolve<ContactImportService>(T.ContactImportService);
    const t0 = performance.now();
    const jobId = importer.begin({ companyId: app.companyId, userId: null, name: "bench", role: "api" }, csv, { dryRun: false, duplicates: "merge" });
    await importer.settled();
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const job = importer.get({ companyId: app.companyId, userId: null, name: "bench", role: "api" }, jobId);
    console.log(
      `import  ${IMPORTED} rows (${(csv.byteLength / 2 ** 20).toFixed(1)} MiB CSV): ${job.status}, ${job.created} created, ${job.errors.length} errors in ${seconds.toFixed(2)} s = ${Math.round(IMPORTED / seconds)} rows/s (aim > 10000); RSS ${(rssBefore / 2 ** 20).toFixed(0)} MiB before, peak ${(peak / 2 ** 20).toFixed(0)} MiB during (+${((peak - rssBefore) / 2 ** 20).toFixed(0)} MiB; aim peak < 200 MiB)`,
    );
    const total = app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM contacts").get()!.n;

    // ---------------------------------------------------------------- reads
    const send: Send = (r) => app.app.handle(r);
    const operator = await login(send, BASE, "admin", ADMIN_PASSWORD);
    const token = app.makeToken(app.companyId);
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    // A fragment of a number without its country code, as an agent types it.
    const fragment = () => {
      const i = rand(IMPORTED);
      return `31${i % 10} ${String(1_000_000 + i).slice(-7, -3)}`;
    };
    const scenarios: { label: string; path: () => string; auth: "cookie" | "token"; expect: string }[] = [
      { label: "list    /contacts (page 1)", path: () => "/contacts", auth: "cookie", expect: 'id="contacts"' },
      { label: "list    /contacts?page=<random>", path: () => `/contacts?page=${1 + rand(Math.ceil(total / 20))}`, auth: "cookie", expect: 'id="contacts"' },
      { label: "search  number fragment (panel)", path: () => `/contacts?q=${encodeURIComponent(fragment())}`, auth: "cookie", expect: 'id="contacts"' },
      { label: "search  name (panel)", path: () => `/contacts?q=${encodeURIComponent(`${NAMES[rand(NAMES.length)]} ${SURNAMES[rand(SURNAMES.length)]}`)}`, auth: "cookie", expect: 'id="contacts"' },
      { label: "search  field value, cédula (panel)", path: () => `/contacts?q=${10_000_000 + rand(IMPORTED)}`, auth: "cookie", expect: 'id="contacts"' },
      { label: "filter  field.ciudad + tag (panel)", path: () => `/contacts?fk=ciudad&fo=eq&fv=${encodeURIComponent(CITIES[rand(CITIES.length)]!)}`, auth: "cookie", expect: 'id="contacts"' },
      { label: "search  live fragment, number (htmx)", path: () => `/contacts?q=${encodeURIComponent(fragment())}`, auth: "cookie", expect: 'id="contact-results"' },
      { label: "api     /api/v1/contacts?q=<number>", path: () => `/api/v1/contacts?q=${encodeURIComponent(fragment())}`, auth: "token", expect: '"data"' },
      { label: "api     /api/v1/contacts (page 1)", path: () => "/api/v1/contacts", auth: "token", expect: '"data"' },
    ];
    const get = async (s: (typeof scenarios)[number]) => {
      const headers: Record<string, string> = s.auth === "cookie" ? { cookie: operator } : { authorization: `Bearer ${token}` };
      if (s.label.includes("htmx")) Object.assign(headers, { "hx-request": "true", "hx-request-type": "partial" });
      const t = performance.now();
      const res = await send(new Request(`${BASE}${s.path()}`, { headers }));
      const body = await res.text();
      const dt = performance.now() - t;
      if (res.status !== 200 || !body.includes(s.expect)) throw new Error(`${s.label}: status ${res.status} without ${s.expect}: ${body.slice(0, 300)}`);
      return dt;
    };
    console.log(`reads over ${total} contacts (${REQUESTS} requests each after ${WARMUP} warm-up):`);
    const slow: (typeof scenarios)[number][] = [];
    for (const s of scenarios) {
      for (let i = 0; i < WARMUP; i++) await get(s);
      const xs: number[] = [];
      for (let i = 0; i < REQUESTS; i++) xs.push(await get(s));
      const p95 = pct(xs, 95);
      console.log(`${s.label.padEnd(42)} p50 ${ms(pct(xs, 50)).padStart(10)}  p95 ${ms(p95).padStart(10)}  max ${ms(Math.max(...xs)).padStart(10)}${p95 > AIM_P95_MS ? "  <- p95 over aim" : ""}`);
      if (p95 > AIM_P95_MS) slow.push(s);
    }
    console.log(slow.length ? `aim p95 < ${AIM_P95_MS} ms: NOT met by ${slow.length} of ${scenarios.length}` : `aim p95 < ${AIM_P95_MS} ms: met by all ${scenarios.length}`);
    for (const s of slow) {
      const profile = profileQueries(app.db);
      for (let i = 0; i < 20; i++) await get(s);
      profile.stop();
      const top = [...profile.stats.values()].sort((a, b) => b.totalMs - a.totalMs).slice(0, 3);
      console.log(`slow: ${s.label.trim()}:`);
      for (const st of top) {
        console.log(`  ${ms(st.totalMs / 20)}/request (max ${ms(st.maxMs)}): ${oneLine(st.sql, 300)}`);
        if (/^\s*SELECT/i.test(st.sql)) for (const l of explain(app.db, st.sql, st.slowestArgs)) console.log(`    ${l}`);
      }
    }
  } finally {
    await app.close();
    removeAllTempDirs();
  }
}

try {
  await main();
} catch (e) {
  console.error(`bench/contacts failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
}
