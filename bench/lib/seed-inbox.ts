/**
 * Bulk seed for bench/inbox.ts: a company's history written straight into the
 * app's own (migrated) database with prepared statements in large transactions.
 * The FTS triggers stay on, so messages_fts is filled exactly as ingest fills it.
 * Shape: ~10 agents over QUEUES queues (2-3 queues each, every queue staffed), one
 * relay channel, CONTACTS contacts with identities, `conversations` conversations of
 * MESSAGES_PER messages (customer / agent or bot turns, system lines), ids in time
 * order over a year; almost all old ones closed, the newest few thousand mostly
 * active (open / queued / bot).
 */
import type { TestApp } from "../../tests/helpers/test-app.ts";
import type { SearchIndexer } from "../../core/conversations/search-indexer.ts";
import { T } from "../../core/tokens.ts";

export const QUEUES = 20;
export const AGENTS = 10;
export const MESSAGES_PER = 10;
/** Words of seeded texts, most common first (picked with a skew towards the front). */
const WORDS = ("hola gracias pedido buenos días quiero saber precio envío cuando llega tienen disponible talla color por favor " +
  "necesito ayuda con mi cuenta factura pago tarjeta transferencia dirección cambio devolución garantía producto tienda horario " +
  "mañana tarde semana número seguimiento problema error app página descuento promoción cupón stock modelo nuevo usado domicilio " +
  "bogotá medellín cali barranquilla cédula nit empresa contrato plan mensual anual cancelar renovar reembolso").split(" ");
const FIRST = "Ana Luis Carlos María Jorge Lucía Pedro Sofía Andrés Camila Diego Valentina Juan Paula Felipe Laura Mateo Daniela".split(" ");
const LAST = "García Rodríguez Martínez López González Pérez Sánchez Ramírez Torres Flores Rivera Gómez Díaz Vargas Castro Moreno".split(" ");
export const COMMON_WORD = "pedido";
export const MID_WORD = WORDS[Math.floor(WORDS.length / 2)]!;
export const RARE_WORD = WORDS[WORDS.length - 1]!;

export interface Seeded {
  channelId: number;
  agentUsernames: string[];
  conversationIds: { first: number; last: number };
  ms: number;
}

/** A small fast PRNG, seeded, so every run builds the same data. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `agents`: how many agents share the queues (default AGENTS). */
export async function seedInbox(app: TestApp, conversations: number, contacts: number, agents = AGENTS): Promise<Seeded> {
  const t0 = performance.now();
  const rnd = mulberry32(42);
  const pick = <X>(xs: X[]) => xs[Math.floor(rnd() * xs.length)]!;
  const company = app.companyId;
  const queues = Array.from({ length: QUEUES }, (_, i) => app.makeQueue(company, `cola ${String(i + 1).padStart(2, "0")}`));
  const members = new Map<number, number[]>(queues.map((q) => [q, []]));
  const agentUsernames: string[] = [];
  for (let a = 0; a < agents; a++) {
    const own = [...new Set([queues[(2 * a) % QUEUES]!, queues[(2 * a + 1) % QUEUES]!, queues[(2 * a + 5) % QUEUES]!])];
    const id = await app.makeUser(company, `agente${a}`, "agent", own);
    for (const q of own) members.get(q)!.push(id);
    agentUsernames.push(`agente${a}`);
  }
  const channelId = app.makeRelayChannel(company, "http://127.0.0.1:9/unused", queues[0]!);
  const db = app.db;
  const nextId = (table: string) => db.query<{ n: number }, []>(`SELECT COALESCE(MAX(id), 0) + 1 AS n FROM ${table}`).get()!.n;
  const contact0 = nextId("contacts");
  const conv0 = nextId("conversations");
  let messageId = nextId("messages");
  const insContact = db.prepare("INSERT INTO contacts (id, company_id, name, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)");
  const insIdentity = db.prepare("INSERT INTO contact_identities (channel_id, external_id, contact_id, created_at) VALUES (?, ?, ?, ?)");
  const insConv = db.prepare(`INSERT INTO conversations (id, company_id, channel_id, contact_id, status, queue_id, assignee_id, last_message_at, last_preview,
    last_inbound_at, unanswered_since, unread_count, queued_at, assigned_at, first_response_at, closed_at, closed_by, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insMsg = db.prepare(`INSERT INTO messages (id, conversation_id, company_id, channel_id, direction, author, author_user_id, kind, text, payload,
    external_id, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);

  const now = Date.now();
  const span = 365 * 86_400_000;
  const start = now - span;
  db.transaction(() => {
    for (let c = 0; c < contacts; c++) {
      const phone = `57300${String(1_000_000 + c).padStart(7, "0")}`;
      insContact.run(contact0 + c, company, `${pick(FIRST)} ${pick(LAST)}`, phone, start, start);
      insIdentity.run(channelId, phone, contact0 + c, start);
    }
  })();
  const text = () => Array.from({ length: 4 + Math.floor(rnd() * 10) }, () => WORDS[Math.floor(rnd() * rnd() * WORDS.length)]!).join(" ");
  const BATCH = 10_000;
  const going = new Set<number>();
  for (let b = 0; b < conversations; b += BATCH) {
    db.transaction(() => {
      for (let i = b; i < Math.min(conversations, b + BATCH); i++) {
        const id = conv0 + i;
        const created = start + Math.floor((i / conversations) * (span - 3_600_000) + rnd() * 60_000);
        const r = rnd();
        let status = i < conversations - 3_000 ? (r < 0.99 ? "closed" : "queued") : r < 0.45 ? "open" : r < 0.75 ? "queued" : r < 0.8 ? "bot" : "closed";
        // One conversation going per contact and channel (the database insists): a second one is an old, closed one.
        const contact = contact0 + (i % contacts);
        if (status !== "closed" && going.has(contact)) status = "closed";
        if (status !== "closed") going.add(contact);
        const queue = pick(queues);
        const assignee = status === "open" || status === "closed" ? pick(members.get(queue)!) : null;
        let lastIn = created;
        let lastText = "";
        const rows: (string | number | null)[][] = [];
        for (let k = 0; k < MESSAGES_PER; k++) {
          const at = created + k * 60_000;
          const system = (k === 1 && assignee !== null) || (k === MESSAGES_PER - 1 && status === "closed");
          if (system) {
            const payload = k === 1 ? { event: "auto_assigned", to: "Name agente", queue: "cola" } : { event: "closed", by: "Name agente", note: null };
            rows.push(["out", "system", null, "event", null, JSON.stringify(payload), null, "received", at]);
          } else if (k % 2 === 0) {
            lastText = text();
            lastIn = at;
            rows.push(["in", "customer", null, "text", lastText, null, `wamid.${id}.${k}`, "received", at]);
          } else {
            lastText = text();
            rows.push(["out", assignee ? "agent" : "bot", assignee, "text", lastText, null, `out.${id}.${k}`, "read", at]);
          }
        }
        const last = created + (MESSAGES_PER - 1) * 60_000;
        const waiting = status === "queued" || status === "bot";
        insConv.run(id, company, channelId, contact0 + (i % contacts), status, queue, assignee, last, lastText.slice(0, 140), lastIn,
          waiting ? created : null, waiting ? 1 + Math.floor(rnd() * 3) : 0, created, assignee ? created + 60_000 : null,
          assignee ? created + 180_000 : null, status === "closed" ? last : null, status === "closed" ? assignee : null, created);
        for (const m of rows) insMsg.run(messageId++, id, company, channelId, ...m);
      }
    })();
  }
  // As on a running system, every message is in the search index (rows written here only wait for it: migration 0017).
  app.container.resolve<SearchIndexer>(T.SearchIndexer).catchUp();
  return { channelId, agentUsernames, conversationIds: { first: conv0, last: conv0 + conversations - 1 }, ms: performance.now() - t0 };
}
