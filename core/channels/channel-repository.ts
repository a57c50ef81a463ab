import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { AiMode, Channel, ChannelStatus } from "./channel.ts";

type Row = Omit<Channel, "config"> & { configJson: string };
const COLUMNS = `id, company_id AS companyId, plugin_id AS pluginId, name, config_json AS configJson,
  secrets_sealed AS secretsSealed, queue_id AS queueId, reopen_window_minutes AS reopenWindowMinutes,
  status, status_reason AS statusReason, plugin_error AS pluginError, ai_mode AS aiMode, created_at AS createdAt`;
const toChannel = ({ configJson, ...r }: Row): Channel => ({ ...r, config: JSON.parse(configJson) as Record<string, unknown> });

@injectable()
export class ChannelRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

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

  /** Every channel of one plugin, across companies: only for routing shared webhooks. */
  byPlugin(pluginId: string): Channel[] {
    return this.db.query<Row, [string]>(`SELECT ${COLUMNS} FROM channels WHERE plugin_id = +? ORDER BY id`).all(pluginId).map(toChannel);
  }

  /** By id alone: only for webhooks and public pages, where the URL names the channel. */
  byId(id: number): Channel | null {
    const row = this.db.query<Row, [number]>(`SELECT ${COLUMNS} FROM channels WHERE id = ?`).get(id);
    return row ? toChannel(row) : null;
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
