import type { AiSettingsView, TestResult } from "../../core/ai/ai-settings-service.ts";
import type { AiFailure } from "../../core/ai/contract.ts";
import type { MessageKey, Translate } from "../../core/i18n/index.ts";
import type { PageContext } from "../context.ts";
import { Checkbox, CsrfField, FormSummary, TextField, type FieldErrors } from "../components/fields.tsx";
import { Layout } from "../layout.tsx";

export interface AiFormValues {
  enabled: boolean;
  baseUrl: string;
  model: string;
  instructions: string;
  knowledge: string;
  includeResponses: boolean;
  temperature: string;
  maxTokens: string;
  monthlyTokenBudget: string;
  maxTurns: string;
  handoffMessage: string;
}

export function aiFormValues(s: AiSettingsView): AiFormValues {
  return {
    enabled: s.enabled,
    baseUrl: s.baseUrl,
    model: s.model,
    instructions: s.instructions,
    knowledge: s.knowledge,
    includeResponses: s.includeResponses,
    temperature: String(s.temperature),
    maxTokens: String(s.maxTokens),
    monthlyTokenBudget: String(s.monthlyTokenBudget),
    maxTurns: String(s.maxTurns),
    handoffMessage: s.handoffMessage,
  };
}

export interface AiUsageLine {
  promptTokens: number;
  completionTokens: number;
  calls: number;
  budget: number;
  left: number | null;
}

/** "Inteligencia artificial": the provider, what the AI knows, its limits, this month's use, and "Probar". */
export function AiSettingsPage(props: {
  ctx: PageContext;
  form: AiFormValues;
  maskedKey: string | null;
  usage: AiUsageLine;
  channels: { id: number; name: string; aiMode: string }[];
  test?: TestResult;
  errors?: FieldErrors;
}): JSX.Element {
  const { ctx, form, errors, usage } = props;
  const { t } = ctx;
  const used = usage.promptTokens + usage.completionTokens;
  const area = (name: keyof AiFormValues, label: MessageKey, help: MessageKey, rows: number, max: number) => (
    <label class={errors?.[name] ? "field invalid" : "field"}>
      <span class="label">{t(label)}</span>
      <textarea name={name} rows={String(rows)} maxlength={String(max)} safe>
        {String(form[name])}
      </textarea>
      <span class="help">{t(help)}</span>
      {errors?.[name] ? <span class="field-error">{t.field(errors[name]!)}</span> : ""}
    </label>
  );
  return (
    <Layout ctx={ctx} title={t.plain("ai.title")}>
      <div class="page-head">
        <h1>{t("ai.title")}</h1>
      </div>
      <p class="banner info">{t("ai.privacy")}</p>
      <section class="card" id="ai-usage">
        <h2>{t("ai.usage_title")}</h2>
        <p>
          {t("ai.usage_line", { used: used.toLocaleString(t.lang), calls: usage.calls.toLocaleString(t.lang) })}{" "}
          {usage.budget > 0 ? t("ai.usage_budget", { budget: usage.budget.toLocaleString(t.lang), left: (usage.left ?? 0).toLocaleString(t.lang) }) : t("ai.usage_no_budget")}
        </p>
        {usage.budget > 0 ? <progress max={String(usage.budget)} value={String(Math.min(used, usage.budget))} aria-label={t.plain("ai.usage_title")}></progress> : ""}
        {usage.left === 0 ? <p class="field-error">{t("ai.error.budget_spent")}</p> : ""}
      </section>
      <section class="card">
        <FormSummary t={t} errors={errors} />
        <form method="post" action="/admin/ai" id="ai-form" novalidate>
          <CsrfField csrf={ctx.csrf} />
          <Checkbox t={t} name="enabled" label="ai.enabled" checked={form.enabled} />
          <TextField t={t} name="baseUrl" label="ai.base_url" value={form.baseUrl} errors={errors} help="ai.base_url_help" maxlength={300} />
          <TextField t={t} name="model" label="ai.model" value={form.model} errors={errors} maxlength={100} help="ai.model_help" />
          <label class={errors?.apiKey ? "field invalid" : "field"}>
            <span class="label">{t("ai.api_key")}</span>
            <input type="password" name="apiKey" value="" autocomplete="new-password" maxlength="300" placeholder={props.maskedKey ?? ""} />
            <span class="help">{props.maskedKey ? t("ai.api_key_kept", { key: props.maskedKey }) : t("ai.api_key_help")}</span>
            {errors?.apiKey ? <span class="field-error">{t.field(errors.apiKey)}</span> : ""}
          </label>
          {props.maskedKey ? <Checkbox t={t} name="removeKey" label="ai.api_key_remove" checked={false} /> : ""}
          {area("instructions", "ai.instructions", "ai.instructions_help", 5, 4000)}
          {area("knowledge", "ai.knowledge", "ai.knowledge_help", 8, 20000)}
          <Checkbox t={t} name="includeResponses" label="ai.include_responses" checked={form.includeResponses} />
          <div class="row-fields">
            <TextField t={t} name="temperature" label="ai.temperature" value={form.temperature} errors={errors} />
            <TextField t={t} name="maxTokens" label="ai.max_tokens" value={form.maxTokens} errors={errors} />
            <TextField t={t} name="maxTurns" label="ai.max_turns" value={form.maxTurns} errors={errors} />
            <TextField t={t} name="monthlyTokenBudget" label="ai.budget" value={form.monthlyTokenBudget} errors={errors} help="ai.budget_help" />
          </div>
          {area("handoffMessage", "ai.handoff_message", "ai.handoff_message_help", 2, 500)}
          <div class="form-actions">
            <button type="submit" class="primary">
              {t("common.save")}
            </button>
          </div>
        </form>
      </section>
      <section class="card" id="ai-test">
        <h2>{t("ai.test_title")}</h2>
        <p class="help">{t("ai.test_help")}</p>
        <form method="post" action="/admin/ai/test" hx-post="/admin/ai/test" hx-target="#ai-test-result" hx-swap="outerHTML" class="inline">
          <CsrfField csrf={ctx.csrf} />
          <button type="submit" id="ai-test-button">
            {t("ai.test")}
          </button>
        </form>
        <AiTestResult t={t} result={props.test} />
      </section>
      <section class="card" id="ai-channels">
        <h2>{t("ai.channels_title")}</h2>
        {props.channels.length === 0 ? <p class="muted">{t("ai.no_channels")}</p> : ""}
        <ul>
          {props.channels.map((c) => (
            <li>
              <a href={`/admin/channels/${c.id}#channel-ai`} safe>
                {c.name}
              </a>
              : {t(`channel.ai_mode.${c.aiMode as "off" | "always" | "no_agents"}`)}
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}

export function AiTestResult(props: { t: Translate; result?: TestResult }): JSX.Element {
  const { t, result } = props;
  if (!result) return <div id="ai-test-result"></div>;
  if (result.ok) {
    return (
      <div id="ai-test-result" class="test-result ok" role="status">
        <p>{t("ai.test_ok", { model: result.model, ms: result.latencyMs })}</p>
        <blockquote safe>{result.answer}</blockquote>
        {result.notes.map((n) => (
          <p class="help">{t(n === "tool_choice" ? "ai.note_tool_choice" : "ai.note_tools")}</p>
        ))}
      </div>
    );
  }
  return (
    <div id="ai-test-result" class="test-result failed" role="alert">
      <p>
        <strong>{t(failureKey(result.error))}</strong>
      </p>
      <p class="help" safe>
        {result.error.message}
      </p>
    </div>
  );
}

export function failureKey(e: AiFailure): MessageKey {
  return `ai.failure.${e.code}` as MessageKey;
}
