import { LANGUAGES } from "../../core/auth/roles.ts";
import type { PageContext } from "../context.ts";
import { CsrfField, SelectField } from "../components/fields.tsx";
import { Layout } from "../layout.tsx";

export function AccountPage({ ctx }: { ctx: PageContext }): JSX.Element {
  const { t } = ctx;
  const viewer = ctx.viewer!;
  return (
    <Layout ctx={ctx} title={t.plain("account.title")}>
      <section class="card narrow">
        <h1>{t("account.title")}</h1>
        <p safe>{`${viewer.name} (${viewer.username})`}</p>
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
    </Layout>
  );
}
