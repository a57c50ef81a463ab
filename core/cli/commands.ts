import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import type { AuditEntry } from "../audit/audit-repository.ts";
import type { AuditTrail } from "../audit/audit-trail.ts";
import type { ApiTokenService } from "../api/api-token-service.ts";
import type { BillingService } from "../billing/billing-service.ts";
import { formatMoney } from "../billing/money.ts";
import type { Scope } from "../auth/access.ts";
import { COMPANY_ROLES } from "../auth/roles.ts";
import { loadConfig } from "../config.ts";
import { migrate } from "../db/migrate.ts";
import { openDatabase } from "../db/database.ts";
import { backupBeforeMigrations, backupDatabase, backupFileName, restoreDatabase } from "../db/backup.ts";
import { pruneBackups } from "../backups/backup-files.ts";
import { restoreFromReplica } from "../backups/replica-restore.ts";
import { DataDirLock } from "../db/data-dir-lock.ts";
import { AppError } from "../errors.ts";
import { translator } from "../i18n/index.ts";
import { startRuntime, type Runtime } from "../runtime.ts";
import type { CompanyService } from "../tenancy/company-service.ts";
import { COUNTRIES } from "../tenancy/countries.ts";
import { T } from "../tokens.ts";
import type { UserService } from "../users/user-service.ts";
import { serve } from "./serve.ts";

export const USAGE = `charla — self-hosted omnichannel inbox

Usage: charla <command> [options]

Commands:
  serve [--demo]                                   start the web panel (default command)
  migrate                                          apply pending database migrations and exit
  company create --name N --slug S [--country CO]  create a company; prints its id
  admin create --username U --password P [--company SLUG] [--role admin|supervisor|agent] [--name NAME]
                                                   create a user (an operator when --company is absent)
  admin reset-password --username U                prints a new password
  token create --company SLUG --name N [--scope read|write]
                                                   prints an API token once
  recharge add --company SLUG --amount 230000 [--date 2026-10-25] [--method nequi] [--reference R] [--note N]
                                                   record a prepaid recharge; prints the new balance
  rate set --kind whatsapp.marketing|whatsapp.utility|whatsapp.authentication|whatsapp.service|whatsapp.default|ai.prompt_1k|ai.completion_1k|conversation
           --amount A [--country CO] [--model M] [--company SLUG] [--currency COP] [--free N]
                                                   set a price (major units; no --country: every country; --company: an override;
                                                   --free: WhatsApp messages free a month per number)
  backup [--out FILE]                              online copy of the database (default: into BACKUP_DIR)
  restore FILE | --from-replica [--timestamp T]    replace the database with a checked backup (server stopped);
                                                   FILE may be a name listed in BACKUP_DIR; --from-replica
                                                   pulls the newest state (or the one at T) from REPLICA_URL
  --help, <command> --help                         this help

Configuration comes from the environment (PORT, DATA_DIR, PUBLIC_URL, ...),
CHARLA_CONFIG (a TOML file) and config/default.toml.`;

type Out = { log(s: string): void; error(s: string): void };

/** Runs one CLI command; returns the process exit code. */
export async function runCli(argv: string[], out: Out = console): Promise<number> {
  const [cmd = "serve", ...rest] = argv;
  if (cmd === "--help" || cmd === "-h" || cmd === "help" || rest.includes("--help")) {
    out.log(USAGE);
    return 0;
  }
  try {
    switch (cmd) {
      case "serve":
        return await serve(flags(rest, { demo: { type: "boolean" } }).demo === true);
      case "migrate": {
        const config = loadConfig();
        const db = openDatabase(config.databasePath);
        const before = backupBeforeMigrations(db, config.databasePath, config.backupDir);
        if (before) out.log(`backup of the database before migrating: ${before}`);
        const applied = migrate(db);
        db.close();
        out.log(applied.length ? `applied migrations: ${applied.join(", ")}` : "database is up to date");
        return 0;
      }
      case "company":
        return await withRuntime((rt) => companyCommand(rt, rest, out));
      case "admin":
        return await withRuntime((rt) => adminCommand(rt, rest, out));
      case "token":
        return await withRuntime((rt) => tokenCommand(rt, rest, out));
      case "recharge":
        return await withRuntime((rt) => rechargeCommand(rt, rest, out));
      case "rate":
        return await withRuntime((rt) => rateCommand(rt, rest, out));
      case "backup":
        return backup(flags(rest, { out: { type: "string" } }).out as string | undefined, out);
      case "restore":
        return await restore(rest, out);
      default:
        out.error(`unknown command "${cmd}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    out.error(describe(e));
    return 1;
  }
}

async function withRuntime(fn: (rt: Runtime) => Promise<number>): Promise<number> {
  const rt = await startRuntime(loadConfig(), { plugins: false });
  try {
    return await fn(rt);
  } finally {
    rt.close();
  }
}

/** The shell is a way in like the panel: its changes are audited too, as the OS user who ran them. */
function audit(rt: Runtime, e: Omit<AuditEntry, "actorId" | "actorName" | "via">): void {
  let who = "cli";
  try {
    who = `cli · ${userInfo().username}`;
  } catch {
    // No passwd entry for this uid (some containers): "cli" alone.
  }
  rt.container.resolve<AuditTrail>(T.AuditTrail).record({ ...e, actorId: null, actorName: who, via: "cli" });
}

async function companyCommand(rt: Runtime, args: string[], out: Out): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "create") throw new UsageError(`unknown subcommand "company ${sub ?? ""}"`);
  const f = flags(rest, { name: { type: "string" }, slug: { type: "string" }, country: { type: "string" }, "time-zone": { type: "string" }, currency: { type: "string" } });
  const country = String(f.country ?? "CO").toUpperCase();
  const defaults = COUNTRIES.find((c) => c.code === country);
  const company = rt.container.resolve<CompanyService>(T.CompanyService).create({
    name: need(f, "name"),
    slug: need(f, "slug"),
    country,
    timeZone: String(f["time-zone"] ?? defaults?.timeZone ?? "UTC"),
    currency: String(f.currency ?? defaults?.currency ?? "USD"),
    active: true,
  });
  audit(rt, { companyId: null, action: "company.created", targetType: "company", targetId: company.id, details: { name: company.name, slug: company.slug } });
  out.log(String(company.id));
  return 0;
}

async function rechargeCommand(rt: Runtime, args: string[], out: Out): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "add") throw new UsageError(`unknown subcommand "recharge ${sub ?? ""}"`);
  const f = flags(rest, { company: { type: "string" }, amount: { type: "string" }, date: { type: "string" }, method: { type: "string" }, reference: { type: "string" }, note: { type: "string" } });
  const company = rt.container.resolve<CompanyService>(T.CompanyService).bySlug(need(f, "company"));
  const billing = rt.container.resolve<BillingService>(T.BillingService);
  billing.recharge({ companyId: company.id, amount: need(f, "amount"), date: String(f.date ?? ""), method: String(f.method ?? "other"), reference: String(f.reference ?? ""), note: String(f.note ?? "") }, "cli");
  audit(rt, { companyId: company.id, action: "recharge.created", targetType: "recharge", targetId: null, details: { amount: need(f, "amount"), method: String(f.method ?? "other") } });
  const b = billing.balance(company.id);
  out.log(`${b.balance} ${b.currency} (${formatMoney(b.balance, b.currency)})`);
  return 0;
}

async function rateCommand(rt: Runtime, args: string[], out: Out): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "set") throw new UsageError(`unknown subcommand "rate ${sub ?? ""}"`);
  const f = flags(rest, { kind: { type: "string" }, amount: { type: "string" }, country: { type: "string" }, model: { type: "string" }, company: { type: "string" }, currency: { type: "string" }, free: { type: "string" } });
  const company = f.company ? rt.container.resolve<CompanyService>(T.CompanyService).bySlug(String(f.company)) : null;
  const rate = rt.container.resolve<BillingService>(T.BillingService).setRate({
    kind: need(f, "kind"),
    amount: need(f, "amount"),
    country: String(f.country ?? ""),
    model: String(f.model ?? ""),
    companyId: company?.id ?? null,
    currency: String(f.currency ?? company?.currency ?? "COP"),
    freePerMonth: String(f.free ?? ""),
  });
  audit(rt, { companyId: company?.id ?? null, action: "rate.changed", targetType: "rate", targetId: null, details: { kind: rate.kind, amount: need(f, "amount"), country: rate.country, model: rate.model } });
  out.log(`${rate.kind}${rate.country ? ` ${rate.country}` : ""}${rate.model ? ` ${rate.model}` : ""}: ${rate.amount} ${rate.currency}${rate.freePerMonth ? `, ${rate.freePerMonth} free a month per number` : ""}${company ? ` (${company.slug})` : ""}`);
  return 0;
}

async function adminCommand(rt: Runtime, args: string[], out: Out): Promise<number> {
  const [sub, ...rest] = args;
  const users = rt.container.resolve<UserService>(T.UserService);
  if (sub === "reset-password") {
    const f = flags(rest, { username: { type: "string" } });
    out.log(await users.resetByUsername(need(f, "username")));
    audit(rt, { companyId: null, action: "user.password_reset", targetType: "user", targetId: null, details: { username: need(f, "username") } });
    return 0;
  }
  if (sub !== "create") throw new UsageError(`unknown subcommand "admin ${sub ?? ""}"`);
  const f = flags(rest, { username: { type: "string" }, password: { type: "string" }, company: { type: "string" }, role: { type: "string" }, name: { type: "string" } });
  const username = need(f, "username");
  const password = need(f, "password");
  if (!f.company) {
    const id = await users.createOperator(username, password);
    audit(rt, { companyId: null, action: "user.created", targetType: "user", targetId: id, details: { username, role: "operator" } });
    out.log(String(id));
    return 0;
  }
  const company = rt.container.resolve<CompanyService>(T.CompanyService).bySlug(String(f.company));
  const role = String(f.role ?? "admin");
  if (!(COMPANY_ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${COMPANY_ROLES.join(", ")}`);
  const scope: Scope = { companyId: company.id, userId: null, role: "admin" };
  const user = await users.create(scope, {
    username,
    name: String(f.name ?? username),
    password,
    passwordConfirm: password,
    role,
    extension: "",
    queueIds: [],
    language: "es",
  });
  audit(rt, { companyId: company.id, action: "user.created", targetType: "user", targetId: user.id, details: { username, role } });
  out.log(String(user.id));
  return 0;
}

async function tokenCommand(rt: Runtime, args: string[], out: Out): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "create") throw new UsageError(`unknown subcommand "token ${sub ?? ""}"`);
  const f = flags(rest, { company: { type: "string" }, name: { type: "string" }, scope: { type: "string" } });
  const company = rt.container.resolve<CompanyService>(T.CompanyService).bySlug(need(f, "company"));
  const { token, id } = rt.container
    .resolve<ApiTokenService>(T.ApiTokenService)
    .create(company.id, need(f, "name"), String(f.scope ?? "write"), null);
  audit(rt, { companyId: company.id, action: "token.created", targetType: "token", targetId: id, details: { name: need(f, "name"), scope: String(f.scope ?? "write") } });
  out.log(token);
  return 0;
}

/** A consistent online copy (see core/db/backup.ts) while the server keeps running. */
function backup(target: string | undefined, out: Out): number {
  const config = loadConfig();
  if (target) {
    backupDatabase(config.databasePath, target);
  } else {
    // Into BACKUP_DIR like the panel's button: listed there, downloadable, counted by BACKUP_KEEP.
    target = join(config.backupDir, backupFileName(Date.now(), "manual"));
    backupDatabase(config.databasePath, target);
    pruneBackups(config.backupDir, config.backupKeep);
  }
  out.log(target);
  return 0;
}

/**
 * Refused while a server uses the data directory (it would pull the file from
 * under it), and refused for a file that is not a healthy Charla database this
 * version can run. The database it replaces is kept in BACKUP_DIR first.
 */
async function restore(args: string[], out: Out): Promise<number> {
  let f;
  try {
    f = parseArgs({ args, options: { "from-replica": { type: "boolean" }, timestamp: { type: "string" } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const fromReplica = f.values["from-replica"] === true;
  const given = f.positionals[0];
  if (!fromReplica && !given) throw new UsageError("restore needs the backup FILE (or --from-replica)");
  if (fromReplica && given) throw new UsageError("restore takes either a FILE or --from-replica, not both");
  const config = loadConfig();
  const lock = DataDirLock.acquire(config.dataDir, "restore");
  let pulled: string | null = null;
  try {
    let file: string;
    if (fromReplica) {
      pulled = await restoreFromReplica(config, typeof f.values.timestamp === "string" ? f.values.timestamp : undefined);
      file = pulled;
    } else {
      // A bare name from the panel's list means the file in BACKUP_DIR.
      file = !existsSync(given!) && existsSync(join(config.backupDir, given!)) ? join(config.backupDir, given!) : given!;
    }
    const { safetyCopy, version } = restoreDatabase(config.databasePath, file, config.backupDir);
    out.log(`restored ${fromReplica ? config.replicaUrl : file} (schema ${version}) into ${config.databasePath}`);
    if (safetyCopy) out.log(`the database it replaced is kept in ${safetyCopy}`);
  } finally {
    if (pulled) for (const suffix of ["", "-wal", "-shm", ".tmp-wal", ".tmp-shm"]) rmSync(pulled + suffix, { force: true });
    lock.release();
  }
  return 0;
}

class UsageError extends Error {}

function flags(args: string[], options: NonNullable<Parameters<typeof parseArgs>[0]>["options"]) {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function need(f: Record<string, string | boolean | undefined>, name: string): string {
  const v = f[name];
  if (typeof v !== "string" || !v) throw new UsageError(`--${name} is required`);
  return v;
}

function describe(e: unknown): string {
  if (e instanceof AppError) {
    const t = translator("en");
    const fields = Object.entries(e.fields).map(([k, v]) => `  ${k}: ${t.fieldPlain(v)}`);
    return [`error: ${t.plain(e.key, e.params)}`, ...fields].join("\n");
  }
  if (e instanceof UsageError) return `error: ${e.message}\n(see charla --help)`;
  return `error: ${e instanceof Error ? e.message : String(e)}`;
}
