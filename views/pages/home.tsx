import type { PageContext } from "../context.ts";
import { Layout } from "../layout.tsx";

export function HomePage(props: { ctx: PageContext; queues: string[] }): JSX.Element {
  const { ctx } = props;
  const { t } = ctx;
  const viewer = ctx.viewer!;
  return (
    <Layout ctx={ctx} title={t.plain("home.title")}>
      <section class="card">
        <h1>{t("home.welcome", { name: viewer.name })}</h1>
        <p>{t("home.role", { role: t.plain(`role.${viewer.role}`) })}</p>
        {viewer.companyName ? <p>{t("home.company", { company: viewer.companyName })}</p> : ""}
        {props.queues.length > 0 ? <p>{t("home.queues", { queues: props.queues.join(", ") })}</p> : ""}
        <p class="muted">{t("home.next_steps")}</p>
      </section>
    </Layout>
  );
}
