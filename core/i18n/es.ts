import { esCore } from "./es/core.ts";
import { esAdmin } from "./es/admin.ts";
import { esInbox } from "./es/inbox.ts";
import { esContacts } from "./es/contacts.ts";
import { esResponsesAi } from "./es/responses-ai.ts";
import { esBot } from "./es/bot.ts";
import { esBilling } from "./es/billing.ts";
import { esReports } from "./es/reports.ts";
import { esWebhooks } from "./es/webhooks.ts";
import { esBackups } from "./es/backups.ts";
import { esSystem } from "./es/system.ts";

/** Spanish, the default language, one file per area under es/. Keys are the contract; en.ts must have every one. */
export const es = { ...esCore, ...esAdmin, ...esInbox, ...esContacts, ...esResponsesAi, ...esBot, ...esBilling, ...esReports, ...esWebhooks, ...esBackups, ...esSystem } as const;
