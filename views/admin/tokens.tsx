import type { ApiToken } from "../../core/api/api-token.ts";
import type { PageContext } from "../context.ts";
import { ActionButton, CsrfField, FormSummary, SelectField, TextField, type FieldErrors } from "../components/fields.tsx";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";
import { CopyButton } from "../components/copy-button.tsx";

export function TokensPage(props: {
  ctx: PageContext;
  tokens: ApiToken[];
  created?: string;
  form?: { name: string; scope: string };
  errors?: FieldErrors;
  formatTime: (ms: number | null) => string;
}): JSX.Element {
  const { ctx, errors } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("token.title")}>
      <div class="page-head">
        <h1>{t("token.title")}</h1>
        <a class="button" href="/api/docs" hx-boost="false">
          {t("token.docs")}
        </a>
      </div>
      <p class="muted">{t("token.intro")}</p>
      {props.created ? (
        <section class="card ok" id="new-token">
          <p>{t("token.shown_once")}</p>
          <div class="copyable">
            <code class="secret" id="created-token" safe>
              {props.created}
            </code>
            <CopyButton t={t} target="#created-token" />
          </div>
        </section>
      ) : (
        ""
      )}
      <section class="card">
        <h2>{t("token.new")}</h2>
        <FormSummary t={t} errors={errors} />
        <form method="post" action="/admin/tokens" class="row" id="token-form">
          <CsrfField csrf={ctx.csrf} />
          <TextField t={t} name="name" label="token.name" value={props.form?.name} errors={errors} required maxlength={60} />
          <SelectField
            t={t}
            name="scope"
            label="token.scope"
            value={props.form?.scope ?? "write"}
            errors={errors}
            options={[
              { value: "write", label: t.plain("token.scope.write") },
              { value: "read", label: t.plain("token.scope.read") },
            ]}
          />
          <button type="submit" class="primary">
            {t("common.create")}
          </button>
        </form>
      </section>
      <Table
        t={t}
        id="tokens"
        empty={t("token.empty")}
        head={[t("token.name"), t("token.prefix"), t("token.scope"), t("token.created"), t("token.last_used"), t("common.actions")]}
        rows={props.tokens.map((k) => [
          <span safe>{k.name}</span>,
          <code safe>{`chk_${k.prefix}_…`}</code>,
          t(`token.scope.${k.scope}`),
          <span safe>{props.formatTime(k.createdAt)}</span>,
          <span safe>{props.formatTime(k.lastUsedAt)}</span>,
          k.revokedAt ? (
            <span class="badge muted">{t("token.revoked")}</span>
          ) : (
            <ActionButton
              csrf={ctx.csrf}
              action={`/admin/tokens/${k.id}/revoke`}
              label={t("token.revoke")}
              confirm={t.plain("token.confirm_revoke", { name: k.name })}
              danger
            />
          ),
        ])}
      />
    </Layout>
  );
}
