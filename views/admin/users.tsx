import { COMPANY_ROLES, LANGUAGES } from "../../core/auth/roles.ts";
import type { Page } from "../../core/shared/paging.ts";
import type { UserInput, UserListItem } from "../../core/users/user.ts";
import type { PageContext } from "../context.ts";
import { ActionButton, CheckboxGroup, CsrfField, FormSummary, SelectField, TextField, type FieldErrors } from "../components/fields.tsx";
import { Pager } from "../components/pager.tsx";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";
import { CopyButton } from "../components/copy-button.tsx";

export function UserListPage({ ctx, page }: { ctx: PageContext; page: Page<UserListItem> }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("user.title")}>
      <div class="page-head">
        <h1>{t("user.title")}</h1>
        <a class="button primary" href="/admin/users/new">
          {t("user.new")}
        </a>
      </div>
      <Table
        t={t}
        id="users"
        empty={t("user.empty")}
        head={[
          t("user.col.client"),
          t("user.col.username"),
          t("user.col.role"),
          t("user.col.queues"),
          t("user.col.extension"),
          t("user.col.language"),
          t("common.actions"),
        ]}
        rows={page.items.map((u) => [
          <span safe>{u.companyName}</span>,
          <span class={u.active ? "" : "inactive"}>
            <strong safe>{u.username}</strong>
            <br />
            <small safe>{u.name}</small>
            {u.active ? "" : <span class="badge muted">{t("common.inactive")}</span>}
          </span>,
          t(`role.${u.role}`),
          <span safe>{u.queues.map((q) => q.name).join(", ")}</span>,
          <span safe>{u.extension ?? ""}</span>,
          t(`lang.${u.language}`),
          <span class="actions">
            <a href={`/admin/users/${u.id}/edit`}>{t("common.edit")}</a>
            {u.id === ctx.viewer?.userId ? (
              ""
            ) : (
              <ActionButton
                csrf={ctx.csrf}
                action={`/admin/users/${u.id}/${u.active ? "deactivate" : "activate"}`}
                label={u.active ? t("user.deactivate") : t("user.activate")}
                confirm={u.active ? t.plain("user.confirm_deactivate", { name: u.name }) : undefined}
                danger={u.active}
              />
            )}
            <ActionButton
              csrf={ctx.csrf}
              action={`/admin/users/${u.id}/reset-password`}
              label={t("user.reset_password")}
              confirm={t.plain("user.confirm_reset", { name: u.name })}
            />
          </span>,
        ])}
      />
      <Pager t={t} page={page.page} pages={page.pages} href={(p) => `/admin/users?page=${p}`} />
    </Layout>
  );
}

export function UserFormPage(props: {
  ctx: PageContext;
  id?: number;
  form: UserInput;
  queues: { id: number; name: string }[];
  errors?: FieldErrors;
}): JSX.Element {
  const { ctx, form, errors } = props;
  const { t } = ctx;
  const title = props.id ? t.plain("user.edit") : t.plain("user.new");
  return (
    <Layout ctx={ctx} title={title}>
      <section class="card narrow">
        <h1 safe>{title}</h1>
        <FormSummary t={t} errors={errors} />
        <form method="post" action={props.id ? `/admin/users/${props.id}` : "/admin/users"} id="user-form">
          <CsrfField csrf={ctx.csrf} />
          <TextField t={t} name="username" label="user.username" value={form.username} errors={errors} required autocomplete="off" maxlength={50} />
          <TextField t={t} name="name" label="user.name" value={form.name} errors={errors} required maxlength={100} />
          <TextField
            t={t}
            name="password"
            label="user.password"
            type="password"
            errors={errors}
            required={!props.id}
            autocomplete="new-password"
            help={props.id ? "user.password_keep" : undefined}
          />
          <TextField t={t} name="passwordConfirm" label="user.password_confirm" type="password" errors={errors} required={!props.id} autocomplete="new-password" />
          <SelectField
            t={t}
            name="role"
            label="user.role"
            value={form.role}
            errors={errors}
            options={COMPANY_ROLES.map((r) => ({ value: r, label: t.plain(`role.${r}`) }))}
          />
          <TextField t={t} name="extension" label="user.extension" value={form.extension} errors={errors} maxlength={10} />
          <CheckboxGroup t={t} name="queueIds" label="user.queues" values={form.queueIds} options={props.queues} errors={errors} emptyText="user.no_queues" />
          <SelectField
            t={t}
            name="language"
            label="user.language"
            value={form.language}
            errors={errors}
            options={LANGUAGES.map((l) => ({ value: l, label: t.plain(`lang.${l}`) }))}
          />
          <div class="form-actions">
            <button type="submit" class="primary">
              {t("common.save")}
            </button>
            <a href="/admin/users">{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}

export function PasswordResetPage(props: { ctx: PageContext; name: string; password: string }): JSX.Element {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t.plain("user.password_reset_title")}>
      <section class="card narrow">
        <h1>{t("user.password_reset_title")}</h1>
        <p>{t("user.password_reset_done", { name: props.name })}</p>
        <div class="copyable">
          <code class="secret" id="new-password" safe>
            {props.password}
          </code>
          <CopyButton t={t} target="#new-password" />
        </div>
        <p class="muted">{t("user.password_reset_note")}</p>
        <a href="/admin/users">{t("common.back")}</a>
      </section>
    </Layout>
  );
}
