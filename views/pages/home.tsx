import type { PageContext } from "../context.ts";
import { Layout } from "../layout.tsx";
import { CheckIcon } from "../components/icons.tsx";
import type { MessageKey } from "../../core/i18n/index.ts";

export interface SetupStep {
  key: "queue" | "agent" | "channel" | "online";
  done: boolean;
  href: string;
}

const STEP_TEXT: Record<SetupStep["key"], { title: MessageKey; help: MessageKey }> = {
  queue: { title: "home.step.queue", help: "home.step.queue_help" },
  agent: { title: "home.step.agent", help: "home.step.agent_help" },
  channel: { title: "home.step.channel", help: "home.step.channel_help" },
  online: { title: "home.step.online", help: "home.step.online_help" },
};

/** Inicio for admins and the operator: who they are, and a setup checklist that ticks itself. */
export function HomePage(props: { ctx: PageContext; queues: string[]; steps: SetupStep[] | null }): JSX.Element {
  const { ctx } = props;
  const { t } = ctx;
  const viewer = ctx.viewer!;
  const left = props.steps?.filter((s) => !s.done).length ?? 0;
  return (
    <Layout ctx={ctx} title={t.plain("home.title")}>
      <section class="card">
        <h1>{t("home.welcome", { name: viewer.name })}</h1>
        <p>{t("home.role", { role: t.plain(`role.${viewer.role}`) })}</p>
        {viewer.companyName ? <p>{t("home.company", { company: viewer.companyName })}</p> : ""}
        {props.queues.length > 0 ? <p>{t("home.queues", { queues: props.queues.join(", ") })}</p> : ""}
      </section>
      {props.steps ? (
        <section class="card" id="setup">
          <h2>{left ? t("home.setup_title", { left }) : t("home.setup_done")}</h2>
          <ol class="checklist">
            {props.steps.map((s) => (
              <li class={s.done ? "done" : undefined} data-step={s.key}>
                <span class="mark">{s.done ? <CheckIcon label={t.plain("home.step_done")} /> : ""}</span>
                <span>
                  <a href={s.href} class="step-title">
                    {t(STEP_TEXT[s.key].title)}
                  </a>
                  <br />
                  <small class="muted">{t(STEP_TEXT[s.key].help)}</small>
                </span>
              </li>
            ))}
          </ol>
        </section>
      ) : (
        <p class="muted">{t("home.next_steps")}</p>
      )}
    </Layout>
  );
}
