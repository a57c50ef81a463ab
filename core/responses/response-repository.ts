import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { CannedResponse } from "./response.ts";

const COLUMNS = `r.id, r.company_id AS companyId, r.name, r.key, r.text, r.finalize, r.automatic, r.media_id AS mediaId,
  md.filename AS mediaName, md.mime_type AS mediaMime, r.created_at AS createdAt, r.updated_at AS updatedAt,
  (SELECT json_group_array(queue_id) FROM canned_response_queues WHERE response_id = r.id) AS queueIds`;
const FROM = "canned_responses r LEFT JOIN media md ON md.id = r.media_id";
type Row = Omit<CannedResponse, "finalize" | "automatic" | "queueIds"> & { finalize: number; automatic: number; queueIds: string };
const response = (r: Row): CannedResponse => ({ ...r, finalize: r.finalize === 1, automatic: r.automatic === 1, queueIds: JSON.parse(r.queueIds) as number[] });

export interface StoredResponse {
  name: string;
  key: string;
  keyNorm: string;
  text: string;
  finalize: boolean;
  automatic: boolean;
}

/** Canned responses of a company, their queues, and the claim that makes an automatic answer happen once. */
@injectable()
export class ResponseRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  /** `like`: a %pattern% over name, key and text (already escaped). */
  page(companyId: number, like: string | null, limit: number, offset: number): { rows: CannedResponse[]; total: number } {
    const where = `r.company_id = +?1 ${like ? "AND (r.name LIKE +?2 ESCAPE '\\' OR r.key LIKE +?2 ESCAPE '\\' OR r.text LIKE +?2 ESCAPE '\\')" : ""}`;
    const args = like ? [companyId, like] : [companyId];
    const rows = this.db
      .query<Row, (string | number)[]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE ${where} ORDER BY r.name COLLATE NOCASE, r.id LIMIT ${limit} OFFSET ${offset}`)
      .all(...args)
      .map(response);
    const total = this.db.query<{ n: number }, (string | number)[]>(`SELECT COUNT(*) AS n FROM canned_responses r WHERE ${where}`).get(...args)!.n;
    return { rows, total };
  }

  after(companyId: number, like: string | null, afterId: number, limit: number): CannedResponse[] {
    const where = `r.company_id = +?1 AND r.id > ?2 ${like ? "AND (r.name LIKE +?3 ESCAPE '\\' OR r.key LIKE +?3 ESCAPE '\\' OR r.text LIKE +?3 ESCAPE '\\')" : ""}`;
    const args = like ? [companyId, afterId, like] : [companyId, afterId];
    return this.db.query<Row, (string | number)[]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE ${where} ORDER BY r.id LIMIT ${limit}`).all(...args).map(response);
  }

  /** Every response of the company, for the composer's suggestions (a company has tens, not thousands). */
  all(companyId: number): CannedResponse[] {
    return this.db.query<Row, [number]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.company_id = +? ORDER BY r.name COLLATE NOCASE`).all(companyId).map(response);
  }

  get(companyId: number, id: number): CannedResponse | null {
    const r = this.db.query<Row, [number, number]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.company_id = +? AND r.id = +?`).get(companyId, id);
    return r ? response(r) : null;
  }

  /** The automatic response whose key is this (normalised) text, if any. */
  automaticByKey(companyId: number, keyNorm: string): CannedResponse | null {
    const r = this.db
      .query<Row, [number, string]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.company_id = +? AND r.key_norm = +? AND r.automatic = 1`)
      .get(companyId, keyNorm);
    return r ? response(r) : null;
  }

  keyTaken(companyId: number, keyNorm: string, exceptId: number): boolean {
    return !!this.db.query("SELECT 1 FROM canned_responses WHERE company_id = ? AND key_norm = ? AND id <> ?").get(companyId, keyNorm, exceptId);
  }

  insert(companyId: number, r: StoredResponse, mediaId: number | null, now: number): number {
    return Number(
      this.db
        .query("INSERT INTO canned_responses (company_id, name, key, key_norm, text, finalize, automatic, media_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .run(companyId, r.name, r.key, r.keyNorm, r.text, r.finalize ? 1 : 0, r.automatic ? 1 : 0, mediaId, now, now).lastInsertRowid,
    );
  }

  update(companyId: number, id: number, r: StoredResponse, now: number): void {
    this.db
      .query("UPDATE canned_responses SET name = ?, key = ?, key_norm = ?, text = ?, finalize = ?, automatic = ?, updated_at = ? WHERE company_id = ? AND id = ?")
      .run(r.name, r.key, r.keyNorm, r.text, r.finalize ? 1 : 0, r.automatic ? 1 : 0, now, companyId, id);
  }

  setMedia(companyId: number, id: number, mediaId: number | null): void {
    this.db.query("UPDATE canned_responses SET media_id = ? WHERE company_id = ? AND id = ?").run(mediaId, companyId, id);
  }

  setQueues(id: number, queueIds: number[]): void {
    this.db.query("DELETE FROM canned_response_queues WHERE response_id = ?").run(id);
    const add = this.db.query("INSERT INTO canned_response_queues (response_id, queue_id) VALUES (?, ?)");
    for (const q of queueIds) add.run(id, q);
  }

  delete(companyId: number, id: number): void {
    this.db.query("DELETE FROM canned_responses WHERE company_id = ? AND id = ?").run(companyId, id);
  }

  /** True the first time for a message: the automatic answer to it is this caller's to send. */
  claimAutoReply(messageId: number, responseId: number | null, now: number): boolean {
    return this.db.query("INSERT OR IGNORE INTO auto_replies (message_id, response_id, created_at) VALUES (?, ?, ?)").run(messageId, responseId, now).changes === 1;
  }
}
