import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { AiAssistant } from "../ai/ai-assistant.ts";
import type { AiSettingsService, AiSettingsView } from "../ai/ai-settings-service.ts";
import type { Actor } from "../conversations/conversation-service.ts";
import { AppError } from "../errors.ts";
import type { Guard } from "../http/guard-provider.ts";
import { pickLanguage } from "../i18n/index.ts";
import type { AiCallRepository } from "../ai/ai-call-repository.ts";
import { T } from "../tokens.ts";
import { Int } from "./schemas.ts";
import { AiSettings, aiSettingsExample, AiTest, aiTestExample, AiText, AiUsage, aiUsageExample } from "./api-schemas.ts";
import { op } from "./docs.ts";

const Settings = t.Object({
  enabled: t.Boolean(),
  baseUrl: t.String({ maxLength: 300 }),
  model: t.String({ maxLength: 100 }),
  apiKey: t.Optional(t.String({ maxLength: 300 })),
  instructions: t.Optional(t.String({ maxLength: 4000 })),
  knowledge: t.Optional(t.String({ maxLength: 20_000 })),
  includeResponses: t.Optional(t.Boolean()),
  temperature: t.Optional(t.Number({ minimum: 0, maximum: 2 })),
  maxTokens: t.Optional(Int({ minimum: 16, maximum: 4000 })),
  monthlyTokenBudget: t.Optional(Int({ minimum: 0, maximum: 1_000_000_000 })),
  maxTurns: t.Optional(Int({ minimum: 1, maximum: 50 })),
  handoffMessage: t.Optional(t.String({ maxLength: 500 })),
});

function settingsJson(s: AiSettingsView) {
  return {
    enabled: s.enabled,
    baseUrl: s.baseUrl,
    model: s.model,
    apiKey: s.maskedKey,
    instructions: s.instructions,
    knowledge: s.knowledge,
    includeResponses: s.includeResponses,
    temperature: s.temperature,
    maxTokens: s.maxTokens,
    monthlyTokenBudget: s.monthlyTokenBudget,
    maxTurns: s.maxTurns,
    handoffMessage: s.handoffMessage,
  };
}

/** `/api/v1/ai`: the company's AI settings and usage, and the agents' assist calls. */
@injectable()
export class AiApi {
  constructor(
    @inject(T.AiSettingsService) private readonly settings: AiSettingsService,
    @inject(T.AiAssistant) private readonly assistant: AiAssistant,
    @inject(T.AiCallRepository) private readonly calls: AiCallRepository,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    const actor = (companyId: number): Actor => ({ companyId, userId: null, name: "API", role: "api" });
    const assist = async (run: Promise<import("../ai/contract.ts").AiOutcome>) => {
      const out = await run;
      if (!out.ok) throw new AppError(502, `ai_${out.error.code}`, `ai.failure.${out.error.code}` as never);
      return { text: out.text };
    };
    return new Elysia({ prefix: "/api/v1" })
      .use(this.guard.plugin)
      .get("/ai", ({ scope }) => settingsJson(this.settings.view(scope)), {
        api: "read",
        detail: op({ summary: "The company's AI settings (the API key masked)", tags: ["ai"], ok: { schema: AiSettings, example: aiSettingsExample } }),
      })
      .put(
        "/ai",
        ({ scope, body }) => {
          const current = this.settings.view(scope);
          return settingsJson(
            this.settings.save(scope, {
              enabled: body.enabled,
              baseUrl: body.baseUrl,
              model: body.model,
              apiKey: body.apiKey,
              instructions: body.instructions ?? current.instructions,
              knowledge: body.knowledge ?? current.knowledge,
              includeResponses: body.includeResponses ?? current.includeResponses,
              temperature: body.temperature ?? current.temperature,
              maxTokens: body.maxTokens ?? current.maxTokens,
              monthlyTokenBudget: body.monthlyTokenBudget ?? current.monthlyTokenBudget,
              maxTurns: body.maxTurns ?? current.maxTurns,
              handoffMessage: body.handoffMessage ?? current.handoffMessage,
            }),
          );
        },
        {
          api: "write",
          body: Settings,
          detail: op({
            summary: "Replace the AI settings; apiKey is write-only (left out: kept; \"\": removed)",
            tags: ["ai"],
            body: { enabled: true, baseUrl: "https://api.openai.com/v1", model: "gpt-4o-mini", apiKey: "sk-...", instructions: "Responda en español, breve y amable.", maxTokens: 400 },
            ok: { schema: AiSettings, example: aiSettingsExample },
          }),
        },
      )
      .post("/ai/test", ({ scope }) => this.settings.test(scope), {
        api: "write",
        detail: op({ summary: "Probar: one short question to the configured model, with what it answered or why it failed", tags: ["ai"], ok: { schema: AiTest, example: aiTestExample } }),
      })
      .get(
        "/ai/usage",
        ({ scope, query }) => {
          const from = query.from ? Date.parse(query.from) : 0;
          const to = query.to ? Date.parse(query.to) : Date.now() + 1;
          if (Number.isNaN(from) || Number.isNaN(to)) throw AppError.invalid({ from: "ai.error.dates" });
          return this.calls.usage(scope.companyId, from, to);
        },
        {
          api: "read",
          query: t.Object({ from: t.Optional(t.String({ maxLength: 40 })), to: t.Optional(t.String({ maxLength: 40 })) }),
          detail: op({ summary: "Tokens used by the AI between two ISO dates (to excluded)", tags: ["ai"], ok: { schema: AiUsage, example: aiUsageExample } }),
        },
      )
      .post(
        "/conversations/:id/suggest",
        ({ scope, params, request }) => assist(this.assistant.suggest(actor(scope.companyId), params.id, pickLanguage(request.headers.get("accept-language")), () => {})),
        {
          api: "write",
          params: t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }) }),
          detail: op({ summary: "A draft reply for the conversation (nothing is sent)", tags: ["ai"], ok: { schema: AiText, example: { text: "Hola Ana, su pedido sale hoy en la tarde." } } }),
        },
      )
      .post(
        "/conversations/:id/summarize",
        ({ scope, params, request }) => assist(this.assistant.summarize(actor(scope.companyId), params.id, pickLanguage(request.headers.get("accept-language")))),
        {
          api: "write",
          params: t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }) }),
          detail: op({ summary: "A short summary of the conversation", tags: ["ai"], ok: { schema: AiText, example: { text: "La clienta pregunta por su pedido A-1029; sale hoy." } } }),
        },
      );
  }
}
