import type { PluginManifest } from "../channels/contract.ts";

/**
 * Keeps at least 1/sendsPerSecond between two sends on one channel, the plugin's
 * gap between two sends to one recipient, and any pause a provider asked for (a
 * rate-limit answer). Real time, not the injectable clock: it paces real requests.
 */
export class SendPacer {
  private readonly lastSendAt = new Map<number, number>();
  /** Channel -> time until which a provider asked us to slow down. */
  private readonly pausedUntil = new Map<number, number>();
  /** "channel:recipient" -> last send, for providers' per-recipient pair limits. */
  private readonly lastToRecipient = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Delay (ms) before the next send to `to` on this channel may leave; 0 = now. */
  delay(channelId: number, to: string, manifest: Pick<PluginManifest, "sendsPerSecond" | "recipientGapMs">): number {
    const gap = 1000 / Math.max(manifest.sendsPerSecond ?? 20, 0.1);
    const ready = Math.max(
      (this.lastSendAt.get(channelId) ?? 0) + gap,
      (this.lastToRecipient.get(`${channelId}:${to}`) ?? 0) + (manifest.recipientGapMs ?? 0),
      this.pausedUntil.get(channelId) ?? 0,
    );
    return Math.max(0, ready - this.now());
  }

  /** Waits for the channel's turn, then counts this send. */
  async wait(channelId: number, to: string, manifest: Pick<PluginManifest, "sendsPerSecond" | "recipientGapMs">): Promise<void> {
    const wait = this.delay(channelId, to, manifest);
    if (wait > 0) await Bun.sleep(wait);
    const at = this.now();
    this.lastSendAt.set(channelId, at);
    this.lastToRecipient.set(`${channelId}:${to}`, at);
    if (this.lastToRecipient.size > 10_000) this.lastToRecipient.clear();
  }

  /** A provider asked the channel to slow down for this long. */
  pause(channelId: number, ms: number): void {
    this.pausedUntil.set(channelId, this.now() + ms);
  }
}
