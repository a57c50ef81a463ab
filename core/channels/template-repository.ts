import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { TemplateInfo } from "./contract.ts";

export interface StoredTemplate {
  name: string;
  language: string;
  category: string;
  status: string;
  body: string;
  parameterCount: number;
}

@injectable()
export class TemplateRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  /** Replaces a channel's templates with what the provider returned, in one go. */
  replace(channelId: number, templates: TemplateInfo[], now: number): void {
    this.db.transaction(() => {
      this.db.query("DELETE FROM channel_templates WHERE channel_id = ?").run(channelId);
      const put = this.db.query(
        `INSERT OR REPLACE INTO channel_templates (channel_id, name, language, category, status, body, parameter_count, raw, synced_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const t of templates) put.run(channelId, t.name, t.language, t.category, t.status, t.body, t.parameterCount, JSON.stringify(t.raw ?? null), now);
      this.db.query("UPDATE channels SET templates_synced_at = ? WHERE id = ?").run(now, channelId);
    }).immediate();
  }

  list(channelId: number, approvedOnly: boolean): StoredTemplate[] {
    return this.db
      .query<StoredTemplate, [number, number]>(
        `SELECT name, language, category, status, body, parameter_count AS parameterCount FROM channel_templates
         WHERE channel_id = +? AND (? = 0 OR status = 'APPROVED') ORDER BY name, language`,
      )
      .all(channelId, approvedOnly ? 1 : 0);
  }

  /** In (name, language) order after a key: the API's keyset pages. */
  after(channelId: number, after: { name: string; language: string } | null, limit: number): StoredTemplate[] {
    const a = after ?? { name: "", language: "" };
    return this.db
      .query<StoredTemplate, [number, string, string, string, number]>(
        `SELECT name, language, category, status, body, parameter_count AS parameterCount FROM channel_templates
         WHERE channel_id = +? AND (name > ? OR (name = +? AND language > ?)) ORDER BY name, language LIMIT +?`,
      )
      .all(channelId, a.name, a.name, a.language, limit);
  }

  get(channelId: number, name: string, language: string): StoredTemplate | null {
    return this.db
      .query<StoredTemplate, [number, string, string]>(
        "SELECT name, language, category, status, body, parameter_count AS parameterCount FROM channel_templates WHERE channel_id = ? AND name = ? AND language = ?",
      )
      .get(channelId, name, language);
  }

}
