import { inject, injectable } from "tsyringe";
import { DATABASE, type Database } from "../db/database.ts";
import type { BotDefinition, BotProgram, BotVersion } from "./program.ts";

const COLUMNS = `p.id, p.company_id AS companyId, p.name, p.enabled, p.draft, p.published_version_id AS publishedVersionId,
  v.version AS publishedVersion, p.created_at AS createdAt, p.updated_at AS updatedAt,
  (SELECT json_group_array(channel_id) FROM bot_program_channels WHERE program_id = p.id) AS channelIds`;
const FROM = "bot_programs p LEFT JOIN bot_versions v ON v.id = p.published_version_id";
type Row = Omit<BotProgram, "enabled" | "draft" | "channelIds"> & { enabled: number; draft: string; channelIds: string };
const program = (r: Row): BotProgram => ({ ...r, enabled: r.enabled === 1, draft: JSON.parse(r.draft) as BotDefinition, channelIds: (JSON.parse(r.channelIds) as number[]).sort((a, b) => a - b) });
type VersionRow = Omit<BotVersion, "definition"> & { definition: string };
const VERSION_COLUMNS = "id, program_id AS programId, version, definition, published_at AS publishedAt, published_by AS publishedBy";

/** Programs, their channels and their published versions. */
@injectable()
export class BotRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  list(companyId: number): BotProgram[] {
    return this.db.query<Row, [number]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE p.company_id = +? ORDER BY p.name COLLATE NOCASE, p.id`).all(companyId).map(program);
  }

  /** A page for the API (keyset on id). */
  after(companyId: number, afterId: number, limit: number): BotProgram[] {
    return this.db.query<Row, [number, number]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE p.company_id = +? AND p.id > ? ORDER BY p.id LIMIT ${limit}`).all(companyId, afterId).map(program);
  }

  get(companyId: number, id: number): BotProgram | null {
    const r = this.db.query<Row, [number, number]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE p.company_id = +? AND p.id = +?`).get(companyId, id);
    return r ? program(r) : null;
  }

  /** The enabled, published program answering on a channel (one at most: the service keeps it so). */
  forChannel(channelId: number): { programId: number; versionId: number } | null {
    return this.db
      .query<{ programId: number; versionId: number }, [number]>(
        `SELECT p.id AS programId, p.published_version_id AS versionId FROM bot_program_channels pc JOIN bot_programs p ON p.id = pc.program_id
         WHERE pc.channel_id = +? AND p.enabled = 1 AND p.published_version_id IS NOT NULL LIMIT 1`,
      )
      .get(channelId);
  }

  /** Enabled programs other than `exceptId` bound to any of these channels. */
  channelConflicts(companyId: number, channelIds: number[], exceptId: number | null): { channelId: number; programName: string }[] {
    if (channelIds.length === 0) return [];
    return this.db
      .query<{ channelId: number; programName: string }, number[]>(
        `SELECT pc.channel_id AS channelId, p.name AS programName FROM bot_program_channels pc JOIN bot_programs p ON p.id = pc.program_id
         WHERE p.company_id = +? AND p.enabled = 1 AND p.id != ? AND pc.channel_id IN (${channelIds.map(() => "?").join(",")})`,
      )
      .all(companyId, exceptId ?? 0, ...channelIds);
  }

  insert(companyId: number, name: string, draft: BotDefinition, enabled: boolean, now: number): number {
    return Number(
      this.db
        .query(`INSERT INTO bot_programs (company_id, name, enabled, draft, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(companyId, name, enabled ? 1 : 0, JSON.stringify(draft), now, now).lastInsertRowid,
    );
  }

  update(id: number, name: string, draft: BotDefinition, now: number): void {
    this.db.query(`UPDATE bot_programs SET name = ?, draft = ?, updated_at = ? WHERE id = ?`).run(name, JSON.stringify(draft), now, id);
  }

  setEnabled(id: number, enabled: boolean, now: number): void {
    this.db.query(`UPDATE bot_programs SET enabled = ?, updated_at = ? WHERE id = ?`).run(enabled ? 1 : 0, now, id);
  }

  setChannels(id: number, channelIds: number[]): void {
    this.db.query(`DELETE FROM bot_program_channels WHERE program_id = ?`).run(id);
    const add = this.db.query(`INSERT INTO bot_program_channels (program_id, channel_id) VALUES (?, ?)`);
    for (const c of channelIds) add.run(id, c);
  }

  delete(id: number): void {
    this.db.query(`DELETE FROM bot_programs WHERE id = ?`).run(id);
  }

  publish(id: number, definition: BotDefinition, by: string | null, now: number): number {
    const version = (this.db.query<{ v: number | null }, [number]>(`SELECT MAX(version) AS v FROM bot_versions WHERE program_id = ?`).get(id)!.v ?? 0) + 1;
    const versionId = Number(
      this.db
        .query(`INSERT INTO bot_versions (program_id, version, definition, published_at, published_by) VALUES (?, ?, ?, ?, ?)`)
        .run(id, version, JSON.stringify(definition), now, by).lastInsertRowid,
    );
    this.db.query(`UPDATE bot_programs SET published_version_id = ?, updated_at = ? WHERE id = ?`).run(versionId, now, id);
    return version;
  }

  versions(programId: number): BotVersion[] {
    return this.db
      .query<VersionRow, [number]>(`SELECT ${VERSION_COLUMNS} FROM bot_versions WHERE program_id = +? ORDER BY version DESC`)
      .all(programId)
      .map((v) => ({ ...v, definition: JSON.parse(v.definition) as BotDefinition }));
  }

  /** Newest first, below a version number (the API's keyset pages). */
  versionsBefore(programId: number, beforeVersion: number, limit: number): BotVersion[] {
    return this.db
      .query<VersionRow, [number, number, number]>(`SELECT ${VERSION_COLUMNS} FROM bot_versions WHERE program_id = +? AND version < ? ORDER BY version DESC LIMIT +?`)
      .all(programId, beforeVersion, limit)
      .map((v) => ({ ...v, definition: JSON.parse(v.definition) as BotDefinition }));
  }

  version(versionId: number): BotVersion | null {
    const v = this.db.query<VersionRow, [number]>(`SELECT ${VERSION_COLUMNS} FROM bot_versions WHERE id = ?`).get(versionId);
    return v ? { ...v, definition: JSON.parse(v.definition) as BotDefinition } : null;
  }
}
