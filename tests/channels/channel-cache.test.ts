import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import type { ChannelRepository } from "../../core/channels/channel-repository.ts";
import type { ChannelService } from "../../core/channels/channel-service.ts";
import type { SecretBox } from "../../core/crypto/secret-box.ts";
import type { UnitOfWork } from "../../core/db/unit-of-work.ts";
import type { QueueService } from "../../core/queues/queue-service.ts";
import { T } from "../../core/tokens.ts";
import { wa } from "../fakes/meta-graph.ts";
import { APP_SECRET, NUMBER_A, NUMBER_B, WABA } from "../helpers/meta-setup.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/**
 * Webhooks read their channel from a cache and route shared Meta URLs with keys
 * decrypted once per channel: whatever writes a channel, the next webhook sees it.
 */
describe("channel cache", () => {
  let app: TestApp;
  let repo: ChannelRepository;
  let service: ChannelService;
  const scope = () => ({ companyId: app.companyId, userId: null, role: "admin" as const });
  let n = 0;
  const say = (channelId: number, from: string) => app.webhook(channelId, { messages: [{ id: `cache-${++n}`, from, text: "hola" }] });
  const queueOfConversation = (from: string) =>
    app.db
      .query<{ q: number | null }, [string]>("SELECT c.queue_id AS q FROM conversations c JOIN contact_identities i ON i.contact_id = c.contact_id WHERE i.external_id = ?")
      .get(from)?.q;

  beforeAll(async () => {
    app = await createTestApp();
    repo = app.container.resolve<ChannelRepository>(T.ChannelRepository);
    service = app.container.resolve<ChannelService>(T.ChannelService);
  });
  afterAll(() => app.close());

  test("the same frozen object until the channel is written; a new one after", () => {
    const id = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x");
    const a = repo.byId(id)!;
    expect(repo.byId(id)).toBe(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a.config)).toBe(true);
    repo.setPluginError(id, "boom");
    const b = repo.byId(id)!;
    expect(b).not.toBe(a);
    expect(b.pluginError).toBe("boom");
    expect(repo.byId(id)).toBe(b);
  });

  test("settings saved, switched off and on: the next webhook follows at once", async () => {
    const first = app.makeQueue(app.companyId, "primera");
    const second = app.makeQueue(app.companyId, "segunda");
    const id = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", first);
    expect((await say(id, "cache-a")).status).toBe(200);
    expect(queueOfConversation("cache-a")).toBe(first);
    service.update(scope(), id, { name: "relay", queueId: second, reopenWindowMinutes: 0, config: { endpoint: "http://127.0.0.1:9/x", token: "" } });
    expect((await say(id, "cache-b")).status).toBe(200);
    expect(queueOfConversation("cache-b")).toBe(second);
    service.setEnabled(scope(), id, false);
    expect((await say(id, "cache-c")).status).toBe(404);
    service.setEnabled(scope(), id, true);
    expect((await say(id, "cache-c")).status).toBe(200);
  });

  test("a write the repository never saw (a deleted queue's ON DELETE SET NULL) drops the cached channel too", async () => {
    const q = app.makeQueue(app.companyId, "efimera");
    const id = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", q);
    expect(repo.byId(id)!.queueId).toBe(q);
    app.container.resolve<QueueService>(T.QueueService).delete(scope(), q);
    expect(repo.byId(id)!.queueId).toBeNull();
    // Before the cache was dropped, this conversation would have named the deleted queue (a foreign key failure).
    expect((await say(id, "cache-d")).status).toBe(200);
    expect(queueOfConversation("cache-d")).toBeNull();
  });

  test("a rolled-back write is never served from the cache", () => {
    const id = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x");
    const uow = app.container.resolve<UnitOfWork>(T.UnitOfWork);
    expect(() =>
      uow.run(() => {
        repo.setPluginError(id, "never committed");
        expect(repo.byId(id)!.pluginError).toBe("never committed");
        throw new Error("roll back");
      }),
    ).toThrow("roll back");
    // Next, with no read in between, a write the repository does not make: the count is back where the rolled-back write left it.
    app.db.query("UPDATE channels SET name = 'renamed' WHERE id = ?").run(id);
    expect(repo.byId(id)).toMatchObject({ name: "renamed", pluginError: null });
  });

  test("a shared Meta URL routes every event with the channels' keys decrypted once, not per webhook", async () => {
    const create = (number: typeof NUMBER_A) =>
      service.create(scope(), "whatsapp-cloud", {
        name: `WhatsApp ${number.displayPhoneNumber}`,
        queueId: null,
        reopenWindowMinutes: 0,
        config: { phoneNumberId: number.phoneNumberId, wabaId: WABA, accessToken: number.accessToken, appSecret: APP_SECRET },
      });
    const a = create(NUMBER_A);
    const b = create(NUMBER_B);
    const box = app.container.resolve<SecretBox>(T.SecretBox);
    const open = box.open.bind(box);
    let opened = 0;
    box.open = (...args: Parameters<SecretBox["open"]>) => (opened++, open(...args));
    const deliver = (i: number) => {
      const ctx = { wabaId: WABA, phoneNumberId: NUMBER_B.phoneNumberId, displayPhoneNumber: NUMBER_B.displayPhoneNumber, from: "5215550001", name: "Beto", id: `wamid.cache-${i}` };
      const body = JSON.stringify(wa.text(ctx, `mensaje ${i}`));
      const signature = `sha256=${createHmac("sha256", APP_SECRET).update(body).digest("hex")}`;
      // Number B's event arrives on number A's URL, as Meta does for one app.
      return app.app.handle(new Request(`http://localhost/webhooks/${a.id}`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body }));
    };
    try {
      for (let i = 0; i < 5; i++) expect(await (await deliver(i)).json()).toMatchObject({ stored: 1 });
      const afterFirst = opened;
      for (let i = 5; i < 15; i++) expect(await (await deliver(i)).json()).toMatchObject({ stored: 1 });
      expect(opened).toBe(afterFirst);
      const channels = app.db.query<{ c: number }, []>("SELECT DISTINCT channel_id AS c FROM messages WHERE external_id LIKE 'wamid.cache-%'").all();
      expect(channels).toEqual([{ c: b.id }]);
    } finally {
      Reflect.deleteProperty(box, "open");
    }
  });
});
