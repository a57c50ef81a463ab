import type { SpawnedCharla } from "./spawned-server.ts";
import { RELAY_TOKEN } from "./test-app.ts";

export interface Ack {
  stream: number;
  seq: number;
  id: string;
  /** Client-side time the 200 arrived: the message was committed before it. */
  at: number;
}

/**
 * Writes under load for the restore drills: `streams` customers each sending
 * relay webhooks one after another (the next after the previous one's 200) to a
 * spawned Charla, until stop() or until the server stops answering. Only a 200
 * counts as acknowledged.
 */
export class WebhookLoad {
  readonly acks: Ack[] = [];
  private running = true;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly charla: SpawnedCharla,
    private readonly channelId: number,
    private readonly streams = 4,
  ) {}

  start(): this {
    for (let s = 0; s < this.streams; s++) this.loops.push(this.loop(s));
    return this;
  }

  /** Resolves once at least `n` messages are acknowledged (or the loops ended). */
  async waitFor(n: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.acks.length < n && this.running && Date.now() < deadline) await Bun.sleep(20);
  }

  async stop(): Promise<Ack[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.acks;
  }

  static from(stream: number): string {
    return `57300${String(1_000_000 + stream).slice(1)}`;
  }

  private async loop(stream: number): Promise<void> {
    for (let seq = 0; this.running && seq < 100_000; seq++) {
      const id = `s${stream}-${seq}`;
      try {
        const res = await fetch(`${this.charla.base}/webhooks/${this.channelId}`, {
          method: "POST",
          headers: { "x-relay-token": RELAY_TOKEN, "content-type": "application/json" },
          body: JSON.stringify({ messages: [{ id, from: WebhookLoad.from(stream), name: `Cliente ${stream}`, text: `mensaje ${seq} del cliente ${stream}` }] }),
        });
        await res.arrayBuffer();
        if (res.status !== 200) return;
        this.acks.push({ stream, seq, id, at: Date.now() });
      } catch {
        return; // the server is gone (killed): this stream ends
      }
    }
  }
}

/** Every stored inbound message's external id, read back through the API of a (restored) server. */
export async function storedIds(charla: SpawnedCharla): Promise<Set<string>> {
  const ids = new Set<string>();
  const conversations: number[] = [];
  for (let cursor: string | null = ""; cursor !== null; ) {
    const res = await charla.call("GET", `/api/v1/conversations?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    if (res.status !== 200) throw new Error(`conversations: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { data: { id: number }[]; next: string | null };
    conversations.push(...page.data.map((c) => c.id));
    cursor = page.next;
  }
  for (const id of conversations) {
    for (let cursor: string | number | null = ""; cursor !== null; ) {
      const res = await charla.call("GET", `/api/v1/conversations/${id}/messages?limit=200${cursor ? `&cursor=${cursor}` : ""}`);
      if (res.status !== 200) throw new Error(`messages: ${res.status} ${await res.text()}`);
      const page = (await res.json()) as { data: { direction: string; externalId: string | null }[]; next: string | number | null };
      for (const m of page.data) if (m.direction === "in" && m.externalId) ids.add(m.externalId);
      cursor = page.next;
    }
  }
  return ids;
}

/** Stream by stream, the stored messages are 0..k-1 with no hole: a consistent snapshot, not a torn copy. */
export function holes(ids: Set<string>, streams: number): string[] {
  const out: string[] = [];
  for (let s = 0; s < streams; s++) {
    const seqs = [...ids].filter((id) => id.startsWith(`s${s}-`)).map((id) => Number(id.split("-")[1]));
    const max = seqs.length ? Math.max(...seqs) : -1;
    if (seqs.length !== max + 1) out.push(`stream ${s}: ${seqs.length} stored but the highest is ${max}`);
  }
  return out;
}
