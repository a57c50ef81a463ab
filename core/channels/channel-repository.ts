import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { AiMode, Channel, ChannelStatus } from "./channel.ts";

type Row = Omit<Channel, "config"> & { configJson: string };
const COLUMNS = `id, company_id AS companyId, plugin_id AS pluginId, name, config_json AS configJson,
  secrets_sealed AS secretsSealed, queue_id AS queueId, reopen_window_minutes AS reopenWindowMinutes,
  status, status_reason AS statusReason, plugin_error AS pluginError, ai_mode AS aiMode, created_at AS createdAt`;
const toChannel = ({ configJson, ...r }: Row): Channel => ({ ...r, config: JSON.parse(configJson) as Record<string, unknown> });
/** Cached channels are shared by every caller: frozen, so nobody changes another's copy. */
const frozen = (c: Channel): Channel => Object.freeze({ ...c, config: Object.freeze(c.config) });

/**
 * Channels. Every webhook reads its channel by id (and, for a shared Meta URL, the
 * plugin's other channels), and channels change rarely: those reads are cached and
 * dropped on every write to the table. The writes are counted by temporary
 * triggers on this connection, so a write made anywhere counts (these methods, a
 * deleted queue's ON DELETE SET NULL, a template sync), without a migration: one
 * server per data dir (core/db/data-dir-lock.ts) means no other connection writes
 * channels while this one serves.
 */
@injectable()
export class ChannelRepository {
  private readonly byIdCache = new Map<number, Channel | null>();
  private readonly byPluginCache = new Map<string, readonly Channel[]>();
  /** The write count the cache matches; -1 while it must not be filled (see fresh()). */
  private seen = -1;

  constructor(@inject(DATABASE) private readonly db: Database) {
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS channel_writes (n INTEGER NOT NULL);
      INSERT INTO temp.channel_writes (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM temp.channel_writes);
      CREATE TEMP TRIGGER IF NOT EXISTS channel_writes_insert AFTER INSERT ON main.channels BEGIN UPDATE temp.channel_writes SET n = n + 1; END;
      CREATE TEMP TRIGGER IF NOT EXISTS channel_writes_update AFTER UPDATE ON main.channels BEGIN UPDATE temp.channel_writes SET n = n + 1; END;
      CREATE TEMP TRIGGER IF NOT EXISTS channel_writes_delete AFTER DELETE ON main.channels BEGIN UPDATE temp.channel_writes SET n = n + 1; END;`);
  }

  /**
   * Whether the cache may answer and be filled. A transaction's own writes are not
   * committed yet and a rollback brings the count back, so the cache is filled only
   * with what was read outside a transaction, or inside one that wrote no channel.
   */
  private fresh(): boolean {
    const n = this.db.query<{ n: number }, []>("SELECT n FROM temp.channel_writes").get()!.n;
    if (n !== this.seen) {
      this.byIdCache.clear();
      this.byPluginCache.clear();
      this.seen = this.db.inTransaction ? -1 : n;
    }
    return this.seen !== -1;
  }

  list(companyId: number): Channel[] {
    return this.db.query<Row, [number]>(`SELECT ${COLUMNS} FROM channels WHERE company_id = +? ORDER BY name, id`).all(companyId).map(toChannel);
  }

  after(companyId: number, afterId: number, limit: number): Channel[] {
    return this.db
      .query<Row, [number, number, number]>(`SELECT ${COLUMNS} FROM channels WHERE company_id = +? AND id > ? ORDER BY id LIMIT +?`)
      .all(companyId, afterId, limit)
      .map(toChannel);
  }

  get(companyId: number, id: number): Channel | null {
    const row = this.db.query<Row, [number, number]>(`SELECT ${COLUMNS} FROM channels WHERE company_id = ? AND id = ?`).get(companyId, id);
    return row ? toChannel(row) : null;
  }

  /** Every channel of one plugin, across companies: only for routing shared webhooks and plugin-wide jobs. */
  byPlugin(pluginId: string): readonly Channel[] {
    const cacheable = this.fresh();
    const hit = this.byPluginCache.get(pluginId);
    if (hit) return hit;
    const list = Object.freeze(this.db.query<Row, [string]>(`SELECT ${COLUMNS} FROM channels WHERE plugin_id = +? ORDER BY id`).all(pluginId).map((r) => frozen(toChannel(r))));
    if (cacheable) this.byPluginCache.set(pluginId, list);
    return list;
  }

  /** By id alone: for webhooks, public pages and background work, where only the id is known. */
  byId(id: number): Channel | null {
    const cacheable = this.fresh();
    const hit = this.byIdCache.get(id);
    if (hit !== undefined) return hit;
    const row = this.db.query<Row, [number]>(`SELECT ${COLUMNS} FROM channels WHERE id = ?`).get(id);
    const channel = row ? frozen(toChannel(row)) : null;
    if (cacheable) this.byIdCache.set(id, channel);
    return channel;
  }

  insert(c: Omit<Channel, "id" | "status" | "statusReason" | "pluginError" | "aiMode">): number {
    const r = this.db
      .query(
        `INSERT INTO channels (company_id, plugin_id, name, config_json, secrets_sealed, queue_id, reopen_window_minutes, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(c.companyId, c.pluginId, c.name, JSON.stringify(c.config), c.secretsSealed, c.queueId, c.reopenWindowMinutes, c.createdAt);
    return Number(r.lastInsertRowid);
  }

  update(companyId: number, id: number, c: Pick<Channel, "name" | "config" | "secretsSealed" | "queueId" | "reopenWindowMinutes">): void {
    this.db
      .query(
        `UPDATE channels SET name = ?, config_json = ?, secrets_sealed = ?, queue_id = ?, reopen_window_minutes = ?
         WHERE company_id = ? AND id = ?`,
      )
      .run(c.name, JSON.stringify(c.config), c.secretsSealed, c.queueId, c.reopenWindowMinutes, companyId, id);
  }

  setStatus(id: number, status: ChannelStatus, reason: string | null): void {
    this.db.query("UPDATE channels SET status = ?, status_reason = ? WHERE id = ?").run(status, reason, id);
  }

  /** An admin switches the channel off (webhooks 404, nothing is sent) or on again. */
  setEnabled(companyId: number, id: number, enabled: boolean): void {
    this.db
      .query("UPDATE channels SET status = ?, status_reason = NULL WHERE company_id = ? AND id = ? AND (status = 'disabled') = ?")
      .run(enabled ? "active" : "disabled", companyId, id, enabled ? 1 : 0);
  }

  setAiMode(companyId: number, id: number, mode: AiMode): void {
    this.db.query("UPDATE channels SET ai_mode = ? WHERE company_id = ? AND id = ?").run(mode, companyId, id);
  }

  setPluginError(id: number, error: string | null): void {
    this.db.query("UPDATE channels SET plugin_error = ? WHERE id = ?").run(error, id);
  }

  delete(companyId: number, id: number): void {
    this.db.query("DELETE FROM channels WHERE company_id = ? AND id = ?").run(companyId, id);
  }

  kvGet(channelId: number, key: string): string | null {
    return this.db.query<{ value: string }, [number, string]>("SELECT value FROM plugin_kv WHERE channel_id = ? AND key = ?").get(channelId, key)?.value ?? null;
  }

  kvSet(channelId: number, key: string, value: string): void {
    this.db
      .query("INSERT INTO plugin_kv (channel_id, key, value) VALUES (?, ?, ?) ON CONFLICT (channel_id, key) DO UPDATE SET value = excluded.value")
      .run(channelId, key, value);
  }

  kvDelete(channelId: number, key: string): void {
    this.db.query("DELETE FROM plugin_kv WHERE channel_id = ? AND key = ?").run(channelId, key);
  }
}
