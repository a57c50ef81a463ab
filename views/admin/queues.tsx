import { STRATEGIES, type QueueInput, type QueueListItem } from "../../core/queues/queue.ts";
import type { Page } from "../../core/shared/paging.ts";
import type { PageContext } from "../context.ts";
import { ActionButton, CsrfField, FormSummary, SelectField, TextField, type FieldErrors } from "../components/fields.tsx";
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
        head={[t("queue.name"), t("queue.strategy"), t("queue.members"), t("common.actions")]}
        rows={page.items.map((q) => [
          <span safe>{q.name}</span>,
          t(`queue.strategy.${q.strategy}`),
          String(q.members),
          <span class="actions">
            <a href={`/admin/queues/${q.id}/edit`}>{t("common.edit")}</a>
            <ActionButton
              csrf={ctx.csrf}
              action={`/admin/queues/${q.id}/delete`}
              label={t("common.delete")}
              confirm={t.plain("common.confirm_delete", { name: q.name })}
              danger
            />
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
