import type { PluginKeyValue, PluginLogger } from "../../core/channels/contract.ts";
import { describe } from "./errors.ts";
import { isObject, type GraphClient } from "./graph-client.ts";

/** A failed lookup is tried again after this long, not on every message. */
export const PROFILE_RETRY_MS = 60 * 60_000;
/** Meta gives up on a webhook after 20 s; a name is not worth more than a few. */
const PROFILE_TIMEOUT_MS = 5_000;

type Cached = { name: string } | { failedAt: number };

/**
 * Customer names from the User Profile API, looked up once per PSID and kept in
 * the channel's kv (`profile:<psid>`). A failure is logged and remembered, never
 * thrown: the webhook must be stored without the name rather than retried by Meta.
 * https://developers.facebook.com/docs/messenger-platform/identity/user-profile
 */
export class ProfileNames {
  constructor(
    private readonly client: GraphClient,
    private readonly kv: PluginKeyValue,
    private readonly now: () => number,
    private readonly logger: PluginLogger,
  ) {}

  /** "First Last", or undefined when Meta would not (or could not yet) tell. */
  async nameOf(psid: string): Promise<string | undefined> {
    const key = `profile:${psid}`;
    let cached: Cached | null = null;
    try {
      const raw = await this.kv.get(key);
      cached = raw ? (JSON.parse(raw) as Cached) : null;
    } catch {
      cached = null;
    }
    if (cached && "name" in cached) return cached.name || undefined;
    if (cached && "failedAt" in cached && this.now() - cached.failedAt < PROFILE_RETRY_MS) return undefined;

    const res = await this.client.get<Record<string, unknown>>(psid, { fields: "first_name,last_name" }, PROFILE_TIMEOUT_MS);
    let next: Cached;
    if (res.ok && isObject(res.data)) {
      const part = (v: unknown) => (typeof v === "string" ? v.trim() : "");
      next = { name: [part(res.data.first_name), part(res.data.last_name)].filter(Boolean).join(" ") };
    } else {
      this.logger.warn("messenger: could not look up the customer's name; storing the message without it", {
        psid,
        error: res.ok ? "unexpected answer" : describe(res.error),
      });
      next = { failedAt: this.now() };
    }
    try {
      await this.kv.set(key, JSON.stringify(next));
    } catch (e) {
      this.logger.warn("messenger: could not cache the customer's name", { psid, error: e instanceof Error ? e.message : String(e) });
    }
    return "name" in next ? next.name || undefined : undefined;
  }
}
