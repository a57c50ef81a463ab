import type { PropsWithChildren } from "@kitajs/html";
import type { BackupFile } from "../../core/backups/backup-files.ts";
import type { BackupStatus } from "../../core/backups/backup-service.ts";
import type { ReplicationStatus } from "../../core/backups/replication-supervisor.ts";
import type { Translate } from "../../core/i18n/index.ts";
import type { PageContext } from "../context.ts";
import { CsrfField } from "../components/fields.tsx";
import { formatDuration } from "../dashboard/format.ts";
import { Layout } from "../layout.tsx";

export interface BackupsData {
  backups: BackupStatus;
  replication: ReplicationStatus;
  now: number;
  /** Times are shown in this zone (the selected company's, else UTC), named next to each. */
  timeZone: string;
}

/** The operator's "Copias de seguridad": the last backup, the list to download, the schedule, replication. */
export function BackupsPage({ ctx, data }: { ctx: PageContext; data: BackupsData }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("backup.title")}>
      <div class="page-head">
        <h1>{t("backup.title")}</h1>
        <form method="post" action="/admin/backups" id="backup-now" class="inline">
          <CsrfField csrf={ctx.csrf} />
          <button type="submit" class="primary">
            {t("backup.run_now")}
          </button>
        </form>
      </div>
      <p class="muted">{t("backup.intro")}</p>
      <BackupLive t={t} data={data} />
      <Replication t={t} data={data} />
      <section class="card">
        <h2>{t("backup.restore_title")}</h2>
        <p>{t("backup.restore_help")}</p>
        <p class="muted">{t("backup.secret_help")}</p>
      </section>
    </Layout>
  );
}

/**
 * The last backup and the list. While a backup runs, this block asks for itself
 * again every 2 s (GET /admin/backups/live) and stops once the answer no longer
 * carries the trigger, i.e. when the backup is done and listed.
 */
export function BackupLive({ t, data }: { t: Translate; data: BackupsData }): JSX.Element {
  const { backups } = data;
  const time = timeFormat(t, data.timeZone);
  const last = backups.last;
  return (
    <div
      id="backup-live"
      hx-get={backups.running ? "/admin/backups/live" : undefined}
      hx-trigger={backups.running ? "every 2s" : undefined}
      hx-swap={backups.running ? "outerHTML" : undefined}
    >
      <section class="card" id="backup-status">
        <h2>{t("backup.last")}</h2>
        {backups.running ? (
          <p class="banner info" role="status" id="backup-running">
            <span safe>{t.plain("backup.running", { time: time(backups.running.since) })}</span>
          </p>
        ) : (
          ""
        )}
        {backups.failure ? (
          <p class="banner attention" role="alert" id="backup-failed">
            <span safe>{t.plain("backup.failed", { time: time(backups.failure.at), message: backups.failure.message })}</span>
          </p>
        ) : (
          ""
        )}
        <dl class="field-list">
          {last ? (
            <>
              <Row label={t("backup.taken_at")}>
                <span id="last-backup-time" safe>
                  {time(last.takenAt)}
                </span>
              </Row>
              <Row label={t("backup.size")}>
                <span id="last-backup-size" safe>
                  {formatBytes(last.size, t.lang)}
                </span>
              </Row>
              <Row label={t("backup.age")}>
                <span id="last-backup-age" safe>
                  {t.plain("backup.ago", { age: formatDuration(Math.max(0, (data.now - last.takenAt) / 1000)) })}
                </span>
              </Row>
            </>
          ) : (
            <div class="field-row">
              <dd id="no-backups">{t("backup.none")}</dd>
            </div>
          )}
          <Row label={t("backup.schedule")}>
            {backups.schedule ? (
              <span safe>{t.plain("backup.schedule_value", { pattern: backups.schedule, next: backups.nextRunAt ? time(backups.nextRunAt) : "—" })}</span>
            ) : (
              t("backup.schedule_off")
            )}
          </Row>
          <Row label={t("backup.keep")}>{t("backup.keep_value", { count: backups.keep })}</Row>
          <Row label={t("backup.dir")}>
            <code safe>{backups.dir}</code>
          </Row>
        </dl>
      </section>
      <section class="card">
        <h2>{t("backup.list")}</h2>
        {/* A list rather than a table: it reads the same on a phone, the button always in view. */}
        {backups.backups.length === 0 ? (
          <p class="muted" id="backup-list-empty">
            {t("backup.none")}
          </p>
        ) : (
          <ul class="backup-items" id="backup-list">
            {backups.backups.map((b: BackupFile) => (
              <li>
                <div class="backup-info">
                  <strong safe>{time(b.takenAt)}</strong> <span class="badge muted">{t(`backup.kind.${b.kind}`)}</span> <span class="nowrap" safe>{formatBytes(b.size, t.lang)}</span>
                  {/* The name `charla restore` takes. */}
                  <code class="filename" title={t.plain("backup.file")} safe>
                    {b.name}
                  </code>
                </div>
                {/* A file, not a page: the browser downloads it (htmx must not fetch it). */}
                <a href={`/admin/backups/${encodeURIComponent(b.name)}`} download={b.name} hx-boost="false" class="button">
                  {t("backup.download")}
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function Replication({ t, data }: { t: Translate; data: BackupsData }): JSX.Element {
  const r = data.replication;
  const time = timeFormat(t, data.timeZone);
  return (
    <section class="card" id="replication">
      <h2>{t("backup.replica.title")}</h2>
      {r.state === "off" ? (
        <p class="muted">{t("backup.replica.off")}</p>
      ) : (
        <dl class="field-list">
          <Row label={t("backup.replica.state")}>
            <span class={`badge ${r.state === "running" ? "" : "needs_attention"}`} id="replica-state">
              {t(`backup.replica.state.${r.state}`)}
            </span>
          </Row>
          <Row label={t("backup.replica.url")}>
            <code safe>{r.url}</code>
          </Row>
          <Row label={t("backup.replica.last_sync")}>
            <span safe>{r.lastSyncAt ? `${time(r.lastSyncAt)} (${t.plain("backup.ago", { age: formatDuration(Math.max(0, (data.now - r.lastSyncAt) / 1000)) })})` : t.plain("backup.replica.never")}</span>
          </Row>
          {r.pid !== null && r.since !== null ? (
            <Row label={t("backup.replica.process")}>
              <span safe>{t.plain("backup.replica.process_value", { version: r.version ?? "?", pid: r.pid, since: time(r.since) })}</span>
            </Row>
          ) : (
            ""
          )}
          <Row label={t("backup.replica.restarts")}>
            <span safe>{String(r.restarts)}</span>
          </Row>
          {r.lastError ? (
            <Row label={t("backup.replica.last_error")}>
              <span safe>{`${time(r.lastError.at)}: ${r.lastError.message}`}</span>
            </Row>
          ) : (
            ""
          )}
        </dl>
      )}
    </section>
  );
}

function Row({ label, children }: PropsWithChildren<{ label: JSX.Element }>): JSX.Element {
  return (
    <div class="field-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function timeFormat(t: Translate, timeZone: string): (ms: number) => string {
  const fmt = new Intl.DateTimeFormat(t.lang === "en" ? "en-US" : "es-CO", { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone, timeZoneName: "short" });
  return (ms) => fmt.format(ms);
}

/** 593.9 kB, 1.2 GB: decimal units, as disks and downloads are labelled. */
export function formatBytes(bytes: number, lang: string): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(lang === "en" ? "en-US" : "es-CO", { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value)} ${units[unit]}`;
}
