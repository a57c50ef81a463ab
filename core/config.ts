import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Cron } from "croner";
import defaults from "../config/default.toml";

export type LogLevel = "debug" | "info" | "warn" | "error";

/** Typed, validated configuration. Built once at start; see config/default.toml. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Absolute path of the one database file. */
  databasePath: string;
  publicUrl: string;
  /** Empty when the key must come from DATA_DIR/secret.key. */
  secret: string;
  adminPassword: string;
  metaGraphUrl: string;
  metaGraphVersion: string;
  openaiBaseUrl: string;
  openaiApiKey: string;
  logLevel: LogLevel;
  pluginsDir: string;
  trustProxy: boolean;
  sessionIdleHours: number;
  loginMaxFailures: number;
  loginWindowMinutes: number;
  /** How long a send cut off mid-request waits for the provider to confirm it before going out again. */
  sendConfirmGraceMs: number;
  /** Outbound webhooks may target localhost and private networks (one business's own server; never on a shared platform). */
  webhooksAllowPrivate: boolean;
  /** True when PUBLIC_URL is https: session cookies get the Secure flag. */
  secureCookies: boolean;
  /** Bearer token that /metrics asks for; empty: /metrics is off (404). */
  metricsToken: string;
  /** How long SIGTERM waits for requests and sends in flight before closing anyway. */
  shutdownGraceMs: number;
  /** Croner pattern of the automatic backups; empty: none. */
  backupSchedule: string;
  /** How many backup files BACKUP_DIR keeps (the oldest go first). */
  backupKeep: number;
  /** Absolute path of the backups folder (DATA_DIR/backups unless set). */
  backupDir: string;
  /** Litestream replica (`file:///path` or `s3://bucket/path`); empty: no replication. */
  replicaUrl: string;
  /** Endpoint of an S3-compatible service (MinIO, Backblaze B2, Cloudflare R2); empty: AWS. */
  replicaS3Endpoint: string;
  /** The litestream executable; empty: found next to the binary, in node_modules or on PATH. */
  litestreamPath: string;
}

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`Invalid configuration: ${key} ${message}`);
    this.name = "ConfigError";
  }
}

type Raw = Record<string, unknown>;
type Source = { values: Raw; name: string };

const KEYS = [
  "PORT", "HOST", "DATA_DIR", "PUBLIC_URL", "CHARLA_SECRET", "ADMIN_PASSWORD",
  "META_GRAPH_URL", "META_GRAPH_VERSION", "OPENAI_BASE_URL", "OPENAI_API_KEY",
  "LOG_LEVEL", "PLUGINS_DIR", "TRUST_PROXY", "SESSION_IDLE_HOURS", "LOGIN_MAX_FAILURES", "LOGIN_WINDOW_MINUTES",
  "SEND_CONFIRM_GRACE_SECONDS", "WEBHOOKS_ALLOW_PRIVATE", "METRICS_TOKEN", "SHUTDOWN_GRACE_SECONDS",
  "BACKUP_SCHEDULE", "BACKUP_KEEP", "BACKUP_DIR", "REPLICA_URL", "REPLICA_S3_ENDPOINT", "LITESTREAM_PATH",
] as const;
type Key = (typeof KEYS)[number];

/** env > CHARLA_CONFIG file > config/default.toml, validated with a message naming the bad key. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const sources: Source[] = [{ values: defaults as Raw, name: "config/default.toml" }];
  const extra = env.CHARLA_CONFIG;
  if (extra) {
    if (!existsSync(extra)) throw new ConfigError("CHARLA_CONFIG", `points to a missing file: ${extra}`);
    let parsed: Raw;
    try {
      parsed = Bun.TOML.parse(readFileSync(extra, "utf8")) as Raw;
    } catch (e) {
      throw new ConfigError("CHARLA_CONFIG", `is not valid TOML (${extra}): ${(e as Error).message}`);
    }
    for (const k of Object.keys(parsed)) {
      if (!(KEYS as readonly string[]).includes(k)) throw new ConfigError(k, `is not a known key (in ${extra})`);
    }
    sources.push({ values: parsed, name: extra });
  }
  const envValues: Raw = {};
  for (const k of KEYS) if (env[k] !== undefined && env[k] !== "") envValues[k] = env[k];
  sources.push({ values: envValues, name: "environment" });

  const pick = (k: Key): { value: unknown; from: string } => {
    for (let i = sources.length - 1; i >= 0; i--) {
      const s = sources[i]!;
      if (s.values[k] !== undefined) return { value: s.values[k], from: s.name };
    }
    return { value: undefined, from: "nowhere" };
  };
  const str = (k: Key): string => {
    const { value } = pick(k);
    return value === undefined ? "" : String(value);
  };
  const int = (k: Key, min: number, max: number): number => {
    const { value, from } = pick(k);
    const n = typeof value === "number" ? value : Number(String(value).trim());
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(k, `must be an integer between ${min} and ${max} (got ${JSON.stringify(value)} from ${from})`);
    }
    return n;
  };
  const flag = (k: Key): boolean => {
    const { value, from } = pick(k);
    const v = String(value).trim().toLowerCase();
    if (["true", "1", "yes"].includes(v)) return true;
    if (["false", "0", "no", "", "undefined"].includes(v)) return false;
    throw new ConfigError(k, `must be true or false (got ${JSON.stringify(value)} from ${from})`);
  };
  const url = (k: Key, value: string): string => {
    try {
      const u = new URL(value);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("scheme");
      return value.replace(/\/+$/, "");
    } catch {
      throw new ConfigError(k, `must be an http(s) URL (got ${JSON.stringify(value)} from ${pick(k).from})`);
    }
  };

  const port = int("PORT", 1, 65535);
  const logLevel = str("LOG_LEVEL") as LogLevel;
  if (!["debug", "info", "warn", "error"].includes(logLevel)) {
    throw new ConfigError("LOG_LEVEL", `must be one of debug, info, warn, error (got ${JSON.stringify(logLevel)} from ${pick("LOG_LEVEL").from})`);
  }
  const graphVersion = str("META_GRAPH_VERSION");
  if (!/^v\d+\.\d+$/.test(graphVersion)) {
    throw new ConfigError("META_GRAPH_VERSION", `must look like v24.0 (got ${JSON.stringify(graphVersion)} from ${pick("META_GRAPH_VERSION").from})`);
  }
  const secret = str("CHARLA_SECRET");
  if (secret && secret.length < 32) {
    throw new ConfigError("CHARLA_SECRET", `must be at least 32 characters long (from ${pick("CHARLA_SECRET").from})`);
  }
  const metricsToken = str("METRICS_TOKEN");
  // A scraper's secret, compared in constant time; short ones are guessable.
  if (metricsToken && !/^[\x21-\x7e]{16,200}$/.test(metricsToken)) {
    throw new ConfigError("METRICS_TOKEN", `must be 16 to 200 printable characters without spaces (from ${pick("METRICS_TOKEN").from})`);
  }
  const dataDir = resolve(str("DATA_DIR") || "./data");
  const publicUrl = url("PUBLIC_URL", str("PUBLIC_URL") || `http://localhost:${port}`);
  const backupSchedule = str("BACKUP_SCHEDULE").trim();
  if (backupSchedule && backupSchedule !== "off") {
    try {
      new Cron(backupSchedule, { paused: true }).stop();
    } catch (e) {
      throw new ConfigError("BACKUP_SCHEDULE", `must be a cron pattern such as "0 3 * * *", or "off" (got ${JSON.stringify(backupSchedule)} from ${pick("BACKUP_SCHEDULE").from}: ${(e as Error).message})`);
    }
  }
  const replicaUrl = str("REPLICA_URL").trim();
  // Only the replica kinds the restore drill covers (file) and the contract names (s3).
  if (replicaUrl && !/^file:\/\/\/\S+$/.test(replicaUrl) && !/^s3:\/\/[^/\s]+(\/\S*)?$/.test(replicaUrl)) {
    throw new ConfigError("REPLICA_URL", `must be file:///absolute/path or s3://bucket/path (got ${JSON.stringify(replicaUrl)} from ${pick("REPLICA_URL").from})`);
  }
  const replicaS3Endpoint = str("REPLICA_S3_ENDPOINT").trim();
  if (replicaS3Endpoint) url("REPLICA_S3_ENDPOINT", replicaS3Endpoint);
  return {
    port,
    host: str("HOST") || "0.0.0.0",
    dataDir,
    databasePath: join(dataDir, "charla.db"),
    publicUrl,
    secret,
    adminPassword: str("ADMIN_PASSWORD"),
    metaGraphUrl: url("META_GRAPH_URL", str("META_GRAPH_URL")),
    metaGraphVersion: graphVersion,
    openaiBaseUrl: url("OPENAI_BASE_URL", str("OPENAI_BASE_URL")),
    openaiApiKey: str("OPENAI_API_KEY"),
    logLevel,
    pluginsDir: resolve(str("PLUGINS_DIR") || defaultPluginsDir(dataDir)),
    trustProxy: flag("TRUST_PROXY"),
    sessionIdleHours: int("SESSION_IDLE_HOURS", 1, 24 * 90),
    loginMaxFailures: int("LOGIN_MAX_FAILURES", 1, 1000),
    loginWindowMinutes: int("LOGIN_WINDOW_MINUTES", 1, 24 * 60),
    sendConfirmGraceMs: int("SEND_CONFIRM_GRACE_SECONDS", 0, 3600) * 1000,
    webhooksAllowPrivate: flag("WEBHOOKS_ALLOW_PRIVATE"),
    secureCookies: publicUrl.startsWith("https://"),
    metricsToken,
    shutdownGraceMs: int("SHUTDOWN_GRACE_SECONDS", 1, 600) * 1000,
    backupSchedule: backupSchedule === "off" ? "" : backupSchedule,
    backupKeep: int("BACKUP_KEEP", 1, 1000),
    backupDir: resolve(dataDir, str("BACKUP_DIR") || "backups"),
    replicaUrl,
    replicaS3Endpoint,
    litestreamPath: str("LITESTREAM_PATH") ? resolve(str("LITESTREAM_PATH")) : "",
  };
}

/** Next to the compiled binary; from a checkout, inside DATA_DIR. */
function defaultPluginsDir(dataDir: string): string {
  return isCompiledBinary() ? join(dirname(process.execPath), "plugins") : join(dataDir, "plugins");
}

/**
 * True inside `bun build --compile` output, whose modules live in Bun's embedded
 * file system. (The executable's name says nothing: Bun installed from the npm
 * registry runs as "bun.exe" on Linux too.)
 */
export function isCompiledBinary(): boolean {
  return import.meta.path.includes("$bunfs") || import.meta.path.includes("~BUN");
}
