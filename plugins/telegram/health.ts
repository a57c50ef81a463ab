import type { ChannelHealth, PluginKeyValue, PluginLogger } from "../sdk/index.ts";
import type { ApiError, ApiObserver } from "./bot-api.ts";
import { describe, isTokenError } from "./errors.ts";

type Trouble = { kind: "token" | "webhook"; reason: string };

/**
 * The channel's health as the plugin sees it: a token Telegram refuses, or a
 * webhook it could not register, shows the channel as "Requiere atención" with the
 * reason; the first proof that it works again shows it active. The trouble is kept
 * in the channel's kv so a restart in between still clears it. A successful send
 * proves the token, not the webhook: only a registration clears webhook trouble.
 */
export class Health implements ApiObserver {
  private static readonly KEY = "health";
  private trouble: Trouble | null = null;

  constructor(
    private readonly kv: PluginKeyValue,
    private readonly report: (health: ChannelHealth) => Promise<void>,
    private readonly logger: PluginLogger,
  ) {}

  async load(): Promise<void> {
    const raw = await this.safely(() => this.kv.get(Health.KEY));
    if (!raw) return;
    try {
      const v = JSON.parse(raw) as Partial<Trouble>;
      if ((v.kind === "token" || v.kind === "webhook") && typeof v.reason === "string") this.trouble = { kind: v.kind, reason: v.reason };
    } catch {
      this.trouble = null;
    }
  }

  async failed(e: ApiError): Promise<void> {
    if (!isTokenError(e)) return;
    await this.set({ kind: "token", reason: `Telegram no longer accepts the bot token (${describe(e)}): paste the token @BotFather shows for this bot` });
  }

  async succeeded(): Promise<void> {
    if (this.trouble?.kind === "token") await this.clear();
  }

  /** setWebhook failed for a reason other than the token (that one arrives through failed()). */
  async webhookFailed(reason: string): Promise<void> {
    if (this.trouble?.kind === "token") return;
    await this.set({ kind: "webhook", reason });
  }

  async webhookRegistered(): Promise<void> {
    if (this.trouble) await this.clear();
  }

  private async set(t: Trouble): Promise<void> {
    if (this.trouble?.kind === t.kind && this.trouble.reason === t.reason) return;
    this.trouble = t;
    await this.safely(async () => {
      await this.kv.set(Health.KEY, JSON.stringify(t));
      await this.report({ status: "needs_attention", reason: t.reason });
    });
  }

  private async clear(): Promise<void> {
    this.trouble = null;
    await this.safely(async () => {
      await this.report({ status: "active" });
      await this.kv.delete(Health.KEY);
    });
  }

  private async safely<T>(fn: () => Promise<T>): Promise<T | null> {
    try {
      return await fn();
    } catch (e) {
      this.logger.error("telegram: could not record the channel's health", { error: e instanceof Error ? e.message : String(e) });
      return null;
    }
  }
}
