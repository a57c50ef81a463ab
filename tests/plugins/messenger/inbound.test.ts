/** Messenger plugin: inbound messages, profile names, attachments, reactions, standby and echoes. */
import { describe, expect, test } from "bun:test";
import { ms } from "../../fakes/meta-graph.ts";
import { at, meta, OTHER_PAGE, PAGE, PAGE_TOKEN, PSID, PSID2, rawEvent, setup, START, useMetaGraphFake } from "./setup.ts";

useMetaGraphFake();

describe("messenger plugin: inbound messages", () => {
  test("a text message: mid, page id, PSID, ms timestamp and the customer's name from the profile API", async () => {
    const s = await setup();
    const t = START - 5_000;
    const { messages, statuses } = await s.events(ms.text(at(t, { mid: "m_text1" }), "Hola, ¿abren el domingo?"));
    expect(statuses).toEqual([]);
    expect(messages).toEqual([
      {
        externalId: "m_text1",
        channelKey: PAGE,
        from: PSID,
        timestamp: t,
        profileName: "Sheena Nelson",
        content: { kind: "text", text: "Hola, ¿abren el domingo?" },
      },
    ]);
    const lookups = meta.requests.filter((r) => r.route === `/${PSID}`);
    expect(lookups).toHaveLength(1);
    expect(lookups[0]!.method).toBe("GET");
    expect(lookups[0]!.version).toBe("v24.0");
    expect(lookups[0]!.query).toEqual({ fields: "first_name,last_name", access_token: PAGE_TOKEN });
    expect(JSON.parse(s.store.get(`profile:${PSID}`)!)).toEqual({ name: "Sheena Nelson" });

    // Seen before: the cached name, no second lookup.
    const again = await s.events(ms.text(at(t + 1000, { mid: "m_text2" }), "¿Y los lunes?"));
    expect(again.messages[0]!.profileName).toBe("Sheena Nelson");
    expect(meta.requests.filter((r) => r.route === `/${PSID}`)).toHaveLength(1);
  });

  test("a failing profile lookup is logged and the message still goes through", async () => {
    const s = await setup();
    meta.failNext(PSID, 190);
    const { status, result } = await s.deliver(ms.text(at(START, { mid: "m_noname" }), "hola"));
    expect(status).toBe(200);
    if (result?.type !== "events") throw new Error("expected events");
    expect(result.messages).toEqual([{ externalId: "m_noname", channelKey: PAGE, from: PSID, timestamp: START, content: { kind: "text", text: "hola" } }]);
    expect(s.logs.some((l) => l.level === "warn" && l.msg.includes("name") && String(l.fields?.error).includes("190"))).toBe(true);
    // The same page token failed: the channel is flagged, and the failure is remembered (no lookup per message).
    expect(s.health).toEqual([{ status: "needs_attention", reason: expect.any(String) }]);
    expect(JSON.parse(s.store.get(`profile:${PSID}`)!)).toEqual({ failedAt: START });
    await s.events(ms.text(at(START, { mid: "m_noname_2" }), "¿hola?"));
    expect(meta.requests.filter((r) => r.route === `/${PSID}`)).toHaveLength(1);
    // An unknown profile (Meta's #100) is no failure of the webhook either.
    meta.profiles.delete(PSID2);
    const other = await s.events(ms.text(at(START, { psid: PSID2, mid: "m_noname2" }), "hola"));
    expect(other.messages[0]!.profileName).toBeUndefined();
    expect(other.messages[0]!.from).toBe(PSID2);
  });

  test("quick reply taps and postbacks are interactive replies", async () => {
    const s = await setup();
    const qr = await s.events(ms.quickReply(at(START, { mid: "m_qr" }), "Pedido a domicilio", "DELIVERY"));
    expect(qr.messages[0]).toMatchObject({ externalId: "m_qr", from: PSID, content: { kind: "interactive_reply", id: "DELIVERY", title: "Pedido a domicilio" } });
    expect(qr.messages).toHaveLength(1);

    const pb = await s.events(ms.postback(at(START + 1, { mid: "m_pb" }), "Empezar", "GET_STARTED"));
    expect(pb.messages).toEqual([
      { externalId: "m_pb", channelKey: PAGE, from: PSID, timestamp: START + 1, profileName: "Sheena Nelson", content: { kind: "interactive_reply", id: "GET_STARTED", title: "Empezar" } },
    ]);

    // Older postbacks carry no mid: a stable id from sender and time.
    const noMid = await s.events(rawEvent({ postback: { title: "Ver menú", payload: "MENU" } }, START + 2));
    expect(noMid.messages[0]!.externalId).toBe(`pb-${PSID}-${START + 2}`);
    expect(noMid.messages[0]!.content).toEqual({ kind: "interactive_reply", id: "MENU", title: "Ver menú" });
  });

  test("attachments become media by URL; several in one message give one message each", async () => {
    const s = await setup();
    const one = await s.events(ms.attachment(at(START, { mid: "m_img" }), "image", "https://scontent.xx.fbcdn.net/v/t1.15752-9/pan.jpg?oh=1"));
    expect(one.messages).toEqual([
      {
        externalId: "m_img",
        channelKey: PAGE,
        from: PSID,
        timestamp: START,
        profileName: "Sheena Nelson",
        content: { kind: "media", mediaType: "image", ref: { id: "https://scontent.xx.fbcdn.net/v/t1.15752-9/pan.jpg?oh=1" } },
      },
    ]);

    const several = await s.events(
      rawEvent({
        message: {
          mid: "m_many",
          text: "Mira estos",
          attachments: [
            { type: "image", payload: { url: "https://cdn.fbsbx.com/a.jpg" } },
            { type: "file", payload: { url: "https://cdn.fbsbx.com/factura.pdf" } },
            { type: "audio", payload: { url: "https://cdn.fbsbx.com/nota.mp4" } },
            { type: "video", payload: { url: "https://cdn.fbsbx.com/clip.mp4" } },
            { type: "image", payload: { url: "https://cdn.fbsbx.com/sticker.png", sticker_id: 369239263222822 } },
            { type: "location", title: "Panadería Lola", payload: { coordinates: { lat: 19.4326, long: -99.1332 } } },
            { type: "fallback", title: "Un enlace", payload: { url: "https://example.com/x" } },
          ],
        },
      }),
    );
    expect(several.messages.map((m) => [m.externalId, m.content])).toEqual([
      ["m_many", { kind: "media", mediaType: "image", ref: { id: "https://cdn.fbsbx.com/a.jpg" } }],
      ["m_many#2", { kind: "media", mediaType: "document", ref: { id: "https://cdn.fbsbx.com/factura.pdf" } }],
      ["m_many#3", { kind: "media", mediaType: "audio", ref: { id: "https://cdn.fbsbx.com/nota.mp4" } }],
      ["m_many#4", { kind: "media", mediaType: "video", ref: { id: "https://cdn.fbsbx.com/clip.mp4" } }],
      ["m_many#5", { kind: "media", mediaType: "sticker", ref: { id: "https://cdn.fbsbx.com/sticker.png" } }],
      ["m_many#6", { kind: "location", latitude: 19.4326, longitude: -99.1332, name: "Panadería Lola" }],
      ["m_many#7", { kind: "unsupported", raw: { type: "fallback", title: "Un enlace", payload: { url: "https://example.com/x" } } }],
      ["m_many#8", { kind: "text", text: "Mira estos" }],
    ]);
    expect(new Set(several.messages.map((m) => m.from))).toEqual(new Set([PSID]));
  });

  test("a reply carries the quoted mid", async () => {
    const s = await setup();
    const { messages } = await s.events(ms.text(at(START, { mid: "m_reply", replyTo: "m_original" }), "Sí, ese"));
    expect(messages[0]).toMatchObject({ externalId: "m_reply", replyToExternalId: "m_original", content: { kind: "text", text: "Sí, ese" } });
  });

  test("reactions and their removal", async () => {
    const s = await setup();
    const react = await s.events(ms.reaction(at(START), "m_target", "❤"));
    expect(react.messages).toEqual([
      {
        externalId: `react-m_target-${START}`,
        channelKey: PAGE,
        from: PSID,
        timestamp: START,
        profileName: "Sheena Nelson",
        content: { kind: "reaction", emoji: "❤", targetExternalId: "m_target" },
      },
    ]);
    const unreact = await s.events(ms.reaction(at(START + 10), "m_target", "❤", "unreact"));
    expect(unreact.messages[0]).toMatchObject({ externalId: `react-m_target-${START + 10}`, content: { kind: "reaction", emoji: "", targetExternalId: "m_target" } });
  });

  test("unknown content and unknown events are kept as unsupported with the raw JSON", async () => {
    const s = await setup();
    const empty = await s.events(rawEvent({ message: { mid: "m_weird", is_unsupported: true } }));
    expect(empty.messages[0]).toMatchObject({ externalId: "m_weird", content: { kind: "unsupported", raw: { mid: "m_weird", is_unsupported: true } } });

    const edit = { message_edit: { mid: "m_old", text: "corregido", num_edit: 1 } };
    const edited = await s.events(rawEvent(edit, START + 5));
    expect(edited.messages[0]).toMatchObject({
      externalId: `message_edit-${PSID}-${START + 5}`,
      from: PSID,
      content: { kind: "unsupported", raw: { sender: { id: PSID }, recipient: { id: PAGE }, timestamp: START + 5, ...edit } },
    });

    // Not something the customer said: skipped, answered 200.
    const optin = await s.deliver(rawEvent({ optin: { ref: "landing" } }));
    expect(optin).toEqual({ status: 200, result: { type: "ignored", reason: expect.any(String) } });
  });

  test("events under standby (another app controls the thread) are read too", async () => {
    const s = await setup();
    const both = ms.batch(ms.text(at(START, { mid: "m_active" }), "uno"), ms.text(at(START + 1, { mid: "m_standby", standby: true }), "dos"));
    expect(both.entry[0]!.messaging).toHaveLength(1);
    expect(both.entry[0]!.standby).toHaveLength(1);
    const { messages } = await s.events(both);
    expect(messages.map((m) => [m.externalId, m.content])).toEqual([
      ["m_active", { kind: "text", text: "uno" }],
      ["m_standby", { kind: "text", text: "dos" }],
    ]);
  });

  test("echoes of the page's own messages are flagged, addressed to the customer, and cost no profile call", async () => {
    const s = await setup();
    const { messages } = await s.events(ms.echo(at(START), "Enviado desde la bandeja de la página", "m_echo1", "1517776481860111"));
    expect(messages).toEqual([
      { externalId: "m_echo1", channelKey: PAGE, from: PSID, timestamp: START, echo: true, content: { kind: "text", text: "Enviado desde la bandeja de la página" } },
    ]);
    expect(meta.requests).toHaveLength(0);
  });

  test("events of several pages in one delivery keep their page id", async () => {
    const s = await setup();
    const { messages } = await s.events(ms.batch(ms.text(at(START, { mid: "m_a" }), "a"), ms.text(at(START, { pageId: OTHER_PAGE, psid: PSID2, mid: "m_b" }), "b")));
    expect(messages.map((m) => [m.externalId, m.channelKey, m.from])).toEqual([
      ["m_a", PAGE, PSID],
      ["m_b", OTHER_PAGE, PSID2],
    ]);
    // PSIDs are page-scoped: this channel's token cannot name the other page's customer.
    expect(messages[1]!.profileName).toBeUndefined();
    expect(meta.requests.map((r) => r.route)).toEqual([`/${PSID}`]);
  });
});
