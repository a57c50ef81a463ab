import { describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { openDatabase } from "../../core/db/database.ts";
import { migrate } from "../../core/db/migrate.ts";
import { ContactRepository } from "../../core/contacts/contact-repository.ts";
import { ConversationRepository } from "../../core/conversations/conversation-repository.ts";
import { MessageRepository } from "../../core/conversations/message-repository.ts";

/**
 * The hot statements written with `+?` (see tests/static/stable-plans.test.ts)
 * still search their index: EXPLAIN QUERY PLAN of the very statement each
 * repository method runs, with its bindings. Nothing here is timed.
 */

interface Ran {
  sql: string;
  args: unknown[];
}

/** Runs `call` and returns the statements it ran on `db`, with their arguments. */
function statementsOf(db: Database, call: () => unknown): Ran[] {
  const ran: Ran[] = [];
  const holder = db as unknown as { query: (sql: string) => object };
  const original = holder.query.bind(db);
  holder.query = (sql: string) =>
    new Proxy(original(sql), {
      get(target, prop) {
        const v: unknown = Reflect.get(target, prop, target);
        if (typeof v !== "function") return v;
        return (...args: unknown[]) => {
          if (prop === "get" || prop === "all" || prop === "run" || prop === "values") ran.push({ sql, args });
          return v.apply(target, args);
        };
      },
    });
  try {
    call();
  } finally {
    Reflect.deleteProperty(holder, "query");
  }
  return ran;
}

function plan(db: Database, r: Ran): string {
  return db
    .prepare<{ detail: string }, never[]>(`EXPLAIN QUERY PLAN ${r.sql}`)
    .all(...(r.args as never[]))
    .map((row) => row.detail)
    .join(" | ");
}

describe("hot statements keep their index plan", () => {
  const db = openDatabase(":memory:");
  migrate(db);
  const conversations = new ConversationRepository(db);
  const contacts = new ContactRepository(db);
  const messages = new MessageRepository(db);

  const cases: { name: string; call: () => unknown; plan: RegExp[] }[] = [
    {
      name: "conversations.going: the one going conversation of a contact on a channel",
      call: () => conversations.going(1, 1),
      plan: [/^SEARCH c USING INDEX conversations_one_going \(contact_id=\? AND channel_id=\?\)$/],
    },
    {
      name: "conversations.current: going, else the latest",
      call: () => conversations.current(1, 1),
      plan: [/^SEARCH c USING INDEX conversations_one_going \(contact_id=\? AND channel_id=\?\)$/, /^SEARCH c USING INDEX conversations_contact \(contact_id=\? AND channel_id=\?\)$/],
    },
    {
      name: "contacts.byIdentity: the sender's contact",
      call: () => contacts.byIdentity(1, "573001112233"),
      plan: [/^SEARCH i USING PRIMARY KEY \(channel_id=\? AND external_id=\?\) \| SEARCH c USING INTEGER PRIMARY KEY \(rowid=\?\)$/],
    },
    {
      name: "messages.get: the live inbox's bubble",
      call: () => messages.get(1, 1),
      plan: [/^SEARCH m USING INTEGER PRIMARY KEY \(rowid=\?\)/],
    },
    {
      name: "messages.page: an open conversation's messages",
      call: () => messages.page(1, 1, 50),
      plan: [/^SEARCH m USING INDEX messages_conversation \(conversation_id=\? AND id<\?\)/],
    },
    {
      name: "conversations.get and item: the live inbox's conversation and list row",
      call: () => (conversations.get(1, 1), conversations.item(1, 1)),
      plan: [/^SEARCH c USING INTEGER PRIMARY KEY \(rowid=\?\)$/, /^SEARCH c USING INTEGER PRIMARY KEY \(rowid=\?\)/],
    },
    {
      name: "conversations.list: the inbox list, newest first",
      call: () => conversations.list({ companyId: 1, restrictToUserId: null }, {}, 50),
      plan: [/^SEARCH c USING INDEX conversations_recent \(company_id=\?\)/],
    },
    {
      name: "conversations.list with words: the newest matches from the index, each message found by its id",
      call: () => conversations.list({ companyId: 1, restrictToUserId: null }, { q: "pedido" }, 50),
      plan: [
        /^CO-ROUTINE \(subquery-1\) \| SCAN messages_fts_pending \| SEARCH \(subquery-1\)$/,
        /^SCAN channels USING COVERING INDEX channels_company$/,
        /^SCAN messages_fts VIRTUAL TABLE INDEX \d+:M\d+ \| SEARCH m USING INTEGER PRIMARY KEY \(rowid=\?\)$/,
        /^SEARCH c USING INDEX conversations_recent \(company_id=\?\)/,
      ],
    },
    {
      name: "conversations.indexPending: the short queue drives, each message found by its id",
      call: () => (db.exec("INSERT OR IGNORE INTO messages_fts_pending (message_id) VALUES (1)"), conversations.indexPending(500)),
      plan: [/^CO-ROUTINE \(subquery-1\) \| SCAN messages_fts_pending \| SEARCH \(subquery-1\)$/, /^CO-ROUTINE \(subquery-1\) \| SCAN messages_fts_pending \| SEARCH \(subquery-1\)$/, /^SEARCH p USING INTEGER PRIMARY KEY \(rowid<\?\) \| SEARCH m USING INTEGER PRIMARY KEY \(rowid=\?\)$/, /^SEARCH messages_fts_pending USING INTEGER PRIMARY KEY \(rowid<\?\)$/],
    },
  ];

  test("a search's words go to the index's text column (inside the company's part when companies share it: tests/conversations/search-index.test.ts)", () => {
    const search = statementsOf(db, () => conversations.list({ companyId: 7, restrictToUserId: null }, { q: "pedido azul" }, 50)).find((r) => r.sql.includes("MATCH"))!;
    expect(search.args[0]).toBe('text : ("pedido"* "azul"*)');
  });

  for (const c of cases) {
    test(c.name, () => {
      const ran = statementsOf(db, c.call);
      expect(ran.length).toBe(c.plan.length);
      ran.forEach((r, i) => {
        const p = plan(db, r);
        expect(p).toMatch(c.plan[i]!);
        // No table read whole, no sort the index could have spared.
        expect(p).not.toMatch(/\bSCAN (c|m|i|ct|ch)\b|USE TEMP B-TREE/);
      });
    });
  }
});
