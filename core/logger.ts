import type { LogLevel } from "./config.ts";
import { currentRequest } from "./observability/request-context.ts";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * One JSON line per event on stderr (stdout stays for CLI output). A line written
 * while a request is being handled carries its id (`requestId`), however deep the
 * caller: the id comes from the request's async context, not from an argument.
 */
export class Logger {
  constructor(
    private readonly level: LogLevel,
    private readonly fields: Record<string, unknown> = {},
  ) {}

  child(fields: Record<string, unknown>): Logger {
    return new Logger(this.level, { ...this.fields, ...fields });
  }
  debug(msg: string, fields?: Record<string, unknown>): void {
    this.write("debug", msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.write("info", msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.write("warn", msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.write("error", msg, fields);
  }

  private write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const requestId = currentRequest()?.id;
    const line = requestId ? { t: new Date().toISOString(), level, msg, requestId, ...this.fields, ...fields } : { t: new Date().toISOString(), level, msg, ...this.fields, ...fields };
    process.stderr.write(JSON.stringify(line, errorReplacer) + "\n");
  }
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}
