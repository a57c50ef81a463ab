import type { MessageKey } from "./index.ts";
import { enCore } from "./en/core.ts";
import { enAdmin } from "./en/admin.ts";
import { enInbox } from "./en/inbox.ts";
import { enContacts } from "./en/contacts.ts";
import { enResponsesAi } from "./en/responses-ai.ts";
import { enBot } from "./en/bot.ts";
import { enBilling } from "./en/billing.ts";
import { enReports } from "./en/reports.ts";
import { enWebhooks } from "./en/webhooks.ts";
import { enBackups } from "./en/backups.ts";
import { enSystem } from "./en/system.ts";

/** English, one file per area under en/; the type makes a missing key a compile error. */
export const en: Record<MessageKey, string> = { ...enCore, ...enAdmin, ...enInbox, ...enContacts, ...enResponsesAi, ...enBot, ...enBilling, ...enReports, ...enWebhooks, ...enBackups, ...enSystem };
