import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { BotRunner } from "../../core/bot/bot-runner.ts";
import type { ChannelView } from "../../core/channels/channel-service.ts";
import type { InboundResponder } from "../../core/responses/inbound-responder.ts";
import { T } from "../../core/tokens.ts";
import { ms } from "../fakes/meta-graph.ts";
import { api } from "../helpers/client.ts";
import { APP_SECRET, PAGE, startWithMeta } from "../helpers/meta-setup.ts";
import { WebchatVisitor } from "../helpers/webchat-visitor.ts";

const menuProgram = (channelIds: number[]) => ({
  name: `menú ${channelIds.join(",")}`,
  timeoutMinutes: 60,
  channelIds,
  steps: [
    { priority: 1, type: "menu", text: "¿Con qué área desea hablar?", options: [{ title: "Ventas", goTo: "V" }, { title: "Soporte", goTo: "S" }] },
    { priority: 2, label: "V", type: "end", text: "Ventas le escribe pronto." },
    { priority: 3, label: "S", type: "end", text: "Soporte le escribe pronto." },
  ],
});

/** The same menu on Messenger (quick replies through the Meta fake) and on the web chat (numbered text). */
describe("bot menus on Messenger and the web chat", () => {
  let env: Awaited<ReturnType<typeof startWithMeta>>;
  let messenger: ChannelView;
  let webchat: number;
  let token: string;
  const settle = async () => {
    await env.server.container.resolve<InboundResponder>(T.InboundResponder).idle();
    await env.server.container.resolve<BotRunner>(T.BotRunner).idle();
  };
  const outbound = (channelId: number) =>
    env.server.db.query<{ kind: string; text: string; status: string }, [number]>("SELECT kind, text, status FROM messages WHERE channel_id = ? AND direction = 'out' AND author = 'bot' ORDER BY id").all(channelId);
  const publish = async (body: unknown) => {
    const created = (await (await api(env.server.app, "POST", "/api/v1/bots", token, body)).json()) as { id: number };
    expect((await api(env.server.app, "POST", `/api/v1/bots/${created.id}/publish`, token)).status).toBe(200);
  };

  beforeAll(async () => {
    env = await startWithMeta();
    env.meta.addProfile("7001", { firstName: "Lucía", lastName: "Gómez" });
    messenger = env.messenger(env.server.companyId);
    webchat = env.server.db.query<{ id: number }, []>("SELECT id FROM channels WHERE plugin_id = 'webchat'").get()!.id;
    token = env.server.makeToken(env.server.companyId);
    await publish(menuProgram([messenger.id]));
    await publish(menuProgram([webchat]));
  });
  afterAll(() => env.stop());

  test("Messenger: the menu goes as quick replies; the tap's payload picks the option", async () => {
    const deliver = (payload: unknown) => env.meta.deliver(messenger.webhookUrl, payload, { appSecret: APP_SECRET, retries: 0 });
    await deliver(ms.text({ pageId: PAGE.pageId, psid: "7001", mid: "m_bot1" }, "Hola"));
    await settle();
    const [menu] = await env.meta.waitForSent(1, PAGE.pageId);
    expect(menu).toMatchObject({
      recipient: { id: "7001" },
      messaging_type: "RESPONSE",
      message: {
        text: "¿Con qué área desea hablar?",
        quick_replies: [
          { content_type: "text", title: "Ventas", payload: "opt:1" },
          { content_type: "text", title: "Soporte", payload: "opt:2" },
        ],
      },
    });
    await deliver(ms.quickReply({ pageId: PAGE.pageId, psid: "7001", mid: "m_bot2" }, "Soporte", "opt:2"));
    await settle();
    const sent = await env.meta.waitForSent(2, PAGE.pageId);
    expect((sent[1]!.message as { text: string }).text).toBe("Soporte le escribe pronto.");
  });

  test("web chat (no buttons): the menu is numbered text, and '2' answers it", async () => {
    const v = await new WebchatVisitor(env.server, webchat).open();
    await v.say("Hola");
    await settle();
    for (let i = 0; i < 50 && outbound(webchat).some((m) => m.status === "pending"); i++) await Bun.sleep(20);
    expect(outbound(webchat)).toEqual([{ kind: "interactive", text: "¿Con qué área desea hablar?\n1. Ventas\n2. Soporte", status: expect.stringMatching(/sent|delivered/) }]);
    await v.say("2");
    await settle();
    expect(outbound(webchat).map((m) => m.text)).toEqual(["¿Con qué área desea hablar?\n1. Ventas\n2. Soporte", "Soporte le escribe pronto."]);
  });
});
