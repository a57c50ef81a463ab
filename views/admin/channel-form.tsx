import type { PluginManifest } from "../../core/channels/contract.ts";
import type { ConfigField } from "../../core/channels/config-schema.ts";
import type { ChannelView } from "../../core/channels/channel-service.ts";
import { AI_MODES } from "../../core/channels/channel.ts";
import type { StoredTemplate } from "../../core/channels/template-repository.ts";
import type { PageContext } from "../context.ts";
import { ActionButton, CsrfField, FormSummary, SelectField, TextField, type FieldErrors } from "../components/fields.tsx";
import { CopyButton } from "../components/copy-button.tsx";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";

export interface ChannelFormData {
  name: string;
  queueId: string;
  reopenWindowMinutes: string;
  config: Record<string, unknown>;
}

/** Create and edit; the settings fields come from the plugin's configSchema. */
export function ChannelFormPage(props: {
  ctx: PageContext;
  plugin: PluginManifest;
  fields: ConfigField[];
  channel: ChannelView | null;
  form: ChannelFormData;
  queues: { id: number; name: string }[];
  errors?: FieldErrors;
  embedSnippet: string | null;
  /** Null when the plugin has no templates. */
  templates: StoredTemplate[] | null;
  /** The plugin can check its credentials against the provider. */
  canTest: boolean;
  /** The company has its AI switched on (the AI mode says what it would do otherwise). */
  aiEnabled?: boolean;
  /** A refusal that belongs to no single field (the plugin's own reason), already translated. */
  formError?: string;
  /** The form shows a submission back (with its errors): secrets typed in it are kept in their fields. */
  submitted?: boolean;
}): JSX.Element {
  const { ctx, channel, form, errors } = props;
  const { t } = ctx;
  const title = channel ? channel.name : `${t.plain("channel.new")}: ${props.plugin.name}`;
  return (
    <Layout ctx={ctx} title={title}>
      <p>
        <a href="/admin/channels">{t("channel.back")}</a>
      </p>
      <h1 safe>{title}</h1>
      {channel && channel.status === "needs_attention" ? (
        <p class="banner attention" role="alert" id="needs-attention">
          {t("channel.needs_attention")} <span safe>{readableReason(t, channel.statusReason)}</span>
        </p>
      ) : (
        ""
      )}
      {channel ? (
        <section class="card" id="channel-info">
          <p>
            <span class={`badge ${channel.status}`}>{t(`channel.status.${channel.status}`)}</span>
          </p>
          {props.plugin.hostsClient ? (
            ""
          ) : (
            <>
              <p>{t("channel.webhook_url")}:</p>
              <div class="copyable">
                <code id="webhook-url" safe>
                  {channel.webhookUrl}
                </code>
                <CopyButton t={t} target="#webhook-url" />
              </div>
            </>
          )}
          {typeof channel.config.verifyToken === "string" ? (
            <>
              <p>{t("channel.verify_token")}:</p>
              <div class="copyable">
                <code id="verify-token" safe>
                  {channel.config.verifyToken}
                </code>
                <CopyButton t={t} target="#verify-token" />
              </div>
            </>
          ) : (
            ""
          )}
          <form method="post" action={`/admin/channels/${channel.id}/enabled`} class="inline" id="channel-enabled">
            <CsrfField csrf={ctx.csrf} />
            <input type="hidden" name="enabled" value={channel.status === "disabled" ? "1" : "0"} />
            <button type="submit">{channel.status === "disabled" ? t("channel.enable") : t("channel.disable")}</button>
          </form>{" "}
          {props.canTest ? (
            <form method="post" action={`/admin/channels/${channel.id}/test`} class="inline">
              <CsrfField csrf={ctx.csrf} />
              <button type="submit" id="test-connection">
                {t("channel.test")}
              </button>
            </form>
          ) : (
            ""
          )}
          {props.embedSnippet ? (
            <>
              <p>
                {t("channel.public_url")}:{" "}
                <a href={channel.publicUrl} target="_blank" rel="noopener" id="public-url" hx-boost="false" safe>
                  {channel.publicUrl}
                </a>
              </p>
              <p>{t("channel.embed")}</p>
              <div class="copyable">
                <pre class="snippet" id="embed-snippet" safe>
                  {props.embedSnippet}
                </pre>
                <CopyButton t={t} target="#embed-snippet" />
              </div>
              <p class="muted">{t("channel.embed_help")}</p>
              <p class="muted">{t("channel.embed_https")}</p>
            </>
          ) : (
            ""
          )}
        </section>
      ) : (
        ""
      )}
      <section class="card narrow">
        <h2>{t("channel.settings")}</h2>
        <FormSummary t={t} errors={errors} />
        {props.formError ? (
          <p class="form-error" role="alert" id="form-error" safe>
            {props.formError}
          </p>
        ) : (
          ""
        )}
        <form method="post" action={channel ? `/admin/channels/${channel.id}` : `/admin/channels?plugin=${encodeURIComponent(props.plugin.id)}`} id="channel-form">
          <CsrfField csrf={ctx.csrf} />
          <TextField t={t} name="name" label="channel.name" value={form.name} errors={errors} required maxlength={60} />
          <SelectField
            t={t}
            name="queueId"
            label="channel.queue"
            value={form.queueId}
            errors={errors}
            options={[{ value: "", label: t.plain("channel.no_queue") }, ...props.queues.map((q) => ({ value: String(q.id), label: q.name }))]}
          />
          <TextField t={t} name="reopenWindowMinutes" label="channel.reopen_window" type="number" value={form.reopenWindowMinutes} errors={errors} help="channel.reopen_help" />
          {props.fields.map((f) => (
            <PluginField
              t={t}
              field={f}
              value={form.config[f.key]}
              error={errors?.[`config.${f.key}`]}
              kept={!!channel?.maskedSecrets[f.key]}
              typed={f.secret && props.submitted && typeof form.config[f.key] === "string" ? (form.config[f.key] as string) : undefined}
            />
          ))}
          <div class="form-actions">
            <button type="submit" class="primary">
              {t("common.save")}
            </button>
          </div>
        </form>
      </section>
      {channel ? (
        <section class="card" id="channel-ai">
          <h2>{t("channel.ai_title")}</h2>
          <form method="post" action={`/admin/channels/${channel.id}/ai-mode`} class="row">
            <CsrfField csrf={ctx.csrf} />
            <label class="field grow">
              <span class="label">{t("channel.ai_mode")}</span>
              <select name="aiMode">
                {AI_MODES.map((m) => (
                  <option value={m} selected={channel.aiMode === m}>
                    {t(`channel.ai_mode.${m}`)}
                  </option>
                ))}
              </select>
              <span class="help">{props.aiEnabled ? t("channel.ai_mode_help") : t("channel.ai_off_help")}</span>
            </label>
            <button type="submit">{t("common.save")}</button>
          </form>
        </section>
      ) : (
        ""
      )}
      {channel && props.templates ? (
        <section class="card" id="templates">
          <div class="page-head">
            <h2>{t("channel.templates")}</h2>
            <form method="post" action={`/admin/channels/${channel.id}/templates/sync`} class="inline">
              <CsrfField csrf={ctx.csrf} />
              <button type="submit">{t("channel.templates_sync")}</button>
            </form>
          </div>
          <Table
            t={t}
            head={[t("channel.name"), t("user.language"), t("channel.template_category"), t("common.status"), t("channel.template_body")]}
            rows={props.templates.map((tpl) => [
              <code safe>{tpl.name}</code>,
              <span safe>{tpl.language}</span>,
              <span safe>{tpl.category}</span>,
              <span safe>{tpl.status}</span>,
              <span class="template-body" safe>
                {tpl.body}
              </span>,
            ])}
          />
        </section>
      ) : (
        ""
      )}
      {channel ? (
        <ActionButton
          csrf={ctx.csrf}
          action={`/admin/channels/${channel.id}/delete`}
          label={t("common.delete")}
          confirm={t.plain("channel.confirm_delete", { name: channel.name })}
          danger
        />
      ) : (
        ""
      )}
    </Layout>
  );
}

/** `typed`: a secret the admin typed in the submission being shown again (never one read back from storage). */
function PluginField(props: { t: PageContext["t"]; field: ConfigField; value: unknown; error?: FieldErrors[string]; kept: boolean; typed?: string }): JSX.Element {
  const { t, field: f } = props;
  const name = `config.${f.key}`;
  const invalid = !!props.error;
  if (f.type === "boolean") {
    return (
      <label class="field check">
        <input type="hidden" name={name} value="false" />
        <input type="checkbox" name={name} value="true" checked={props.value === true || props.value === "true"} />
        <span safe>{f.title}</span>
      </label>
    );
  }
  return (
    <label class={invalid ? "field invalid" : "field"}>
      <span class="label" safe>
        {f.title}
      </span>
      {f.enum ? (
        <select name={name}>
          {f.enum.map((o) => (
            <option value={o} selected={o === props.value} safe>
              {o}
            </option>
          ))}
        </select>
      ) : (
        <input
          type={f.secret ? "password" : f.type === "string" ? "text" : "number"}
          name={name}
          value={f.secret ? (props.typed ?? "") : props.value === undefined ? "" : String(props.value)}
          autocomplete="off"
          required={f.required && !(f.secret && props.kept)}
        />
      )}
      {f.description ? <span class="help" safe>{f.description}</span> : ""}
      {f.secret && props.kept ? <span class="help">{t("channel.secret_keep")}</span> : ""}
      {props.error ? <span class="field-error">{t.field(props.error)}</span> : ""}
    </label>
  );
}

/**
 * A provider's or the network's words, readable: connection failures say so in the
 * admin's language; a provider's own explanation is shown as it came.
 */
export function readableReason(t: PageContext["t"], reason: string | null): string {
  if (!reason) return "";
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|Unable to connect|FailedToOpenSocket|ConnectionRefused/i.test(reason)) return t.plain("channel.reason.unreachable");
  if (/timed out|TimeoutError|No answer from/i.test(reason)) return t.plain("channel.reason.timeout");
  return reason;
}
