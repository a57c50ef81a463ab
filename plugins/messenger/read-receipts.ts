import type { PluginKeyValue } from "../../core/channels/contract.ts";

/** One message this channel sent to a customer, for later read watermarks. */
export interface SentEntry {
  mid: string;
  /** Epoch ms of the send. */
  at: number;
}

export const KEEP_PER_CUSTOMER = 50;

/**
 * Messenger reports reads as a watermark ("everything sent before T was read"),
 * not per message. The core wants a status per message id, so the plugin keeps,
 * per PSID, the last sends not yet read: `sent:<psid>` -> [{mid, at}, ...].
 * https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/message-reads
 */
export class SentLog {
  /** Read-modify-write of one key at a time, so a read webhook never loses a concurrent send. */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly kv: PluginKeyValue,
    private readonly keep = KEEP_PER_CUSTOMER,
  ) {}

  record(psid: string, mid: string, at: number): Promise<void> {
    return this.update(psid, (list) => {
      if (list.some((e) => e.mid === mid)) return { list, out: undefined };
      const next = [...list, { mid, at }].sort((a, b) => a.at - b.at);
      return { list: next.slice(-this.keep), out: undefined };
    });
  }

  /** A send that is part of another message (an attachment's caption): its echo is dropped. */
  markCompanion(mid: string): Promise<void> {
    return this.kv.set(`companion:${mid}`, "1");
  }

  async isCompanion(mid: string): Promise<boolean> {
    return (await this.kv.get(`companion:${mid}`)) !== null;
  }

  /** The sends up to the watermark, removed from the log (a read never needs repeating). */
  takeReadUpTo(psid: string, watermark: number): Promise<SentEntry[]> {
    return this.update(psid, (list) => ({
      list: list.filter((e) => e.at > watermark),
      out: list.filter((e) => e.at <= watermark),
    }));
  }

  /** The sends up to the watermark, kept for the read that follows (deliveries without mids). */
  async upTo(psid: string, watermark: number): Promise<SentEntry[]> {
    return (await this.load(psid)).filter((e) => e.at <= watermark);
  }

  private update<T>(psid: string, change: (list: SentEntry[]) => { list: SentEntry[]; out: T }): Promise<T> {
    const key = keyOf(psid);
    const run = (this.locks.get(key) ?? Promise.resolve()).catch(() => undefined).then(async () => {
      const before = await this.load(psid);
      const { list, out } = change(before);
      if (list.length === before.length && list.every((e, i) => e === before[i])) return out;
      if (list.length) await this.kv.set(key, JSON.stringify(list));
      else await this.kv.delete(key);
      return out;
    });
    this.locks.set(key, run);
    void run.finally(() => {
      if (this.locks.get(key) === run) this.locks.delete(key);
    }).catch(() => undefined);
    return run;
  }

  private async load(psid: string): Promise<SentEntry[]> {
    const raw = await this.kv.get(keyOf(psid));
    if (!raw) return [];
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!Array.isArray(parsed)) return [];
      return parsed.filter((e): e is SentEntry => typeof e?.mid === "string" && typeof e?.at === "number");
    } catch {
      return [];
    }
  }
}

function keyOf(psid: string): string {
  return `sent:${psid}`;
}
