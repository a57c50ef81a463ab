import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isCompiledBinary, type Config } from "../config.ts";

/**
 * Where the litestream executable is: LITESTREAM_PATH, else next to the Charla
 * binary (the Docker image puts it in /app), else the npm package's copy in a
 * checkout's node_modules, else PATH. Null when there is none.
 */
export function findLitestream(config: Pick<Config, "litestreamPath">): string | null {
  if (config.litestreamPath) return existsSync(config.litestreamPath) ? config.litestreamPath : null;
  const candidates = [join(dirname(process.execPath), "litestream")];
  if (!isCompiledBinary()) candidates.push(join(import.meta.dir, "../../node_modules/@flydotio", `litestream-${process.platform}-${process.arch}`, "litestream"));
  for (const c of candidates) if (existsSync(c)) return c;
  return Bun.which("litestream");
}

/** `litestream version`, e.g. "v0.3.13" (null when it does not answer). */
export function litestreamVersion(binary: string): string | null {
  const r = Bun.spawnSync([binary, "version"], { stdout: "pipe", stderr: "pipe" });
  return r.exitCode === 0 ? r.stdout.toString().trim() : null;
}

/**
 * The litestream.yml Charla writes into DATA_DIR at each start, from REPLICA_URL.
 * Values are written literally (JSON strings are valid YAML) and litestream runs
 * with -no-expand-env, so a `$` in a path means itself. Credentials are not in the
 * file: litestream reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the
 * environment Charla passes on.
 */
export function litestreamConfig(config: Pick<Config, "databasePath" | "replicaUrl" | "replicaS3Endpoint">): string {
  const lines = [
    "# Written by Charla at each start from REPLICA_URL: edits here are overwritten.",
    "dbs:",
    `  - path: ${JSON.stringify(config.databasePath)}`,
    "    replicas:",
    `      - url: ${JSON.stringify(config.replicaUrl)}`,
  ];
  if (config.replicaUrl.startsWith("s3://") && config.replicaS3Endpoint) {
    // S3-compatible services answer on one host for every bucket (path-style addressing).
    lines.push(`        endpoint: ${JSON.stringify(config.replicaS3Endpoint)}`, "        force-path-style: true");
  }
  return `${lines.join("\n")}\n`;
}

/** One line of litestream's log (`time=… level=INFO msg="wal segment written" db=… sz=…`) as fields. */
export function parseLogLine(line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of line.matchAll(/(\w[\w.-]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const raw = m[2]!;
    fields[m[1]!] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
  }
  return fields;
}

/**
 * The pid of a litestream that a previous Charla on this DATA_DIR started and left
 * running (that Charla was killed before it could stop it), or null. Checked
 * against /proc so a reused pid of some other program is never taken for it.
 */
export function orphanPid(pidFile: string, configFile: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, "utf8").trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return null;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cmdline.includes("litestream") && cmdline.includes(configFile) ? pid : null;
  } catch {
    return null;
  }
}
