import type { PageContext } from "../context.ts";
import { Layout } from "../layout.tsx";

export function ErrorPage(props: { ctx: PageContext; status: number; message: string; details: string[] }): JSX.Element {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t.plain("error.title")}>
      <ErrorBox status={props.status} message={props.message} details={props.details} homeLabel={t("error.go_home")} />
    </Layout>
  );
}

/** Same box for the full page and the htmx fragment. */
export function ErrorBox(props: { status: number; message: string; details: string[]; homeLabel: JSX.Element }): JSX.Element {
  const { homeLabel } = props;
  return (
    <section class="card error" role="alert">
      <h1>{props.status}</h1>
      <p safe>{props.message}</p>
      {props.details.length ? (
        <ul>
          {props.details.map((d) => (
            <li safe>{d}</li>
          ))}
        </ul>
      ) : (
        ""
      )}
      <p>
        <a href="/">{homeLabel}</a>
      </p>
    </section>
  );
}
