import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { ChannelRepository } from "../channels/channel-repository.ts";
import { actorOf } from "../conversations/conversation-service.ts";
import { AppError } from "../errors.ts";
import { bool, positiveInt, str } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import { html } from "../http/html-response.ts";
import { isHtmx } from "../http/htmx.ts";
import type { Renderer } from "../http/render.ts";
import { translator } from "../i18n/index.ts";
import { T } from "../tokens.ts";
import { AiSettingsPage, AiTestResult, aiFormValues, failureKey, type AiFormValues } from "../../views/admin/ai-settings.tsx";
import { AiSummary } from "../../views/contacts/ai-summary.tsx";
import type { AiAssistant } from "./ai-assistant.ts";
import type { AiSettingsInput } from "./ai-settings.ts";
import type { AiSettingsService } from "./ai-settings-service.ts";
import { parseNumber } from "../contacts/field-values.ts";

/** "Inteligencia artificial" (admins) and the agents' assist buttons in the inbox. */
@injectable()
export class AiRoutes {
  constructor(
    @inject(T.AiSettingsService) private readonly settings: AiSettingsService,
    @inject(T.AiAssistant) private readonly assistant: AiAssistant,
    @inject(T.ChannelRepository) private readonly channels: ChannelRepository,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia()
      .use(this.guard.plugin)
      .get("/admin/ai", ({ request, viewer, scope }) => this.render.page(request, viewer, this.page(scope.companyId, aiFormValues(this.settings.view(scope)))), { panel: "company.admin" })
      .post(
        "/admin/ai",
        ({ request, viewer, scope, body }) => {
          const form = readForm(body);
          return this.render.submit(
            request,
            viewer,
            () => (this.settings.save(scope, toInput(form, body)), this.render.redirect("/admin/ai", { kind: "ok", key: "common.saved" })),
            (errors) => this.page(scope.companyId, form, errors),
            "/admin/ai",
          );
        },
        { panel: "company.admin" },
      )
      .post(
        "/admin/ai/test",
        async ({ request, viewer, scope }) => {
          const result = await this.settings.test(scope);
          if (isHtmx(request)) return html(<AiTestResult t={translator(viewer.language)} result={result} />);
          return this.render.page(request, viewer, this.page(scope.companyId, aiFormValues(this.settings.view(scope)), undefined, result));
        },
        { panel: "company.admin" },
      )
      .post(
        "/inbox/:id/ai/suggest",
        async ({ viewer, params }) => {
          const id = positiveInt(params.id);
          const t = translator(viewer.language);
          // The first piece (or the failure) decides the status; then the draft streams as plain text.
          const early: string[] = [];
          let sink: ((piece: string) => void) | null = null;
          let firstPiece!: () => void;
          const first = new Promise<{ piece: true }>((resolve) => (firstPiece = () => resolve({ piece: true })));
          const done = this.assistant.suggest(actorOf(viewer), id, viewer.language, (piece) => {
            if (sink) sink(piece);
            else early.push(piece);
            firstPiece();
          });
          const winner = await Promise.race([first, done.then((outcome) => ({ outcome }), (error: unknown) => ({ error }))]);
          if ("error" in winner) {
            if (winner.error instanceof AppError && winner.error.status < 500) return plain(t.plain(winner.error.key, winner.error.params), winner.error.status);
            throw winner.error;
          }
          if ("outcome" in winner && !winner.outcome.ok && early.length === 0) return plain(t.plain(failureKey(winner.outcome.error)), 502);
          const encoder = new TextEncoder();
          const body = new ReadableStream<Uint8Array>({
            start: (controller) => {
              for (const piece of early) controller.enqueue(encoder.encode(piece));
              sink = (piece) => controller.enqueue(encoder.encode(piece));
              const end = () => controller.close();
              done.then(end, end);
            },
          });
          return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" } });
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/:id/ai/summary",
        async ({ viewer, params }) => {
          const id = positiveInt(params.id);
          const t = translator(viewer.language);
          try {
            const out = await this.assistant.summarize(actorOf(viewer), id, viewer.language);
            return html(<AiSummary t={t} conversationId={id} text={out.ok ? out.text : null} error={out.ok ? null : t.plain(failureKey(out.error))} />);
          } catch (e) {
            // AI off, budget spent: said in place. Anything else (a conversation not theirs) is the usual error.
            if (!(e instanceof AppError) || e.status !== 409) throw e;
            return html(<AiSummary t={t} conversationId={id} text={null} error={t.plain(e.key, e.params)} />);
          }
        },
        { panel: "inbox" },
      );
  }

  private page(companyId: number, form: AiFormValues, errors?: Record<string, import("../i18n/index.ts").FieldError>, test?: Awaited<ReturnType<AiSettingsService["test"]>>) {
    const view = this.settings.view({ companyId, userId: null, role: "admin" });
    const usage = this.settings.monthUsage(companyId);
    const channels = this.channels.list(companyId).map((c) => ({ id: c.id, name: c.name, aiMode: c.aiMode }));
    return (ctx: import("../../views/context.ts").PageContext) => <AiSettingsPage ctx={ctx} form={form} maskedKey={view.maskedKey} usage={usage} channels={channels} test={test} errors={errors} />;
  }
}

function plain(text: string, status: number): Response {
  return new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}

function readForm(body: unknown): AiFormValues {
  return {
    enabled: bool(body, "enabled"),
    baseUrl: str(body, "baseUrl"),
    model: str(body, "model"),
    instructions: str(body, "instructions"),
    knowledge: str(body, "knowledge"),
    includeResponses: bool(body, "includeResponses"),
    temperature: str(body, "temperature"),
    maxTokens: str(body, "maxTokens"),
    monthlyTokenBudget: str(body, "monthlyTokenBudget"),
    maxTurns: str(body, "maxTurns"),
    handoffMessage: str(body, "handoffMessage"),
  };
}

function toInput(f: AiFormValues, body: unknown): AiSettingsInput {
  const num = (s: string) => parseNumber(s.trim()) ?? Number.NaN;
  const key = str(body, "apiKey");
  return {
    enabled: f.enabled,
    baseUrl: f.baseUrl,
    model: f.model,
    // Left empty: the stored key stays; "Quitar la clave" removes it.
    apiKey: bool(body, "removeKey") ? "" : key ? key : undefined,
    instructions: f.instructions,
    knowledge: f.knowledge,
    includeResponses: f.includeResponses,
    temperature: num(f.temperature),
    maxTokens: num(f.maxTokens),
    monthlyTokenBudget: num(f.monthlyTokenBudget),
    maxTurns: num(f.maxTurns),
    handoffMessage: f.handoffMessage,
  };
}
