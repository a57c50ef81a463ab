import init from "./0001_init.sql" with { type: "text" };
import conversations from "./0002_conversations.sql" with { type: "text" };
import metaChannels from "./0003_meta_channels.sql" with { type: "text" };
import conversationLookup from "./0004_conversation_lookup.sql" with { type: "text" };
import robustness from "./0005_robustness.sql" with { type: "text" };
import firstHour from "./0006_first_hour.sql" with { type: "text" };
import contacts from "./0007_contacts.sql" with { type: "text" };
import responsesAi from "./0008_responses_ai.sql" with { type: "text" };
import bots from "./0009_bots.sql" with { type: "text" };
import billing from "./0010_billing.sql" with { type: "text" };
import usage from "./0011_usage.sql" with { type: "text" };
import balanceCache from "./0012_balance_cache.sql" with { type: "text" };
import allowance from "./0013_allowance.sql" with { type: "text" };
import reports from "./0014_reports.sql" with { type: "text" };
import idempotency from "./0015_idempotency.sql" with { type: "text" };
import outboundWebhooks from "./0016_outbound_webhooks.sql" with { type: "text" };
import auditOrigin from "./0019_audit_origin.sql" with { type: "text" };
import searchAfterCommit from "./0017_search_after_commit.sql" with { type: "text" };

/** Forward-only, numbered, named by intent. Embedded so the binary carries them. */
export const migrations: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: "init", sql: init },
  { version: 2, name: "conversations", sql: conversations },
  { version: 3, name: "meta_channels", sql: metaChannels },
  { version: 4, name: "conversation_lookup", sql: conversationLookup },
  { version: 5, name: "robustness", sql: robustness },
  { version: 6, name: "first_hour", sql: firstHour },
  { version: 7, name: "contacts", sql: contacts },
  { version: 8, name: "responses_ai", sql: responsesAi },
  { version: 9, name: "bots", sql: bots },
  { version: 10, name: "billing", sql: billing },
  { version: 11, name: "usage", sql: usage },
  { version: 12, name: "balance_cache", sql: balanceCache },
  { version: 13, name: "allowance", sql: allowance },
  { version: 14, name: "reports", sql: reports },
  { version: 15, name: "idempotency", sql: idempotency },
  { version: 16, name: "outbound_webhooks", sql: outboundWebhooks },
  { version: 17, name: "search_after_commit", sql: searchAfterCommit },
  { version: 19, name: "audit_origin", sql: auditOrigin },
];
