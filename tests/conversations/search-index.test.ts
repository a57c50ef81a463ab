import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../core/db/database.ts";
import { migrate } from "../../core/db/migrate.ts";
import { migrations } from "../../core/db/migrations/index.ts";
import type { ConversationRepository } from "../../core/conversations/conversation-repository.ts";
import type { ConversationService } from "../../core/conversations/conversation-service.ts";
import type { SearchIndexer } from "../../core/conversations/search-indexer.ts";
import { T } from "../../core/tokens.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/**
 * Message text is indexed for search after the commit that stores it (migration
 * 0017): the message and its "to index" row commit together, a job indexes it
 * right after, and a search indexes whatever still waits before it runs.
 */
describe("search index after commit", () => {
  let app: TestApp;
  let channel: number;
  let n = 0;
  const api = { userId: null, name: "API", role: "api" as const };
  const pending = () => app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM messages_fts_pending").get()!.n;
  const say = async (text: string, from = "573001110000") => {
    const res = await app.webhook(channel, { messages: [{ id: `search-${++n}`, from, text }] });
    expect(res.status).toBe(200);
  };
  const search = (companyId: number, q: string) =>
    app.container
      .resolve<ConversationService>(T.ConversationService)
      .list({ ...api, companyId }, { q }, 50)
      .map((c) => c.lastPreview);
  /** Every message with text is in the index or waiting for it, never both, never neither; the index is sound. */
  const consistent = () => {
    app.db.exec("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 0)");
    const ids = (sql: string) => app.db.query<{ id: number }, []>(sql).all().map((r) => r.id).sort((a, b) => a - b);
    const companies = ids("SELECT id FROM companies");
    const indexed = companies.flatMap((c) => ids(`SELECT rowid AS id FROM messages_fts WHERE messages_fts MATCH 'company_id : ${c}'`));
    const waiting = ids("SELECT message_id AS id FROM messages_fts_pending");
    expect([...indexed, ...waiting].sort((a, b) => a - b)).toEqual(ids("SELECT id FROM messages WHERE text IS NOT NULL"));
  };

  beforeAll(async () => {
    app = await createTestApp();
    channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x");
  });
  afterAll(() => app.close());

  test("the 200 comes with the message committed and waiting for the index; the job indexes it right after", async () => {
    await say("quiero una bicicleta azul");
    // The webhook's answer arrives before the job's turn: the row waits, committed with its message.
    expect(pending()).toBe(1);
    for (let i = 0; i < 100 && pending() > 0; i++) await Bun.sleep(5);
    expect(pending()).toBe(0);
    expect(app.db.query("SELECT COUNT(*) AS n FROM messages_fts WHERE messages_fts MATCH 'bicicleta'").get()).toEqual({ n: 1 });
  });

  test("a search right after a 200 finds the message the job has not indexed yet", async () => {
    await say("busco un triciclo verde", "573001110001");
    expect(pending()).toBe(1);
    expect(search(app.companyId, "triciclo")).toEqual(["busco un triciclo verde"]);
    expect(pending()).toBe(0);
  });

  test("a search matches only in its own company's part of the index", async () => {
    const other = app.makeCompany("otra");
    const theirs = app.makeRelayChannel(other, "http://127.0.0.1:9/x");
    const res = await app.webhook(theirs, { messages: [{ id: "search-other", from: "573001119999", text: "otro patineta de ellos" }] });
    expect(res.status).toBe(200);
    await say("una patineta nuestra", "573001110002");
    expect(search(app.companyId, "patineta")).toEqual(["una patineta nuestra"]);
    expect(search(other, "patineta")).toEqual(["otro patineta de ellos"]);
    // The words are matched in the text only: a company id typed in a search is just a word.
    expect(search(app.companyId, String(other))).toEqual([]);
  });

  test("where companies share the index, a search matches inside its own company's part of it, not everyone's newest", async () => {
    const crowd = app.makeCompany("multitud");
    const theirs = app.makeRelayChannel(crowd, "http://127.0.0.1:9/x");
    await say("necesito un monociclo", "573001110005");
    expect((await app.webhook(theirs, { messages: [{ id: "crowd-0", from: "573001118888", text: "monociclo de ellos" }] })).status).toBe(200);
    // Newer than ours: 2,500 of their messages with the word (more than the first window of 2,000).
    app.db.exec(`WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
      INSERT INTO messages (conversation_id, company_id, channel_id, direction, author, kind, text, status, created_at)
      SELECT m.conversation_id, m.company_id, m.channel_id, 'in', 'customer', 'text', 'otro monociclo ' || n.i, 'received', 0
      FROM messages m, n WHERE m.external_id = 'crowd-0'`);
    const holder = app.db as unknown as { query: (sql: string) => { all: (...a: unknown[]) => unknown } };
    const original = holder.query.bind(app.db);
    const matches: string[] = [];
    holder.query = (sql: string) => {
      const q = original(sql);
      if (!sql.includes("MATCH")) return q;
      return { all: (...a: unknown[]) => (matches.push(String(a[0])), q.all(...a)) } as never;
    };
    try {
      expect(search(app.companyId, "monociclo")).toEqual(["necesito un monociclo"]);
    } finally {
      Reflect.deleteProperty(holder, "query");
    }
    expect(matches).toEqual([`company_id : ${app.companyId} AND text : ("monociclo"*)`]);
  });

  test("a message deleted before or after its indexing leaves the index consistent", async () => {
    await say("mensaje que se borra pronto", "573001110003");
    expect(pending()).toBe(1);
    app.db.exec("DELETE FROM conversations WHERE id = (SELECT conversation_id FROM messages WHERE external_id = 'search-" + n + "')");
    expect(pending()).toBe(0);
    await say("mensaje que se borra tarde", "573001110004");
    app.container.resolve<ConversationRepository>(T.ConversationRepository).indexPending(100);
    app.db.exec("DELETE FROM conversations WHERE id = (SELECT conversation_id FROM messages WHERE external_id = 'search-" + n + "')");
    consistent();
    expect(search(app.companyId, "borra")).toEqual([]);
    consistent();
  });

  test("what a crash left waiting is indexed at start-up", async () => {
    const dir = mkdtempSync(join(tmpdir(), "charla-search-"));
    try {
      const first = await createTestApp({ dir, keepDir: true });
      const ch = first.makeRelayChannel(first.companyId, "http://127.0.0.1:9/x");
      expect((await first.webhook(ch, { messages: [{ id: "crash-1", from: "573001", text: "antes del corte" }] })).status).toBe(200);
      first.container.resolve<SearchIndexer>(T.SearchIndexer).catchUp();
      // As if the process died between the commit and the job: the row is put back.
      first.db.exec("INSERT INTO messages_fts_pending (message_id) SELECT id FROM messages WHERE external_id = 'crash-1'");
      first.db.exec("INSERT INTO messages_fts (messages_fts, rowid, text, company_id) SELECT 'delete', id, text, company_id FROM messages WHERE external_id = 'crash-1'");
      await first.close();
      const again = await createTestApp({ dir, keepDir: true });
      await new Promise((r) => setImmediate(r));
      expect(again.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM messages_fts_pending").get()!.n).toBe(0);
      expect(again.db.query("SELECT COUNT(*) AS n FROM messages_fts WHERE messages_fts MATCH 'corte'").get()).toEqual({ n: 1 });
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("migration 0017 on an existing database", () => {
  test("the messages already stored wait for the new index, and are found once it catches up", () => {
    const dir = mkdtempSync(join(tmpdir(), "charla-m17-"));
    try {
      const db = openDatabase(join(dir, "charla.db"));
      migrate(db, migrations.filter((m) => m.version < 17));
      db.exec(`INSERT INTO companies (name, slug, country, time_zone, currency, created_at) VALUES ('A', 'a', 'CO', 'America/Bogota', 'COP', 0);
        INSERT INTO channels (company_id, plugin_id, name, created_at) VALUES (1, 'http-relay', 'r', 0);
        INSERT INTO contacts (company_id, name, created_at, updated_at) VALUES (1, 'Ana', 0, 0);
        INSERT INTO conversations (company_id, channel_id, contact_id, status, last_message_at, created_at) VALUES (1, 1, 1, 'open', 0, 0);
        INSERT INTO messages (conversation_id, company_id, channel_id, direction, author, kind, text, status, created_at)
          VALUES (1, 1, 1, 'in', 'customer', 'text', 'hola desde antes', 'received', 0), (1, 1, 1, 'in', 'customer', 'location', NULL, 'received', 0);`);
      migrate(db);
      expect(db.query("SELECT COUNT(*) AS n FROM messages_fts_pending").get()).toEqual({ n: 1 });
      db.close();
      const raw = new Database(join(dir, "charla.db"));
      // What ConversationRepository.indexPending does, as the job would after start-up.
      raw.exec("INSERT INTO messages_fts (rowid, text, company_id) SELECT m.id, m.text, m.company_id FROM messages_fts_pending p JOIN messages m ON m.id = p.message_id; DELETE FROM messages_fts_pending;");
      expect(raw.query("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'company_id : 1 AND text : (\"antes\"*)'").all()).toEqual([{ rowid: 1 }]);
      raw.exec("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 0)");
      raw.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
