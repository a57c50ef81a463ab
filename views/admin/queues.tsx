import { STRATEGIES, type QueueInput, type QueueListItem } from "../../core/queues/queue.ts";
import type { Page } from "../../core/shared/paging.ts";
import type { PageContext } from "../context.ts";
import { CsrfField, FormSummary, SelectField, TextField, type FieldErrors } from "../components/fields.tsx";
import { Pager } from "../components/pager.tsx";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";

export function QueueListPage({ ctx, page }: { ctx: PageContext; page: Page<QueueListItem> }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("queue.title")}>
      <div class="page-head">
        <h1>{t("queue.title")}</h1>
        <a class="button primary" href="/admin/queues/new">
          {t("queue.new")}
        </a>
      </div>
      <Table
        t={t}
        id="queues"
        empty={t("queue.empty")}
        head={[t("queue.name"), t("queue.strategy"), t("queue.members"), t("common.actions")]}
        rows={page.items.map((q) => [
          <span safe>{q.name}</span>,
          t(`queue.strategy.${q.strategy}`),
          String(q.members),
          <span class="actions">
            <a href={`/admin/queues/${q.id}/edit`}>{t("common.edit")}</a>
            {/* A page, not a prompt: it says what the queue still holds and where its conversations go. */}
            <a href={`/admin/queues/${q.id}/delete`} class="danger-link">
              {t("common.delete")}
            </a>
          </span>,
        ])}
      />
      <Pager t={t} page={page.page} pages={page.pages} href={(p) => `/admin/queues?page=${p}`} />
    </Layout>
  );
}

export function QueueFormPage(props: { ctx: PageContext; id?: number; form: QueueInput; errors?: FieldErrors }): JSX.Element {
  const { ctx, errors } = props;
  const { t } = ctx;
  const title = props.id ? t.plain("queue.edit") : t.plain("queue.new");
  return (
    <Layout ctx={ctx} title={title}>
      <section class="card narrow">
        <h1 safe>{title}</h1>
        <FormSummary t={t} errors={errors} />
        <form method="post" action={props.id ? `/admin/queues/${props.id}` : "/admin/queues"} id="queue-form">
          <CsrfField csrf={ctx.csrf} />
          <TextField t={t} name="name" label="queue.name" value={props.form.name} errors={errors} required autofocus maxlength={60} />
          <SelectField
            t={t}
            name="strategy"
            label="queue.strategy"
            value={props.form.strategy}
            errors={errors}
            help="queue.strategy_help"
            options={STRATEGIES.map((s) => ({ value: s, label: t.plain(`queue.strategy.${s}`) }))}
          />
          <TextField
            t={t}
            name="maxPerAgent"
            label="queue.max_per_agent"
            type="number"
            value={String(props.form.maxPerAgent)}
            errors={errors}
            help="queue.max_per_agent_help"
          />
          <div class="form-actions">
            <button type="submit" class="primary">
              {t("common.save")}
            </button>
            <a href="/admin/queues">{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}

export function QueueDeletePage(props: {
  ctx: PageContext;
  queue: { id: number; name: string };
  usage: { members: number; openConversations: number };
  others: { id: number; name: string }[];
}): JSX.Element {
  const { ctx, queue, usage } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("queue.delete_title", { name: queue.name })}>
      <section class="card narrow" id="queue-delete">
        <h1>{t("queue.delete_title", { name: queue.name })}</h1>
        <p>{t("queue.delete_usage", { members: usage.members, open: usage.openConversations })}</p>
        {usage.members ? <p class="muted">{t("queue.delete_members")}</p> : ""}
        <form method="post" action={`/admin/queues/${queue.id}/delete`}>
          <CsrfField csrf={ctx.csrf} />
          {usage.openConversations ? (
            <fieldset class="field">
              <legend class="label">{t("queue.delete_move")}</legend>
              <label class="check">
                <input type="radio" name="moveTo" value="" checked />
                <span>{t("queue.delete_leave")}</span>
              </label>
              {props.others.map((o) => (
                <label class="check">
                  <input type="radio" name="moveTo" value={String(o.id)} />
                  <span>{t("queue.delete_move_to", { name: o.name })}</span>
                </label>
              ))}
            </fieldset>
          ) : (
            ""
          )}
          <div class="form-actions">
            <button type="submit" class="danger">
              {t("queue.delete_confirm")}
            </button>
            <a href="/admin/queues">{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}
