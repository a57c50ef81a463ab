import { LANGUAGES } from "../../core/auth/roles.ts";
import type { PageContext } from "../context.ts";
import { CsrfField, FormSummary, SelectField, TextField, type FieldErrors } from "../components/fields.tsx";
import { Layout } from "../layout.tsx";

/** Every user's own settings: language, and the password (required after an admin's reset). */
export function AccountPage({ ctx, errors, mustChange, queues }: { ctx: PageContext; errors?: FieldErrors; mustChange: boolean; queues: string[] }): JSX.Element {
  const { t } = ctx;
  const viewer = ctx.viewer!;
  return (
    <Layout ctx={ctx} title={t.plain("account.title")}>
      <h1>{t("account.title")}</h1>
      <p class="muted" safe>{`${viewer.name} (${viewer.username})`}</p>
      <p>{t("home.role", { role: t.plain(`role.${viewer.role}`) })}</p>
      {queues.length > 0 ? <p id="my-queues">{t("home.queues", { queues: queues.join(", ") })}</p> : ""}
      {mustChange ? (
        <p class="banner info" role="alert" id="must-change">
          {t("account.must_change")}
        </p>
      ) : (
        ""
      )}
      <section class="card narrow" id="password">
        <h2>{t("account.password")}</h2>
        <FormSummary t={t} errors={errors} />
        <form method="post" action="/account/password" id="password-form" data-no-recover>
          <CsrfField csrf={ctx.csrf} />
          <TextField t={t} name="currentPassword" label="account.current_password" type="password" errors={errors} required autocomplete="current-password" />
          <TextField t={t} name="password" label="account.new_password" type="password" errors={errors} required autocomplete="new-password" maxlength={256} help="user.password_help" />
          <TextField t={t} name="passwordConfirm" label="account.repeat_password" type="password" errors={errors} required autocomplete="new-password" maxlength={256} />
          <button type="submit" class="primary">
            {t("account.change_password")}
          </button>
        </form>
      </section>
      {mustChange ? (
        ""
      ) : (
        <section class="card narrow">
          <h2>{t("account.language_title")}</h2>
          <form method="post" action="/account/language">
            <CsrfField csrf={ctx.csrf} />
            <SelectField
              t={t}
              name="language"
              label="user.language"
              value={viewer.language}
              options={LANGUAGES.map((l) => ({ value: l, label: t.plain(`lang.${l}`) }))}
            />
            <button type="submit" class="primary">
              {t("common.save")}
            </button>
          </form>
        </section>
      )}
    </Layout>
  );
}
