import type { Translate, MessageKey } from "../../core/i18n/index.ts";
import { CheckIcon } from "../components/icons.tsx";

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

/** A new company's first steps, at the top of the dashboard until they are all done; each ticks itself. */
export function SetupChecklist(props: { t: Translate; steps: SetupStep[] }): JSX.Element {
  const { t } = props;
  const left = props.steps.filter((s) => !s.done).length;
  return (
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
  );
}
