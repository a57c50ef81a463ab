import type { InboundResult, NormalizedInbound, PluginLogger, WebhookRequest } from "../sdk/index.ts";
import { isObject } from "./bot-api.ts";
import type { Menus } from "./menus.ts";
import { parseMessage } from "./parse-message.ts";
import { secretMatches } from "./secret.ts";

/** One decoder for every webhook (decoding without `stream` keeps no state between calls); fatal: bytes that are not UTF-8 are refused, not turned into U+FFFD. */
const utf8 = new TextDecoder("utf-8", { fatal: true });

type Rejected = Extract<InboundResult, { type: "rejected" }>;
const reject = (status: Rejected["status"], reason: string): Rejected => ({ type: "rejected", status, reason });

export const SECRET_HEADER = "x-telegram-bot-api-secret-token";

export interface WebhookDeps {
  /** The secret_token given to setWebhook; empty refuses every delivery. */
  secret: string;
  menus: Menus;
  now(): number;
  logger: PluginLogger;
}

/**
 * Telegram's webhook: one Update per POST, with the secret_token we registered in
 * `X-Telegram-Bot-Api-Secret-Token` (compared in constant time). Telegram repeats
 * an update until it gets a 2xx, with the same update and message ids, so a
 * repeated one maps to the same externalId and is stored once.
 * https://core.telegram.org/bots/api#setwebhook
 * https://core.telegram.org/bots/api#update
 */
export class WebhookHandler {
  constructor(private readonly deps: WebhookDeps) {}

  async handle(req: WebhookRequest): Promise<InboundResult> {
    if (!this.deps.secret) return reject(403, "This channel has no webhook secret: save its settings again to generate one");
    const given = req.headers.get(SECRET_HEADER);
    if (given === null) return reject(401, "Missing X-Telegram-Bot-Api-Secret-Token");
    if (!(await secretMatches(given, this.deps.secret))) return reject(403, "X-Telegram-Bot-Api-Secret-Token does not match this channel's webhook secret");
    if (req.method !== "POST") return reject(400, "Telegram delivers updates with POST");

    let update: unknown;
    try {
      update = JSON.parse(utf8.decode(req.body));
    } catch {
      return reject(400, "The body is not valid JSON");
    }
    if (!isObject(update) || typeof update.update_id !== "number") return reject(400, "The body is not a Telegram Update (no update_id)");

    const edited = isObject(update.edited_message);
    const raw = edited ? update.edited_message : update.message;
    if (!isObject(raw)) {
      const kind = Object.keys(update).find((k) => k !== "update_id") ?? "empty";
      return { type: "ignored", reason: `Telegram update of kind ${kind} is not handled` };
    }
    const parsed = parseMessage(raw, edited, this.deps.now());
    if (!parsed.ok) return { type: "ignored", reason: `Telegram update ${update.update_id}: ${parsed.reason}` };
    // An edit keeps its text: it corrects what was said, it does not pick an option again.
    if (!edited) await this.menuAnswer(parsed.message);
    return { type: "events", messages: [parsed.message], statuses: [] };
  }

  /** A reply-keyboard tap arrives as the button's title: the chat's last menu names the option. */
  private async menuAnswer(m: NormalizedInbound): Promise<void> {
    if (m.content.kind !== "text") return;
    try {
      const option = await this.deps.menus.match(m.from, m.content.text, this.deps.now());
      if (option) m.content = { kind: "interactive_reply", id: option.id, title: option.title };
    } catch (e) {
      // Stored as the text it is: a bot step can still read it.
      this.deps.logger.warn("telegram: could not read the chat's last menu", { error: e instanceof Error ? e.message : String(e) });
    }
  }
}
