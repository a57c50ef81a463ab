import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../core/config.ts";

describe("configuration", () => {
  test("defaults come from config/default.toml", () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe("0.0.0.0");
    expect(c.publicUrl).toBe("http://localhost:3000");
    expect(c.metaGraphUrl).toBe("https://graph.facebook.com");
    expect(c.metaGraphVersion).toBe("v24.0");
    expect(c.databasePath).toEndWith("/data/charla.db");
    expect(c.secureCookies).toBe(false);
  });

  test("env beats the CHARLA_CONFIG file, which beats the defaults", () => {
    const dir = mkdtempSync(join(tmpdir(), "charla-cfg-"));
    const file = join(dir, "extra.toml");
    writeFileSync(file, 'PORT = 4000\nLOG_LEVEL = "warn"\nPUBLIC_URL = "https://chat.example.com/"\n');
    const fromFile = loadConfig({ CHARLA_CONFIG: file });
    expect(fromFile.port).toBe(4000);
    expect(fromFile.logLevel).toBe("warn");
    expect(fromFile.publicUrl).toBe("https://chat.example.com");
    expect(fromFile.secureCookies).toBe(true);
    const fromEnv = loadConfig({ CHARLA_CONFIG: file, PORT: "5000" });
    expect(fromEnv.port).toBe(5000);
    expect(fromEnv.logLevel).toBe("warn");
  });

  test("a bad value fails with a message naming the key, the value and where it came from", () => {
    expect(() => loadConfig({ PORT: "abc" })).toThrow('Invalid configuration: PORT must be an integer between 1 and 65535 (got "abc" from environment)');
    expect(() => loadConfig({ LOG_LEVEL: "loud" })).toThrow("LOG_LEVEL must be one of debug, info, warn, error");
    expect(() => loadConfig({ PUBLIC_URL: "ftp://x" })).toThrow("PUBLIC_URL must be an http(s) URL");
    expect(() => loadConfig({ META_GRAPH_VERSION: "24" })).toThrow("META_GRAPH_VERSION must look like v24.0");
    expect(() => loadConfig({ CHARLA_SECRET: "short" })).toThrow("CHARLA_SECRET must be at least 32 characters");
    const dir = mkdtempSync(join(tmpdir(), "charla-cfg-"));
    const file = join(dir, "typo.toml");
    writeFileSync(file, "PROT = 1\n");
    expect(() => loadConfig({ CHARLA_CONFIG: file })).toThrow(`Invalid configuration: PROT is not a known key (in ${file})`);
    expect(() => loadConfig({ CHARLA_CONFIG: join(dir, "missing.toml") })).toThrow(ConfigError);
  });

  test("the server refuses to start on a bad key and says why", () => {
    const run = Bun.spawnSync(["bun", "core/main.ts", "serve"], { env: { ...process.env, PORT: "70000" }, stderr: "pipe", stdout: "pipe" });
    expect(run.exitCode).toBe(1);
    expect(run.stderr.toString()).toContain("PORT must be an integer between 1 and 65535");
  });
});

describe("configuration: every key is checked", () => {
  test("numbers out of range, flags that are not flags and URLs that are not URLs name their key", () => {
    const bad: [Record<string, string>, string][] = [
      [{ SESSION_IDLE_HOURS: "0" }, "SESSION_IDLE_HOURS must be an integer between 1 and 2160"],
      [{ SESSION_IDLE_HOURS: "1.5" }, "SESSION_IDLE_HOURS must be an integer"],
      [{ LOGIN_MAX_FAILURES: "0" }, "LOGIN_MAX_FAILURES must be an integer between 1 and 1000"],
      [{ LOGIN_WINDOW_MINUTES: "99999" }, "LOGIN_WINDOW_MINUTES must be an integer between 1 and 1440"],
      [{ SEND_CONFIRM_GRACE_SECONDS: "-1" }, "SEND_CONFIRM_GRACE_SECONDS must be an integer between 0 and 3600"],
      [{ TRUST_PROXY: "maybe" }, 'TRUST_PROXY must be true or false (got "maybe" from environment)'],
      [{ META_GRAPH_URL: "graph.facebook.com" }, "META_GRAPH_URL must be an http(s) URL"],
      [{ OPENAI_BASE_URL: "localhost:11434" }, "OPENAI_BASE_URL must be an http(s) URL"],
    ];
    for (const [env, message] of bad) expect(() => loadConfig(env)).toThrow(message);
  });

  test("good values are taken as typed", () => {
    const c = loadConfig({ TRUST_PROXY: "yes", SESSION_IDLE_HOURS: "8", SEND_CONFIRM_GRACE_SECONDS: "30", PLUGINS_DIR: "/opt/charla/plugins", DATA_DIR: "/var/lib/charla" });
    expect(c.trustProxy).toBe(true);
    expect(c.sessionIdleHours).toBe(8);
    expect(c.sendConfirmGraceMs).toBe(30_000);
    expect(c.pluginsDir).toBe("/opt/charla/plugins");
    expect(c.databasePath).toBe("/var/lib/charla/charla.db");
    // From a checkout, extra plugins live inside the data directory.
    expect(loadConfig({ DATA_DIR: "/var/lib/charla" }).pluginsDir).toBe("/var/lib/charla/plugins");
  });
});
