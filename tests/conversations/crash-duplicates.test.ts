import { afterAll, describe, expect, test } from "bun:test";
import { MetaGraphFake, wa } from "../fakes/meta-graph.ts";
import { SpawnedCharla } from "../helpers/spawned-server.ts";
const APP_SECRET = "crash-app-secret-0123456789";
const NUMBER = { phoneNumberId: "106540352240001", wabaId: "102290129340001", accessToken: "EAAG-crash-token", displayPhoneNumber: "15550781111" };
const REPLIES = 20;

type Msg = { id: number; externalId: string | null; status: string; maybeDuplicate: boolean; direction: string; author: string };

/**
 * Defect: a WhatsApp reply in flight when the process died was sent twice after the
 * restart (1 of 20 with sends held 400 ms). WhatsApp has no idempotency key, but
 * it repeats biz_opaque_callback_data (our key) in the message's status webhooks:
 * a send whose request may have left waits for that status before going out again.
 */
describe("a reply in flight when the process is killed", () => {
  const servers: SpawnedCharla[] = [];
  afterAll(() => {
    for (const s of servers) s.stop();
  });

  async function crashRun(statusWebhooks: boolean) {
    const meta = new MetaGraphFake();
    const graph = await meta.start();
    meta.addWhatsAppNumber(NUMBER);
    const charla = new SpawnedCharla({ META_GRAPH_URL: graph, SEND_CONFIRM_GRACE_SECONDS: "2" });
    servers.push(charla);
    const base = charla.base;
    try {
      const first = await charla.serve();
      charla.token("crash");
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await charla.call(method, path, body);
        return { status: res.status, json: (await res.json().catch(() => null)) as Record<string, unknown> };
      };
      const created = await call("POST", "/api/v1/channels", {
        plugin: "whatsapp-cloud",
        name: "WhatsApp",
        config: { phoneNumberId: NUMBER.phoneNumberId, wabaId: NUMBER.wabaId, accessToken: NUMBER.accessToken, appSecret: APP_SECRET },
      });
      expect(created.status).toBe(201);
      const webhookUrl = `${base}/webhooks/${created.json.id}`;
      if (statusWebhooks) meta.sendStatusWebhooks(NUMBER.phoneNumberId, { url: webhookUrl, appSecret: APP_SECRET, statuses: ["sent"] });

      const ctx = (i: number) => ({ wabaId: NUMBER.wabaId, phoneNumberId: NUMBER.phoneNumberId, displayPhoneNumber: NUMBER.displayPhoneNumber, from: `5730055${String(i).padStart(5, "0")}` });
      for (let i = 0; i < REPLIES; i++) {
        const [r] = await meta.deliver(webhookUrl, wa.text(ctx(i), `hola ${i}`), { appSecret: APP_SECRET });
        expect(r!.status).toBe(200);
      }
      const conversations = ((await call("GET", "/api/v1/conversations")).json.data as { id: number }[]).map((c) => c.id);
      expect(conversations).toHaveLength(REPLIES);

      // Meta takes each message at once but answers 400 ms later: one request is always out.
      meta.sendLatencyMs = 400;
      for (const id of conversations) expect((await call("POST", `/api/v1/conversations/${id}/messages`, { text: `respuesta a ${id}` })).status).toBe(201);
      while (meta.sent(NUMBER.phoneNumberId).length < 3) await Bun.sleep(5);
      first.kill("SIGKILL");
      await first.exited;
      const acceptedBeforeKill = meta.sent(NUMBER.phoneNumberId).length;
      meta.sendLatencyMs = 0;

      await charla.serve();
      const replies = async (): Promise<Msg[]> => {
        const out: Msg[] = [];
        for (const id of conversations) {
          const data = (await call("GET", `/api/v1/conversations/${id}/messages`)).json.data as Msg[];
          out.push(...data.filter((m) => m.direction === "out" && m.author !== "system"));
        }
        return out;
      };
      let settled: Msg[] = [];
      for (let i = 0; i < 400; i++) {
        settled = await replies();
        if (settled.length === REPLIES && settled.every((m) => m.externalId)) break;
        await Bun.sleep(50);
      }
      await meta.statusesDelivered();
      const perKey = new Map<string, number>();
      for (const body of meta.sent(NUMBER.phoneNumberId)) {
        const key = String(body.biz_opaque_callback_data);
        perKey.set(key, (perKey.get(key) ?? 0) + 1);
      }
      return { settled, perKey, acceptedBeforeKill, meta };
    } finally {
      charla.killAll();
      await meta.stop();
    }
  }

  test("with Meta's status webhooks, the interrupted reply is confirmed by its status and never sent twice", async () => {
    const { settled, perKey, acceptedBeforeKill } = await crashRun(true);
    expect(settled).toHaveLength(REPLIES);
    expect(settled.every((m) => m.externalId && m.status !== "pending")).toBe(true);
    expect(perKey.size).toBe(REPLIES);
    const twice = [...perKey.values()].filter((n) => n > 1).length;
    console.log(`crash test (status webhooks on): ${REPLIES} replies, SIGKILL after ${acceptedBeforeKill} reached Meta; sent twice: ${twice}/${REPLIES} (duplicate rate ${((twice / REPLIES) * 100).toFixed(0)} %)`);
    expect(twice).toBe(0);
    expect(settled.filter((m) => m.maybeDuplicate)).toEqual([]);
  }, 60_000);

  test("without a status from Meta, the reply goes again after the grace period and is marked as possibly received twice", async () => {
    const { settled, perKey, acceptedBeforeKill } = await crashRun(false);
    expect(settled).toHaveLength(REPLIES);
    const twice = [...perKey.entries()].filter(([, n]) => n > 1).map(([k]) => k);
    console.log(`crash test (no status webhooks): ${REPLIES} replies, SIGKILL after ${acceptedBeforeKill} reached Meta; sent twice: ${twice.length}/${REPLIES}, each marked for agents`);
    expect(twice).toHaveLength(1);
    const marked = settled.filter((m) => m.maybeDuplicate).map((m) => `charla-${m.id}`);
    expect(marked).toEqual(twice);
  }, 60_000);
});
