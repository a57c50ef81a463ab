#!/usr/bin/env bun
/**
 * Child process of bench/memory.ts: one business at size in a fresh DATA_DIR,
 * through the test helper and bench/lib/seed-inbox.ts (the schema's own tables,
 * FTS triggers on): `conversations` x 10 messages, 60 % as many contacts, 20
 * queues, `agents` agents, one write API token. Prints one JSON line and exits.
 *   bun bench/lib/business-seed.ts <dataDir> <conversations> <agents>
 */
import "./cheap-passwords.ts";
import { createTestApp } from "../../tests/helpers/test-app.ts";
import { seedInbox } from "./seed-inbox.ts";

export interface BusinessSeed {
  agentUsernames: string[];
  agentPassword: string;
  token: string;
  messages: number;
  conversationIds: { first: number; last: number };
  ms: number;
}

const [dataDir, conversations, agents] = process.argv.slice(2);
if (!dataDir || !conversations || !agents) throw new Error("usage: business-seed.ts <dataDir> <conversations> <agents>");
const t0 = performance.now();
const app = await createTestApp({ dir: dataDir, keepDir: true });
try {
  const n = Number(conversations);
  const seeded = await seedInbox(app, n, Math.round(n * 0.6), Number(agents));
  const out: BusinessSeed = { agentUsernames: seeded.agentUsernames, agentPassword: "password-123", token: app.makeToken(app.companyId), messages: n * 10, conversationIds: seeded.conversationIds, ms: performance.now() - t0 };
  app.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await app.close();
}
