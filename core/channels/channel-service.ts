import { inject, injectable } from "tsyringe";
import type { Scope } from "../auth/access.ts";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import { SecretBox } from "../crypto/secret-box.ts";
import { LIMITS } from "../http/limits.ts";
import { randomToken } from "../crypto/tokens.ts";
import { AppError, found } from "../errors.ts";
import type { FieldError, MessageKey } from "../i18n/index.ts";
import type { QueueRepository } from "../queues/queue-repository.ts";
import { T } from "../tokens.ts";
import { API_PAGE_SIZE, toSlice, type Slice } from "../shared/paging.ts";
import { AI_MODES, type AiMode } from "./channel.ts";
import type { Channel, ChannelInput } from "./channel.ts";
import type { ChannelRepository } from "./channel-repository.ts";
import { checkConfig, configFields } from "./config-schema.ts";
import type { ChannelPlugin } from "./contract.ts";
import type { PluginRegistry } from "./registry.ts";

const SECRET_PURPOSE = (channelId: number) => `channel:${channelId}:secrets`;
const CONFIG_ERRORS: Record<string, MessageKey> = {
  required: "channel.error.required",
  number: "channel.error.number",
  too_long: "channel.error.too_long",
  format: "channel.error.format",
};

/** Settings that passed validation, split into plain and secret parts, not written yet. */
export interface PreparedChannel {
  pluginId: string;
  input: ChannelInput;
  plain: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

/** A channel as admins and the API see it: secrets masked, never in full. */
export interface ChannelView extends Omit<Channel, "secretsSealed"> {
  pluginName: string;
  webhookUrl: string;
  publicUrl: string;
  /** Secret settings as "••••abcd". */
  maskedSecrets: Record<string, string>;
}

/** The provider account a channel's settings name and the key channels sharing a webhook URL must have in common. */
export interface AccountKeys {
  routing: string | null;
  trust: string | null;
}

@injectable()
export class ChannelService {
  /**
   * By channel object: the repository hands out the same frozen object until the
   * channel is written, so a changed channel is a new key and its secrets are
   * decrypted again; an unchanged one is decrypted once, not on every webhook.
   */
  private readonly keys = new WeakMap<Channel, AccountKeys>();

  constructor(
    @inject(T.Config) private readonly config: Config,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.ChannelRepository) private readonly channels: ChannelRepository,
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.PluginRegistry) private readonly registry: PluginRegistry,
    @inject(T.SecretBox) private readonly box: SecretBox,
  ) {}

  list(scope: Scope): ChannelView[] {
    return this.channels.list(scope.companyId).map((c) => this.view(c));
  }

  slice(scope: Scope, after: number, limit = API_PAGE_SIZE): Slice<ChannelView> {
    return toSlice(this.channels.after(scope.companyId, after, limit + 1).map((c) => this.view(c)), limit);
  }

  get(scope: Scope, id: number): ChannelView {
    return this.view(this.raw(scope, id));
  }

  raw(scope: Scope, id: number): Channel {
    return found(this.channels.get(scope.companyId, id));
  }

  pluginOrNull(id: string): ChannelPlugin | null {
    return this.registry.get(id);
  }

  plugin(id: string): ChannelPlugin {
    const p = this.registry.get(id);
    if (!p) throw new AppError(422, "unknown_plugin", "channel.error.unknown_plugin", { plugin: id });
    return p;
  }

  /** Validates a new channel's settings (422 with per-field reasons); nothing is written. */
  prepareNew(scope: Scope, pluginId: string, input: ChannelInput): PreparedChannel {
    const plugin = this.plugin(pluginId);
    return { pluginId, input, ...this.validate(scope, plugin, input, {}) };
  }

  /** Validates changed settings; a secret left blank keeps its stored value. */
  prepareUpdate(scope: Scope, id: number, input: ChannelInput): PreparedChannel {
    const current = this.raw(scope, id);
    const plugin = this.plugin(current.pluginId);
    return { pluginId: current.pluginId, input, ...this.validate(scope, plugin, input, this.secrets(current)) };
  }

  insert(scope: Scope, p: PreparedChannel): ChannelView {
    const id = this.channels.insert({
      companyId: scope.companyId,
      pluginId: p.pluginId,
      name: p.input.name.trim(),
      config: p.plain,
      secretsSealed: null,
      queueId: p.input.queueId,
      reopenWindowMinutes: p.input.reopenWindowMinutes,
      createdAt: this.clock.now(),
    });
    // Sealed after insert: the id is part of the purpose, so a sealed blob can't be moved to another channel.
    if (Object.keys(p.secrets).length) {
      const created = this.channels.get(scope.companyId, id)!;
      this.channels.update(scope.companyId, id, { ...created, secretsSealed: this.box.seal(JSON.stringify(p.secrets), SECRET_PURPOSE(id)) });
    }
    return this.get(scope, id);
  }

  save(scope: Scope, id: number, p: PreparedChannel): ChannelView {
    this.raw(scope, id);
    this.channels.update(scope.companyId, id, {
      name: p.input.name.trim(),
      config: p.plain,
      secretsSealed: Object.keys(p.secrets).length ? this.box.seal(JSON.stringify(p.secrets), SECRET_PURPOSE(id)) : null,
      queueId: p.input.queueId,
      reopenWindowMinutes: p.input.reopenWindowMinutes,
    });
    return this.get(scope, id);
  }

  /** Validate and write without asking the plugin (fixtures, first run of a built-in); admins go through ChannelSetup. */
  create(scope: Scope, pluginId: string, input: ChannelInput): ChannelView {
    return this.insert(scope, this.prepareNew(scope, pluginId, input));
  }

  update(scope: Scope, id: number, input: ChannelInput): ChannelView {
    return this.save(scope, id, this.prepareUpdate(scope, id, input));
  }

  setEnabled(scope: Scope, id: number, enabled: boolean): ChannelView {
    this.raw(scope, id);
    this.channels.setEnabled(scope.companyId, id, enabled);
    return this.get(scope, id);
  }

  /** When the company's AI answers this channel's customers first. */
  setAiMode(scope: Scope, id: number, mode: string): ChannelView {
    this.raw(scope, id);
    if (!(AI_MODES as readonly string[]).includes(mode)) throw AppError.invalid({ aiMode: "channel.error.ai_mode" });
    this.channels.setAiMode(scope.companyId, id, mode as AiMode);
    return this.get(scope, id);
  }

  /** The plugin's own check of the credentials, for the admin's "test connection" button. */
  async testConnection(scope: Scope, id: number, instance: { testConnection?(): Promise<{ ok: boolean; detail: string }> }): Promise<{ ok: boolean; detail: string }> {
    const channel = this.raw(scope, id);
    if (!instance.testConnection) return { ok: true, detail: "" };
    let result: { ok: boolean; detail: string };
    try {
      result = await instance.testConnection();
    } catch (e) {
      result = { ok: false, detail: e instanceof Error ? e.message : String(e) };
    }
    if (channel.status !== "disabled") this.channels.setStatus(id, result.ok ? "active" : "needs_attention", result.ok ? null : result.detail);
    return result;
  }

  /** A send was refused for the channel's credentials: it shows "needs attention" with the provider's reason until fixed. */
  flagNeedsAttention(id: number, reason: string): void {
    const channel = this.channels.byId(id);
    if (channel?.status === "active") this.channels.setStatus(id, "needs_attention", reason.slice(0, 300));
  }

  delete(scope: Scope, id: number): void {
    this.raw(scope, id);
    this.channels.delete(scope.companyId, id);
  }

  /** Plain and secret settings merged: what the plugin's create() receives. */
  fullConfig(channel: Channel): Record<string, unknown> {
    return { ...channel.config, ...this.secrets(channel) };
  }

  /** What routes shared webhooks (see ChannelPlugin.routingKey and trustKey); nulls for a plugin without them. */
  accountKeys(channel: Channel): AccountKeys {
    let k = this.keys.get(channel);
    if (!k) {
      const plugin = this.registry.get(channel.pluginId);
      const config = plugin?.routingKey || plugin?.trustKey ? this.fullConfig(channel) : null;
      k = { routing: config ? (plugin!.routingKey?.(config) ?? null) : null, trust: config ? (plugin!.trustKey?.(config) ?? null) : null };
      this.keys.set(channel, k);
    }
    return k;
  }

  webhookUrl(id: number): string {
    return `${this.config.publicUrl}/webhooks/${id}`;
  }

  publicUrl(id: number): string {
    return `${this.config.publicUrl}/chat/${id}`;
  }

  private secrets(channel: Channel): Record<string, unknown> {
    if (!channel.secretsSealed) return {};
    return JSON.parse(this.box.open(channel.secretsSealed, SECRET_PURPOSE(channel.id))) as Record<string, unknown>;
  }

  private validate(scope: Scope, plugin: ChannelPlugin, input: ChannelInput, keptSecrets: Record<string, unknown>) {
    const errors: Record<string, FieldError> = {};
    const name = input.name.trim();
    if (!name || name.length > 60) errors.name = "channel.error.name_required";
    if (input.queueId !== null && this.queues.countOwned(scope.companyId, [input.queueId]) !== 1) errors.queueId = "channel.error.queue_invalid";
    if (!Number.isInteger(input.reopenWindowMinutes) || input.reopenWindowMinutes < 0 || input.reopenWindowMinutes > 60 * 24 * 30) {
      errors.reopenWindowMinutes = "channel.error.reopen_window";
    }
    const fields = configFields(plugin.configSchema);
    if (!flatObject(input.config)) throw AppError.invalid({ ...errors, config: "channel.error.config_object" });
    // A secret left blank on edit keeps its stored value.
    const raw: Record<string, unknown> = { ...input.config };
    for (const f of fields) {
      const empty = raw[f.key] === undefined || raw[f.key] === "";
      if (f.secret && empty && keptSecrets[f.key] !== undefined) raw[f.key] = keptSecrets[f.key];
      else if (f.generate && empty) raw[f.key] = randomToken(24);
    }
    const checked = checkConfig(plugin.configSchema, raw);
    for (const [k, e] of Object.entries(checked.errors)) errors[`config.${k}`] = typeof e === "string" ? (CONFIG_ERRORS[e] ?? "channel.error.format") : e;
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    const plain: Record<string, unknown> = {};
    const secrets: Record<string, unknown> = {};
    for (const f of fields) {
      if (checked.value[f.key] === undefined) continue;
      (f.secret ? secrets : plain)[f.key] = checked.value[f.key];
    }
    return { plain, secrets };
  }

  private view(c: Channel): ChannelView {
    const { secretsSealed: _sealed, ...rest } = c;
    // Admins see one health: switched off, or trouble from the plugin or the account, or fine.
    if (c.status !== "disabled" && c.pluginError) Object.assign(rest, { status: "needs_attention", statusReason: c.pluginError });
    const plugin = this.registry.get(c.pluginId);
    const masked: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.secrets(c))) masked[k] = SecretBox.mask(String(v));
    return {
      ...rest,
      pluginName: plugin?.manifest.name ?? c.pluginId,
      webhookUrl: this.webhookUrl(c.id),
      publicUrl: this.publicUrl(c.id),
      maskedSecrets: masked,
    };
  }
}

/** Settings are a flat object of strings, numbers, booleans (or null), of a sane size. */
function flatObject(v: unknown): v is Record<string, string | number | boolean | null> {
  if (!v || typeof v !== "object" || Array.isArray(v)) return false;
  const entries = Object.entries(v);
  return (
    entries.length <= 50 &&
    entries.every(([k, x]) => k.length <= 64 && (x === null || typeof x === "number" || typeof x === "boolean" || (typeof x === "string" && x.length <= LIMITS.configValue)))
  );
}
