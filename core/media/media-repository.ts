import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";

export const CHUNK_SIZE = 256 * 1024;

export interface MediaInfo {
  id: number;
  companyId: number;
  mimeType: string;
  filename: string | null;
  size: number;
}

/**
 * Files inside the one SQLite file, split in 256 KiB chunks: a backup of the
 * database is a backup of everything, and reading streams chunk by chunk
 * instead of loading a whole video into memory.
 */
@injectable()
export class MediaRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  /** Call inside a transaction when the media must appear together with a message. */
  store(companyId: number, mimeType: string, filename: string | null, bytes: Uint8Array, now: number): number {
    const id = Number(
      this.db
        .query("INSERT INTO media (company_id, mime_type, filename, size, created_at) VALUES (?, ?, ?, ?, ?)")
        .run(companyId, mimeType, filename, bytes.byteLength, now).lastInsertRowid,
    );
    const put = this.db.query("INSERT INTO media_chunks (media_id, seq, data) VALUES (?, ?, ?)");
    for (let seq = 0, off = 0; off < bytes.byteLength || seq === 0; seq++, off += CHUNK_SIZE) {
      put.run(id, seq, bytes.subarray(off, off + CHUNK_SIZE));
    }
    return id;
  }

  /** Deletes a file nothing refers to any more (no message, no canned response). */
  deleteIfUnused(companyId: number, id: number): void {
    this.db
      .query(
        `DELETE FROM media WHERE company_id = +?1 AND id = +?2
           AND NOT EXISTS (SELECT 1 FROM messages WHERE media_id = +?2) AND NOT EXISTS (SELECT 1 FROM canned_responses WHERE media_id = +?2)`,
      )
      .run(companyId, id);
  }

  info(companyId: number, id: number): MediaInfo | null {
    return this.db
      .query<MediaInfo, [number, number]>("SELECT id, company_id AS companyId, mime_type AS mimeType, filename, size FROM media WHERE company_id = ? AND id = ?")
      .get(companyId, id);
  }

  /** Only for signed public links, which carry their own proof. */
  infoById(id: number): MediaInfo | null {
    return this.db.query<MediaInfo, [number]>("SELECT id, company_id AS companyId, mime_type AS mimeType, filename, size FROM media WHERE id = ?").get(id);
  }

  /** A stream that reads one chunk per pull. */
  stream(id: number): ReadableStream<Uint8Array> {
    const read = this.db.query<{ data: Uint8Array }, [number, number]>("SELECT data FROM media_chunks WHERE media_id = ? AND seq = ?");
    let seq = 0;
    return new ReadableStream({
      pull(controller) {
        const row = read.get(id, seq++);
        if (!row || row.data.byteLength === 0) controller.close();
        else controller.enqueue(new Uint8Array(row.data));
      },
    });
  }

  /** The whole file, for plugins that upload bytes to their provider. */
  async blob(id: number, mimeType: string): Promise<Blob> {
    return new Blob([await new Response(this.stream(id)).arrayBuffer()], { type: mimeType });
  }
}
