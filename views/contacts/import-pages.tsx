import type { ContactField } from "../../core/contacts/contact.ts";
import type { ImportJob } from "../../core/contacts/import-job-repository.ts";
import type { ImportPreview } from "../../core/contacts/import-service.ts";
import type { Translate } from "../../core/i18n/index.ts";
import type { PageContext } from "../context.ts";
import { CsrfField, FormSummary, type FieldErrors } from "../components/fields.tsx";
import { Layout } from "../layout.tsx";

function DuplicatesChoice(props: { t: Translate; value: "merge" | "skip" }): JSX.Element {
  const { t } = props;
  return (
    <fieldset class="field">
      <legend class="label">{t("import.duplicates")}</legend>
      <label class="check">
        <input type="radio" name="duplicates" value="merge" checked={props.value === "merge"} />
        <span>{t("import.duplicates_merge")}</span>
      </label>
      <label class="check">
        <input type="radio" name="duplicates" value="skip" checked={props.value === "skip"} />
        <span>{t("import.duplicates_skip")}</span>
      </label>
    </fieldset>
  );
}

export function ImportUploadPage(props: { ctx: PageContext; errors?: FieldErrors; country: string }): JSX.Element {
  const { ctx, errors } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("import.title")}>
      <p class="crumbs">
        <a href="/contacts">{t("contact.title")}</a>
      </p>
      <section class="card narrow">
        <h1>{t("import.title")}</h1>
        <p>{t("import.intro")}</p>
        <ul class="help">
          <li>{t("import.hint_columns")}</li>
          <li>{t("import.hint_format")}</li>
          <li>{t("import.hint_country", { country: props.country })}</li>
        </ul>
        <FormSummary t={t} errors={errors} />
        <form method="post" action="/contacts/import" enctype="multipart/form-data" id="import-form">
          <CsrfField csrf={ctx.csrf} />
          <label class={errors?.file ? "field invalid" : "field"}>
            <span class="label">{t("import.file")}</span>
            <input type="file" name="file" accept=".csv,text/csv" required />
            {errors?.file ? <span class="field-error">{t.field(errors.file)}</span> : ""}
          </label>
          <div class="form-actions">
            <button type="submit" class="primary">
              {t("import.preview")}
            </button>
            <a href="/contacts">{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}

/** Columns as guessed, each changeable; then a dry run or the real thing. */
export function ImportPreviewPage(props: { ctx: PageContext; token: string; fileName: string; preview: ImportPreview; template: ContactField[]; duplicates: "merge" | "skip" }): JSX.Element {
  const { ctx, preview } = props;
  const { t } = ctx;
  const targets: { value: string; label: string }[] = [
    { value: "", label: t.plain("import.ignore") },
    { value: "name", label: t.plain("contact.name") },
    { value: "phone", label: t.plain("contact.phone") },
    { value: "email", label: t.plain("contact.email") },
    { value: "tags", label: t.plain("contact.tags") },
    ...props.template.map((f) => ({ value: `field:${f.key}`, label: f.label })),
  ];
  return (
    <Layout ctx={ctx} title={t.plain("import.title")}>
      <p class="crumbs">
        <a href="/contacts">{t("contact.title")}</a> › <a href="/contacts/import">{t("import.title")}</a>
      </p>
      <section class="card" id="import-preview">
        <h1>{t("import.preview_title")}</h1>
        <p class="muted">
          <span safe>{props.fileName}</span> · {t("import.rows", { count: preview.rows.toLocaleString(t.lang) })} ·{" "}
          {t("import.separator", { sep: preview.delimiter === ";" ? ";" : preview.delimiter === "\t" ? "TAB" : "," })} · {preview.encoding === "utf-8" ? "UTF-8" : "Latin-1 (Windows-1252)"}
        </p>
        <form method="post" action={`/contacts/import/${props.token}/run`}>
          <CsrfField csrf={ctx.csrf} />
          <div class="table-wrap">
            <table class="grid import-map">
              <thead>
                <tr>
                  {preview.headers.map((h, i) => (
                    <th>
                      <span safe>{h || `#${i + 1}`}</span>
                      <select name={`map.${i}`} aria-label={t.plain("import.column_target", { column: h || String(i + 1) })}>
                        {targets.map((o) => (
                          <option value={o.value} selected={o.value === preview.mapping[i]} safe>
                            {o.label}
                          </option>
                        ))}
                      </select>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.sample.map((row) => (
                  <tr>
                    {preview.headers.map((_, i) => (
                      <td safe>{row[i] ?? ""}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <DuplicatesChoice t={t} value={props.duplicates} />
          <div class="form-actions">
            <button type="submit" name="dryRun" value="1" id="dry-run">
              {t("import.dry_run")}
            </button>
            <button type="submit" name="dryRun" value="0" class="primary" id="run-import">
              {t("import.run")}
            </button>
            <a href="/contacts/import">{t("common.cancel")}</a>
          </div>
          <p class="help">{t("import.dry_run_help")}</p>
        </form>
      </section>
    </Layout>
  );
}

/** The job: a live bar while it runs (the fragment polls itself), the report when it is done. */
export function ImportJobPage(props: { ctx: PageContext; job: ImportJob; token: string | null; mapping: string }): JSX.Element {
  const { ctx, job } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain(job.dryRun ? "import.dry_title" : "import.job_title")}>
      <p class="crumbs">
        <a href="/contacts">{t("contact.title")}</a> › <a href="/contacts/import">{t("import.title")}</a>
      </p>
      <section class="card">
        <h1>{t(job.dryRun ? "import.dry_title" : "import.job_title")}</h1>
        <ImportProgress t={t} job={job} csrf={ctx.csrf} token={props.token} mapping={props.mapping} />
      </section>
    </Layout>
  );
}

export function ImportProgress(props: { t: Translate; job: ImportJob; csrf: string; token: string | null; mapping: string }): JSX.Element {
  const { t, job } = props;
  const running = job.status === "running";
  const total = Math.max(job.total, job.processed);
  const attrs = running ? { "hx-get": `/contacts/imports/${job.id}/progress${props.token ? `?upload=${props.token}&${props.mapping}` : ""}`, "hx-trigger": "every 500ms", "hx-swap": "outerHTML" } : {};
  return (
    <div id="import-progress" class={`import-progress ${job.status}`} {...attrs} aria-live="polite">
      <progress max={String(total || 1)} value={String(job.processed)} aria-label={t.plain("import.progress")}></progress>
      <p>
        {running
          ? t("import.processing", { processed: job.processed.toLocaleString(t.lang), total: total.toLocaleString(t.lang) })
          : job.status === "failed"
            ? t("import.failed", { reason: t.plain(failureKey(job.failure)) })
            : t(job.dryRun ? "import.dry_done" : "import.done")}
      </p>
      <ul class="import-counts" id="import-counts">
        <li>
          {t(job.dryRun ? "import.would_create" : "import.created")}: <strong safe>{job.created.toLocaleString(t.lang)}</strong>
        </li>
        <li>
          {t(job.dryRun ? "import.would_update" : "import.updated")}: <strong safe>{job.updated.toLocaleString(t.lang)}</strong>
        </li>
        <li>
          {t("import.skipped")}: <strong safe>{job.skipped.toLocaleString(t.lang)}</strong>
        </li>
      </ul>
      {!running && job.errors.length ? (
        <>
          <h2>{t("import.errors", { count: job.errors.length })}</h2>
          <div class="table-wrap">
            <table class="grid" id="import-errors">
              <thead>
                <tr>
                  <th>{t("import.row")}</th>
                  <th>{t("import.column")}</th>
                  <th>{t("import.reason")}</th>
                </tr>
              </thead>
              <tbody>
                {job.errors.map((e) => (
                  <tr>
                    <td safe>{String(e.row)}</td>
                    <td safe>{e.column ?? ""}</td>
                    <td>{t.field(e.reason as never)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : (
        ""
      )}
      {!running && job.dryRun && job.status === "done" && props.token ? (
        <form method="post" action={`/contacts/import/${props.token}/run`} class="form-actions">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="dryRun" value="0" />
          <input type="hidden" name="duplicates" value={job.duplicates} />
          {Array.from(new URLSearchParams(props.mapping).entries(), ([k, v]) => <input type="hidden" name={k} value={v} />)}
          <button type="submit" class="primary" id="run-after-dry">
            {t("import.run_now", { count: (job.created + job.updated).toLocaleString(t.lang) })}
          </button>
        </form>
      ) : (
        ""
      )}
      {!running ? (
        <p>
          <a href="/contacts">{t("import.back_to_contacts")}</a>
        </p>
      ) : (
        ""
      )}
    </div>
  );
}

function failureKey(failure: string | null) {
  if (failure === "interrupted") return "import.error.interrupted" as const;
  if (failure === "no_columns") return "import.error.no_columns" as const;
  return "import.error.failed" as const;
}
