import { inject, injectable } from "tsyringe";
import type { Scope } from "../auth/access.ts";
import type { Clock } from "../clock.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import { AppError } from "../errors.ts";
import type { FieldError } from "../i18n/index.ts";
import { monthRange } from "../shared/zoned-time.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { AiCallRepository } from "./ai-call-repository.ts";
import type { AiProviders } from "./ai-providers.ts";
import { AI_DEFAULTS, type AiSettings, type AiSettingsInput } from "./ai-settings.ts";
import type { AiSettingsRepository } from "./ai-settings-repository.ts";
import type { AiConnection, AiFailure, AiProvider } from "./contract.ts";
import type { Metrics } from "../observability/metrics.ts";

const keyPurpose = (companyId: number) => `ai-key:${companyId}`;
/** A customer waits for an answer: past this the call gives up and the conversation goes to a person. */
export const AI_TIMEOUT_MS = 20_000;

export interface AiSettingsView extends Omit<AiSettings, "apiKeySealed"> {
  /** "••••abcd", or null when no key is stored. */
  maskedKey: string | null;
}

export type TestResult = { ok: true; answer: string; model: string; notes: string[]; latencyMs: number } | { ok: false; error: AiFailure };

/**
 * The company's AI settings ("Inteligencia artificial"): the API key sealed at
 * rest and never shown again, the provider instance built from them, this
 * month's token use against the budget, and "Probar".
 */
@injectable()
export class AiSettingsService {
  private readonly instances = new Map<number, { at: number; provider: AiProvider }>();
  /** How long a customer's answer may take before the AI hands off (tests shorten it). */
  timeoutMs = AI_TIMEOUT_MS;

  constructor(
    @inject(T.AiSettingsRepository) private readonly settings: AiSettingsRepository,
    @inject(T.AiCallRepository) private readonly calls: AiCallRepository,
    @inject(T.AiProviders) private readonly providers: AiProviders,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.SecretBox) private readonly box: SecretBox,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.Metrics) private readonly metrics: Metrics,
  ) {}

  raw(companyId: number): AiSettings {
    return this.settings.get(companyId) ?? { ...AI_DEFAULTS, companyId, updatedAt: 0 };
  }

  view(scope: Scope): AiSettingsView {
    const { apiKeySealed, ...rest } = this.raw(scope.companyId);
    let maskedKey: string | null = null;
    if (apiKeySealed) {
      const key = this.box.open(apiKeySealed, keyPurpose(scope.companyId));
      maskedKey = `••••${key.slice(-4)}`;
    }
    return { ...rest, maskedKey };
  }

  save(scope: Scope, input: AiSettingsInput): AiSettingsView {
    const current = this.raw(scope.companyId);
    const errors: Record<string, FieldError> = {};
    const baseUrl = input.baseUrl.trim().replace(/\/+$/, "");
    if (!/^https?:\/\/[^\s/]+/i.test(baseUrl) || baseUrl.length > 300) errors.baseUrl = "ai.error.base_url";
    const model = input.model.trim();
    if (!model || model.length > 100) errors.model = "ai.error.model";
    if (input.apiKey !== undefined && input.apiKey.length > 300) errors.apiKey = "ai.error.api_key";
    if (input.instructions.length > 4000) errors.instructions = "ai.error.too_long";
    if (input.knowledge.length > 20_000) errors.knowledge = "ai.error.too_long";
    if (input.handoffMessage.length > 500) errors.handoffMessage = "ai.error.too_long";
    if (!(input.temperature >= 0 && input.temperature <= 2)) errors.temperature = "ai.error.temperature";
    if (!Number.isInteger(input.maxTokens) || input.maxTokens < 16 || input.maxTokens > 4000) errors.maxTokens = "ai.error.max_tokens";
    if (!Number.isInteger(input.monthlyTokenBudget) || input.monthlyTokenBudget < 0 || input.monthlyTokenBudget > 1_000_000_000) errors.monthlyTokenBudget = "ai.error.budget";
    if (!Number.isInteger(input.maxTurns) || input.maxTurns < 1 || input.maxTurns > 50) errors.maxTurns = "ai.error.max_turns";
    const key = input.apiKey === undefined ? undefined : input.apiKey.trim();
    const sealed = key === undefined ? current.apiKeySealed : key === "" ? null : this.box.seal(key, keyPurpose(scope.companyId));
    if (input.enabled && !sealed && /api\.openai\.com/i.test(baseUrl)) errors.apiKey = "ai.error.api_key_required";
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    this.settings.save({
      companyId: scope.companyId,
      enabled: input.enabled,
      provider: current.provider,
      baseUrl,
      model,
      apiKeySealed: sealed,
      instructions: input.instructions.replace(/\r\n?/g, "\n").trim(),
      knowledge: input.knowledge.replace(/\r\n?/g, "\n").trim(),
      includeResponses: input.includeResponses,
      temperature: input.temperature,
      maxTokens: input.maxTokens,
      monthlyTokenBudget: input.monthlyTokenBudget,
      maxTurns: input.maxTurns,
      handoffMessage: input.handoffMessage.replace(/\r\n?/g, "\n").trim(),
      updatedAt: Math.max(this.clock.now(), current.updatedAt + 1),
    });
    return this.view(scope);
  }

  /** The company's provider, if AI is on; nothing of a conversation leaves otherwise. */
  provider(companyId: number): { provider: AiProvider; settings: AiSettings } | null {
    const s = this.raw(companyId);
    if (!s.enabled) return null;
    return { provider: this.instance(s), settings: s };
  }

  /** This month's tokens (company time zone) and what is left of the budget (null: no limit). */
  monthUsage(companyId: number): { promptTokens: number; completionTokens: number; calls: number; budget: number; left: number | null } {
    const zone = this.companies.get(companyId)?.timeZone ?? "UTC";
    const { from, to } = monthRange(this.clock.now(), zone);
    const u = this.calls.usage(companyId, from, to);
    const budget = this.raw(companyId).monthlyTokenBudget;
    return { ...u, budget, left: budget > 0 ? Math.max(0, budget - u.promptTokens - u.completionTokens) : null };
  }

  budgetSpent(companyId: number): boolean {
    return this.monthUsage(companyId).left === 0;
  }

  /** "Probar": one short request with the saved settings, whether or not AI is switched on. */
  async test(scope: Scope): Promise<TestResult> {
    const s = this.raw(scope.companyId);
    const provider = this.instance(s);
    const started = this.clock.now();
    const t0 = performance.now();
    const out = await provider.complete({
      system: "You are a connection test. Answer with one short sentence.",
      messages: [{ role: "user", content: "Diga «hola» en una frase corta." }],
      tools: [{ name: "handoff_to_human", description: "Hand the conversation to a person.", parameters: { type: "object", properties: { reason: { type: "string" } }, required: ["reason"] } }],
      maxTokens: 30,
      temperature: 0,
    });
    const latencyMs = Math.round(performance.now() - t0);
    this.calls.record(
      {
        companyId: scope.companyId,
        conversationId: null,
        kind: "test",
        model: out.ok ? out.model : s.model,
        promptTokens: out.ok ? out.usage.promptTokens : 0,
        completionTokens: out.ok ? out.usage.completionTokens : 0,
        latencyMs,
        outcome: out.ok ? "ok" : "error",
        error: out.ok ? null : `${out.error.code}: ${out.error.message}`.slice(0, 500),
      },
      started,
    );
    this.metrics.aiCall("test", out.ok ? "ok" : "error", out.ok ? out.usage.promptTokens : 0, out.ok ? out.usage.completionTokens : 0);
    return out.ok ? { ok: true, answer: out.text || (out.toolCall ? `(${out.toolCall.name})` : ""), model: out.model, notes: out.notes, latencyMs } : { ok: false, error: out.error };
  }

  private instance(s: AiSettings): AiProvider {
    const cached = this.instances.get(s.companyId);
    if (cached && cached.at === s.updatedAt) return cached.provider;
    const plugin = this.providers.get(s.provider);
    if (!plugin) throw new AppError(409, "ai_provider_missing", "ai.error.provider_missing");
    const connection: AiConnection = {
      baseUrl: s.baseUrl,
      apiKey: s.apiKeySealed ? this.box.open(s.apiKeySealed, keyPurpose(s.companyId)) : "",
      model: s.model,
      timeoutMs: this.timeoutMs,
    };
    const provider = plugin.create(connection);
    this.instances.set(s.companyId, { at: s.updatedAt, provider });
    return provider;
  }
}
