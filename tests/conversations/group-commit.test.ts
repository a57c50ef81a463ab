import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Channel } from "../../core/channels/channel.ts";
import type { ChannelRepository } from "../../core/channels/channel-repository.ts";
import type { IngestService } from "../../core/conversations/ingest-service.ts";
import { T } from "../../core/tokens.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/** Webhooks of one event-loop turn share a transaction; one that cannot commit never takes the others down. */
describe("group commit of webhooks", () => {
  let app: TestApp;
  let channel: Channel;
  let transactions = 0;
  const logged: string[] = [];
  const realWrite = process.stderr.write.bind(process.stderr);
  const ingest = () => app.container.resolve<IngestService>(T.IngestService);
  const text = (id: string, from: string) => ({ externalId: id, from, timestamp: Date.now(), content: { kind: "text" as const, text: `m ${id}` } });

  beforeAll(async () => {
    app = await createTestApp();
    const id = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x");
    channel = app.container.resolve<ChannelRepository>(T.ChannelRepository).byId(id)!;
    // Counts transactions at the storage engine (bun:sqlite), under the unit of work.
    const db = app.db as unknown as { transaction: (fn: () => unknown) => unknown };
    const original = db.transaction.bind(app.db);
    db.transaction = (fn) => {
      transactions++;
      return original(fn);
    };
  });
  afterAll(async () => {
    process.stderr.write = realWrite;
    Reflect.deleteProperty(app.db, "transaction");
    await app.close();
  });

  test("ten webhooks arriving in one turn of the event loop commit in one transaction, each answered after it", async () => {
    transactions = 0;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => ingest().submit(channel, [text(`batch-${i}`, `5730${i}`)], [])));
    expect(results.map((r) => r.stored)).toEqual(Array(10).fill(1));
    expect(transactions).toBe(1);
    // Spread over turns, each is its own.
    transactions = 0;
    for (let i = 0; i < 3; i++) await ingest().submit(channel, [text(`alone-${i}`, `5731${i}`)], []);
    expect(transactions).toBe(3);
  });

  test("when the shared transaction fails, each webhook is retried alone: the good ones commit, the bad one fails alone, and the failure is logged", async () => {
    // A channel that was deleted after its webhook was verified: its rows break a foreign key.
    const gone: Channel = { ...channel, id: 999_999 };
    process.stderr.write = ((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    transactions = 0;
    const outcomes = await Promise.allSettled([
      ingest().submit(channel, [text("good-1", "5732")], []),
      ingest().submit(gone, [text("bad-1", "5733")], []),
      ingest().submit(channel, [text("good-2", "5734")], []),
    ]);
    process.stderr.write = realWrite;
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(transactions).toBe(4); // the shared one, then one each
    const stored = app.db.query<{ external_id: string }, []>("SELECT external_id FROM messages WHERE external_id IN ('good-1', 'good-2', 'bad-1') ORDER BY external_id").all();
    expect(stored.map((r) => r.external_id)).toEqual(["good-1", "good-2"]);
    const lines = logged.map((l) => JSON.parse(l) as { msg: string; webhooks?: number; error?: { message: string } });
    expect(lines.find((l) => l.msg === "webhook batch failed to commit; retrying each webhook alone")).toMatchObject({ webhooks: 3, error: { message: expect.stringContaining("FOREIGN KEY") } });
    expect(lines.some((l) => l.msg === "webhook failed to commit")).toBe(true);
  });
});
