import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OutboxDispatcher } from "../../core/conversations/outbox-dispatcher.ts";
import { DueLoop, failurePauseMs } from "../../core/shared/due-loop.ts";
import { T } from "../../core/tokens.ts";
import { apiReply, relayConversation } from "../helpers/outbox.ts";
import { RelayProvider } from "../helpers/relay.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/**
 * Defect: the shared due-work loop had no catch, so one pass that threw became an
 * unhandled rejection and Bun exited; the outbox read and recorded outside its try.
 */
describe("the due-work loop survives failing passes", () => {
  test("a pass that throws synchronously, one that rejects, and a failing nextDueAt are reported and the loop runs again", async () => {
    const errors: string[] = [];
    let passes = 0;
    let dueFails = true;
    const loop = new DueLoop({
      pass: async () => {
        passes++;
        if (passes === 1) throw new Error("sync boom");
        if (passes === 2) return Promise.reject(new Error("async boom"));
        return false;
      },
      nextDueAt: () => {
        if (dueFails) {
          dueFails = false;
          throw new Error("due boom");
        }
        return null;
      },
      now: () => Date.now(),
      onError: (e, failures) => errors.push(`${(e as Error).message}#${failures}`),
    });
    loop.start();
    // 1 s after the first failure, 2 s after the second: wait for the third pass.
    for (let i = 0; i < 400 && passes < 3; i++) await Bun.sleep(10);
    await loop.idle();
    await Bun.sleep(20);
    expect(passes).toBe(3);
    expect(errors).toEqual(["sync boom#1", "async boom#2", "due boom#1"]);
    // And it keeps serving kicks after all that.
    loop.kick();
    await loop.idle();
    expect(passes).toBe(4);
    await loop.stop();
  }, 10_000);

  test("failures back off 1 s, 2 s, 4 s ... up to a minute", () => {
    expect([1, 2, 3, 4, 10].map(failurePauseMs)).toEqual([1_000, 2_000, 4_000, 8_000, 60_000]);
  });
});

describe("the outbox keeps going through database trouble", () => {
  let app: TestApp;
  let token: string;
  let channel: number;
  const provider = new RelayProvider();
  const dispatcher = () => app.container.resolve<OutboxDispatcher>(T.OutboxDispatcher);
  const conversationOf = (customer: string) => relayConversation(app, channel, customer);
  const send = (conversation: number, text: string) => apiReply(app, token, conversation, text);
  const waitFor = async (ok: () => boolean, ms = 5000) => {
    for (const end = Date.now() + ms; Date.now() < end && !ok(); ) await Bun.sleep(10);
    expect(ok()).toBe(true);
  };

  beforeAll(async () => {
    app = await createTestApp();
    channel = app.makeRelayChannel(app.companyId, provider.start());
    token = app.makeToken(app.companyId);
  });
  afterAll(async () => {
    await app.close();
    provider.stop();
  });

  test("a row that cannot be read is rescheduled and logged; the other conversation's reply still goes", async () => {
    const broken = await conversationOf("573100000001");
    const fine = await conversationOf("573100000002");
    await dispatcher().stop();
    const bad = await send(broken, "se romperá");
    // A corrupt row (its payload is not JSON): reading it throws inside the dispatcher's pass.
    app.db.query("UPDATE messages SET payload = '{not json' WHERE id = ?").run(bad);
    const good = await send(fine, "llega igual");
    dispatcher().start();
    await waitFor(() => provider.calls.some((c) => c.text === "llega igual"));
    await dispatcher().idle();
    const row = app.db.query<{ attempts: number; last_error: string }, [number]>("SELECT attempts, last_error FROM outbox WHERE message_id = ?").get(bad)!;
    expect(row.attempts).toBe(1);
    expect(row.last_error).toContain("JSON");
    expect(app.db.query<{ status: string }, [number]>("SELECT status FROM messages WHERE id = ?").get(good)!.status).toBe("sent");
  });

  test("a pass that fails as a whole (the outbox table is gone for a moment) is retried and then delivers", async () => {
    const conversation = await conversationOf("573100000003");
    app.db.query("DELETE FROM outbox").run();
    await dispatcher().stop();
    await send(conversation, "después del susto");
    app.db.exec("ALTER TABLE outbox RENAME TO outbox_away");
    dispatcher().start();
    await Bun.sleep(100);
    app.db.exec("ALTER TABLE outbox_away RENAME TO outbox");
    // Nothing kicks the loop now: its own retry, ~1 s after the failed pass, picks the row up.
    await waitFor(() => provider.calls.some((c) => c.text === "después del susto"), 5000);
    // The process is alive and answering.
    expect((await app.app.handle(new Request("http://localhost/healthz"))).status).toBe(200);
  }, 10_000);

  test("a row that keeps failing is marked failed after the last attempt, and the conversation's next reply goes", async () => {
    const conversation = await conversationOf("573100000004");
    await dispatcher().stop();
    const bad = await send(conversation, "siempre roto");
    const next = await send(conversation, "el siguiente");
    app.db.query("UPDATE messages SET payload = '{not json' WHERE id = ?").run(bad);
    app.db.query("UPDATE outbox SET attempts = 7 WHERE message_id = ?").run(bad);
    dispatcher().start();
    await waitFor(() => provider.calls.some((c) => c.text === "el siguiente"));
    const row = app.db.query<{ status: string; error: string }, [number]>("SELECT status, error FROM messages WHERE id = ?").get(bad)!;
    expect(row.status).toBe("failed");
    expect(row.error).toContain("JSON");
    expect(app.db.query<{ status: string }, [number]>("SELECT status FROM messages WHERE id = ?").get(next)!.status).toBe("sent");
  });
});
