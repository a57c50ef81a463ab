import { randomToken } from "../crypto/tokens.ts";

const TTL_MS = 30 * 60_000;
const MAX_PER_COMPANY = 3;
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

/**
 * CSV files between the preview and the import (in memory: one process, and a file
 * lost to a restart is simply uploaded again). Bounded in count and bytes; the
 * oldest go first.
 */
export class UploadStore {
  private readonly files = new Map<string, { companyId: number; name: string; bytes: Uint8Array; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  put(companyId: number, name: string, bytes: Uint8Array): string {
    this.sweep();
    const own = [...this.files.entries()].filter(([, f]) => f.companyId === companyId);
    while (own.length >= MAX_PER_COMPANY) this.files.delete(own.shift()![0]);
    let total = [...this.files.values()].reduce((n, f) => n + f.bytes.byteLength, 0) + bytes.byteLength;
    for (const [key, f] of this.files) {
      if (total <= MAX_TOTAL_BYTES) break;
      this.files.delete(key);
      total -= f.bytes.byteLength;
    }
    const token = randomToken();
    this.files.set(token, { companyId, name, bytes, at: this.now() });
    return token;
  }

  /** The file, only for the company that uploaded it. */
  get(companyId: number, token: string): { name: string; bytes: Uint8Array } | null {
    this.sweep();
    const f = this.files.get(token);
    return f && f.companyId === companyId ? f : null;
  }

  private sweep(): void {
    const limit = this.now() - TTL_MS;
    for (const [key, f] of this.files) if (f.at < limit) this.files.delete(key);
  }
}
