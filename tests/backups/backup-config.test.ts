import { describe, expect, test } from "bun:test";
import { join, resolve } from "node:path";
import { litestreamConfig, parseLogLine } from "../../core/backups/litestream.ts";
import { loadConfig } from "../../core/config.ts";

describe("backup and replication settings", () => {
  test("defaults: daily at 03:00, seven kept, DATA_DIR/backups, no replication", () => {
    const c = loadConfig({ DATA_DIR: "/srv/charla" });
    expect(c.backupSchedule).toBe("0 3 * * *");
    expect(c.backupKeep).toBe(7);
    expect(c.backupDir).toBe("/srv/charla/backups");
    expect(c.replicaUrl).toBe("");
    expect(c.litestreamPath).toBe("");
  });

  test("off turns the schedule off; a relative BACKUP_DIR is inside DATA_DIR; an absolute one is kept", () => {
    expect(loadConfig({ BACKUP_SCHEDULE: "off" }).backupSchedule).toBe("");
    expect(loadConfig({ DATA_DIR: "/srv/charla", BACKUP_DIR: "copias" }).backupDir).toBe("/srv/charla/copias");
    expect(loadConfig({ BACKUP_DIR: "/mnt/nas/charla" }).backupDir).toBe("/mnt/nas/charla");
    expect(loadConfig({ LITESTREAM_PATH: "bin/litestream" }).litestreamPath).toBe(resolve("bin/litestream"));
  });

  test("bad values stop the start naming the key", () => {
    expect(() => loadConfig({ BACKUP_SCHEDULE: "every day" })).toThrow('Invalid configuration: BACKUP_SCHEDULE must be a cron pattern such as "0 3 * * *", or "off" (got "every day" from environment');
    expect(() => loadConfig({ BACKUP_SCHEDULE: "0 25 * * *" })).toThrow("BACKUP_SCHEDULE must be a cron pattern");
    expect(() => loadConfig({ BACKUP_KEEP: "0" })).toThrow("BACKUP_KEEP must be an integer between 1 and 1000");
    expect(() => loadConfig({ REPLICA_URL: "ftp://host/x" })).toThrow("REPLICA_URL must be file:///absolute/path or s3://bucket/path");
    expect(() => loadConfig({ REPLICA_URL: "file://relative/x" })).toThrow("REPLICA_URL must be");
    expect(() => loadConfig({ REPLICA_S3_ENDPOINT: "minio:9000" })).toThrow("REPLICA_S3_ENDPOINT must be an http(s) URL");
    expect(loadConfig({ REPLICA_URL: "s3://bucket/charla" }).replicaUrl).toBe("s3://bucket/charla");
  });

  test("litestream.yml: the database, the replica, an S3 endpoint only for s3; values written literally", () => {
    const file = litestreamConfig({ databasePath: "/data/charla.db", replicaUrl: "file:///replica/$HOME", replicaS3Endpoint: "https://ignored" });
    expect(file).toContain('- path: "/data/charla.db"');
    expect(file).toContain('- url: "file:///replica/$HOME"');
    expect(file).not.toContain("endpoint");
    const s3 = litestreamConfig({ databasePath: join("/data", "charla.db"), replicaUrl: "s3://b/p", replicaS3Endpoint: "https://s3.us-west-004.backblazeb2.com" });
    expect(s3).toContain('endpoint: "https://s3.us-west-004.backblazeb2.com"');
    expect(s3).toContain("force-path-style: true");
  });

  test("litestream's log lines are read as fields", () => {
    expect(parseLogLine('time=2026-12-02T18:27:46.271Z level=INFO msg="wal segment written" db=/data/charla.db replica=file elapsed=790.846µs sz=16512')).toEqual({
      time: "2026-12-02T18:27:46.271Z",
      level: "INFO",
      msg: "wal segment written",
      db: "/data/charla.db",
      replica: "file",
      elapsed: "790.846µs",
      sz: "16512",
    });
    expect(parseLogLine('level=ERROR msg="sync error" error="client write: \\"x\\" failed"').error).toBe('client write: "x" failed');
  });
});
