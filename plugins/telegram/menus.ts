import type { PluginKeyValue } from "../sdk/index.ts";

export interface MenuOption {
  id: string;
  title: string;
}

/** A remembered menu stops answering for its buttons after this long (the customer has moved on). */
export const MENU_TTL_MS = 30 * 24 * 3_600_000;

/**
 * The options of the last menu sent to each chat. A reply-keyboard button sends
 * its title back as ordinary text (there is no payload), so the plugin keeps the
 * menu per chat (`menu:<chat_id>` in the channel's kv) and turns a text equal to
 * one of its titles into that option's `interactive_reply`. A newer menu replaces
 * the older one; the keyboard stays open in Telegram until then, so the menu is
 * not forgotten after one answer.
 */
export class Menus {
  constructor(private readonly kv: PluginKeyValue) {}

  remember(chatId: string, options: MenuOption[], at: number): Promise<void> {
    return this.kv.set(keyOf(chatId), JSON.stringify({ at, options: options.map((o) => ({ id: o.id, title: o.title })) }));
  }

  forget(chatId: string): Promise<void> {
    return this.kv.delete(keyOf(chatId));
  }

  /** The option whose title the customer's text is (what tapping its button sends), if a live menu has one. */
  async match(chatId: string, text: string, now: number): Promise<MenuOption | null> {
    const raw = await this.kv.get(keyOf(chatId));
    if (!raw) return null;
    let menu: { at?: unknown; options?: unknown };
    try {
      menu = JSON.parse(raw) as typeof menu;
    } catch {
      return null;
    }
    if (typeof menu.at !== "number" || now - menu.at > MENU_TTL_MS || !Array.isArray(menu.options)) return null;
    const said = normalize(text);
    for (const o of menu.options as unknown[]) {
      const opt = o as Partial<MenuOption>;
      if (typeof opt.id === "string" && typeof opt.title === "string" && normalize(opt.title) === said) return { id: opt.id, title: opt.title };
    }
    return null;
  }
}

/** Button titles come back as sent; only surrounding spaces and Unicode composition may differ. */
export function normalize(s: string): string {
  return s.normalize("NFC").trim();
}

function keyOf(chatId: string): string {
  return `menu:${chatId}`;
}
