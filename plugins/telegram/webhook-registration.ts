import type { PluginKeyValue, PluginLogger } from "../sdk/index.ts";
import type { ApiError, BotApi } from "./bot-api.ts";
import { describe, isTokenError } from "./errors.ts";
import type { Health } from "./health.ts";
import { sha256Hex } from "./secret.ts";

/** Only what the plugin reads: other kinds would be acknowledged and dropped anyway. */
export const ALLOWED_UPDATES = ["message", "edited_message"] as const;
/** setWebhook from create() waits at most this long, so a channel page never hangs on an unreachable Telegram. */
export const REGISTER_TIMEOUT_MS = 10_000;
/** After a transient failure (network, 5xx, 429) the registration is tried again: 30 s, 1, 2, 4... up to 15 min apart. */
export const RETRY_DELAYS_MS = [30_000, 60_000, 120_000, 240_000, 480_000, 900_000];

const KEY = "webhook:registered";

export interface RegistrationDeps {
  api: BotApi;
  kv: PluginKeyValue;
  health: Health;
  logger: PluginLogger;
  /** Where Telegram must post: <PUBLIC_URL>/webhooks/<channelId>. */
  url: string;
  secret: string;
  token: string;
  /** Override of RETRY_DELAYS_MS (tests). */
  retryDelaysMs?: readonly number[];
}

/**
 * Telegram learns where to post and which secret to send only from setWebhook, so
 * the plugin calls it itself: when an instance starts on settings it has not
 * registered yet (the core starts one right after an admin saves, for the channel
 * page) and on every "Probar conexión". A fingerprint of what was registered
 * (token, URL, secret, update kinds; hashed) is kept in the channel's kv, so a
 * restart does not call Telegram again. Failures never throw: a refused token or
 * URL shows on the channel's health, a transient failure is retried in the background.
 */
export class WebhookRegistration {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private disposed = false;

  constructor(private readonly deps: RegistrationDeps) {}

  /** Registers unless these exact settings already were. */
  async ensure(): Promise<void> {
    const want = await this.fingerprint();
    const have = await this.deps.kv.get(KEY).catch(() => null);
    if (have === want) return;
    await this.register(REGISTER_TIMEOUT_MS);
  }

  /** setWebhook now; `detail` is what went wrong, readable. */
  async register(timeoutMs = REGISTER_TIMEOUT_MS): Promise<{ ok: true } | { ok: false; detail: string }> {
    this.cancelRetry();
    if (!this.deps.secret) {
      const detail = "The channel has no webhook secret: save its settings again to generate one";
      await this.deps.health.webhookFailed(detail);
      return { ok: false, detail };
    }
    const res = await this.deps.api.call<boolean>("setWebhook", { url: this.deps.url, secret_token: this.deps.secret, allowed_updates: ALLOWED_UPDATES }, timeoutMs);
    if (res.ok) {
      this.attempt = 0;
      await this.deps.kv.set(KEY, await this.fingerprint()).catch((e: unknown) => this.deps.logger.warn("telegram: could not remember the webhook registration", { error: String(e) }));
      await this.deps.health.webhookRegistered();
      this.deps.logger.info("telegram: webhook registered", { url: this.deps.url });
      return { ok: true };
    }
    const detail = reasonOf(res.error, this.deps.url);
    // A token problem is reported by the health observer in the client's own words.
    if (!isTokenError(res.error)) await this.deps.health.webhookFailed(detail);
    if (transient(res.error)) this.retryLater(res.error);
    return { ok: false, detail };
  }

  dispose(): void {
    this.disposed = true;
    this.cancelRetry();
  }

  private retryLater(e: ApiError): void {
    if (this.disposed) return;
    const delays = this.deps.retryDelaysMs ?? RETRY_DELAYS_MS;
    const delay = Math.max(e.retryAfterMs ?? 0, delays[Math.min(this.attempt, delays.length - 1)] ?? 60_000);
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.register().catch((err: unknown) => this.deps.logger.error("telegram: webhook registration retry failed", { error: String(err) }));
    }, delay);
    // A pending retry never keeps the process alive on shutdown.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private cancelRetry(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private fingerprint(): Promise<string> {
    return sha256Hex(JSON.stringify([this.deps.token, this.deps.url, this.deps.secret, ALLOWED_UPDATES]));
  }
}

function transient(e: ApiError): boolean {
  return e.httpStatus === 0 || e.httpStatus === 429 || e.httpStatus >= 500;
}

/** What the admin reads on the channel: Telegram's words, and the usual cause of "bad webhook". */
function reasonOf(e: ApiError, url: string): string {
  if (transient(e)) return `Could not register the webhook with Telegram: ${describe(e)} (Charla tries again by itself)`;
  const hint = /bad webhook|https/i.test(e.description) ? ` (Telegram posts only to public https:// addresses on port 443, 80, 88 or 8443: check PUBLIC_URL; the webhook URL is ${url})` : "";
  return `Telegram refused the webhook: ${describe(e)}${hint}`;
}
