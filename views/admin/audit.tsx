import type { AuditLine } from "../../core/audit/audit-repository.ts";
import type { AuditQuery } from "../../core/audit/audit-service.ts";
import type { MessageKey, Translate } from "../../core/i18n/index.ts";
import { dateTimeFormatter } from "../../core/shared/time-format.ts";
import type { PageContext } from "../context.ts";
import { FormSummary, TextField, type FieldErrors } from "../components/fields.tsx";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";

export interface AuditPageData {
  lines: AuditLine[];
  /** The cursor of the next (older) page; null on the last one. */
  next: number | null;
  /** This page's cursor (0: the newest lines). */
  cursor: number;
  query: AuditQuery;
  /** The operator's company filter ("" = every company). */
  company: string | null;
  companies: { id: number; name: string }[] | null;
  actions: string[];
  timeZone: string;
  errors?: FieldErrors;
}

/** "Auditoría": newest first, filtered by action, person, days and (for the operator) company. */
export function AuditPage({ ctx, data }: { ctx: PageContext; data: AuditPageData }): JSX.Element {
  const { t } = ctx;
  const when = dateTimeFormatter(t.lang, data.timeZone);
  const all = data.companies !== null && !data.company;
  const qs = filterQuery(data);
  return (
    <Layout ctx={ctx} title={t.plain("audit.title")}>
      <div class="page-head">
        <h1>{t("audit.title")}</h1>
      </div>
      <p class="help">
        {t("audit.intro")} {all ? t("audit.intro_all") : ""}
      </p>
      <FormSummary t={t} errors={data.errors} />
      <form method="get" action="/admin/audit" class="row card audit-filters" id="audit-filters" novalidate>
        {data.companies ? (
          <label class="field">
            <span class="label">{t("audit.filter_company")}</span>
            <select name="company">
              <option value="">{t("audit.all_companies")}</option>
              {data.companies.map((c) => (
                <option value={String(c.id)} selected={data.company === String(c.id)} safe>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          ""
        )}
        <label class={data.errors?.action ? "field invalid" : "field"}>
          <span class="label">{t("audit.filter_action")}</span>
          <select name="action">
            <option value="">{t("audit.all_actions")}</option>
            {kindsOf(data.actions).map(([kind, actions]) => (
              <optgroup label={kindLabel(t, kind)}>
                <option value={kind} selected={data.query.action === kind} safe>
                  {t.plain("audit.all_of_kind", { kind: kindLabel(t, kind) })}
                </option>
                {actions.map((a) => (
                  <option value={a} selected={data.query.action === a} safe>
                    {actionLabel(t, a)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <TextField t={t} name="actor" label="audit.filter_actor" value={data.query.actor ?? ""} errors={data.errors} maxlength={100} />
        <TextField t={t} name="from" label="audit.filter_from" type="date" value={data.query.from ?? ""} errors={data.errors} />
        <TextField t={t} name="to" label="audit.filter_to" type="date" value={data.query.to ?? ""} errors={data.errors} />
        <div class="actions">
          <button type="submit">{t("audit.apply")}</button>
          {qs ? <a href="/admin/audit">{t("audit.clear")}</a> : ""}
        </div>
      </form>
      <Table
        t={t}
        id="audit-log"
        empty={t("audit.empty")}
        head={[t("audit.when"), t("audit.who"), t("audit.what"), t("audit.target"), t("audit.details"), t("audit.where"), ...(all ? [t("audit.company")] : [])]}
        rows={data.lines.map((l) => [
          <time datetime={new Date(l.createdAt).toISOString()} safe>
            {when(l.createdAt)}
          </time>,
          <span>
            <span safe>{l.actorName}</span>
            {l.via ? (
              <>
                {" "}
                <span class="badge">{t(`audit.via.${l.via}` as MessageKey)}</span>
              </>
            ) : (
              ""
            )}
          </span>,
          <span class="audit-action" data-action={l.action} safe>
            {actionLabel(t, l.action)}
          </span>,
          <span safe>{targetLabel(t, l.targetType, l.targetId)}</span>,
          <span class="audit-details" safe>
            {detailsText(l.details)}
          </span>,
          <span>
            <code safe>{l.ip ?? "—"}</code>
            {l.requestId ? <span class="help request-id" title={t.plain("audit.request", { id: l.requestId })} safe>{` ${l.requestId}`}</span> : ""}
          </span>,
          ...(all ? [<span safe>{l.companyName ?? (l.companyId === null ? t.plain("audit.platform") : `#${l.companyId}`)}</span>] : []),
        ])}
      />
      <nav class="pager" aria-label={t.plain("audit.title")}>
        {data.cursor > 0 ? (
          <a href={`/admin/audit${qs ? `?${qs}` : ""}`} rel="first">
            {t("audit.newest")}
          </a>
        ) : (
          <span class="disabled">{t("audit.newest")}</span>
        )}
        {data.next !== null ? (
          <a href={`/admin/audit?${qs ? `${qs}&` : ""}before=${data.next}`} rel="next" id="audit-older">
            {t("audit.older")}
          </a>
        ) : (
          <span class="disabled">{t("audit.older")}</span>
        )}
      </nav>
    </Layout>
  );
}

/** The filters as a query string (kept by the pager's links). */
function filterQuery(data: AuditPageData): string {
  const q = new URLSearchParams();
  if (data.company) q.set("company", data.company);
  for (const k of ["action", "actor", "from", "to"] as const) if (data.query[k]) q.set(k, data.query[k]!);
  return q.toString();
}

function kindsOf(actions: string[]): [string, string[]][] {
  const kinds = new Map<string, string[]>();
  for (const a of actions) {
    const kind = a.split(".")[0]!;
    kinds.set(kind, [...(kinds.get(kind) ?? []), a]);
  }
  return [...kinds];
}

/** A label from the dictionary, or the raw name for an action this version has no words for. */
function known(t: Translate, key: string, fallback: string): string {
  const text = t.plain(key as MessageKey);
  return text === key ? fallback : text;
}

export function actionLabel(t: Translate, action: string): string {
  return known(t, `audit.action.${action}`, action);
}

function kindLabel(t: Translate, kind: string): string {
  return known(t, `audit.kind.${kind}`, kind);
}

function targetLabel(t: Translate, type: string, id: number | null): string {
  const name = known(t, `audit.target.${type}`, type);
  return id === null ? name : `${name} #${id}`;
}

/** `{"name":"ventas","strategy":"round_robin"}` as "name: ventas · strategy: round_robin". */
function detailsText(raw: string | null): string {
  if (!raw) return "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return raw;
  }
  if (!parsed || typeof parsed !== "object") return String(parsed);
  return Object.entries(parsed as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(" · ");
}
