import type { PageContext } from "../context.ts";
import { CsrfField, TextField } from "../components/fields.tsx";
import { Layout } from "../layout.tsx";

export function LoginPage(props: { ctx: PageContext; username?: string; error?: string; next?: string; expired?: boolean }): JSX.Element {
  const { ctx } = props;
  const { t } = ctx;
  const other = t.lang === "es" ? "en" : "es";
  return (
    <Layout ctx={ctx} title={t.plain("auth.title")}>
      <section class="card login">
        <h1>{t("app.name")}</h1>
        <h2>{t("auth.title")}</h2>
        {props.expired && !props.error ? (
          <p class="banner info" role="status" id="session-expired">
            {t("auth.expired")}
          </p>
        ) : (
          ""
        )}
        {props.error ? (
          <p class="flash flash-error" role="alert" safe>
            {props.error}
          </p>
        ) : (
          ""
        )}
        <form method="post" action="/login" hx-boost="false">
          <CsrfField csrf={ctx.csrf} />
          <input type="hidden" name="next" value={props.next ?? "/"} />
          <TextField t={t} name="username" label="auth.username" value={props.username} required autofocus autocomplete="username" />
          <TextField t={t} name="password" label="auth.password" type="password" required autocomplete="current-password" />
          <button type="submit" class="primary">
            {t("auth.submit")}
          </button>
        </form>
        <p class="lang-switch">
          <a href={`/login?lang=${other}`} hx-boost="false">
            {t(`lang.${other}`)}
          </a>
        </p>
      </section>
    </Layout>
  );
}
