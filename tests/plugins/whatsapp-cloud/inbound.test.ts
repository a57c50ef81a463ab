/** WhatsApp Cloud plugin: every inbound message type, normalized. */
import { describe, expect, test } from "bun:test";
import { wa } from "../../fakes/meta-graph.ts";
import { ctxWa, CUSTOMER, events, oneMessage, OTHER_PNID, PNID, rawMessage, setup, useMetaGraphFake } from "./setup.ts";

useMetaGraphFake();

// ------------------------------------------------------------------ webhook: inbound messages

describe("inbound messages", () => {
  test("text: wamid, number, sender, profile name, timestamp in ms", async () => {
    const { instance } = await setup();
    const msg = await oneMessage(instance, wa.text(ctxWa(), "Does it come in another color?"));
    expect(msg).toEqual({
      externalId: "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdGRjA1",
      channelKey: PNID,
      from: CUSTOMER,
      profileName: "Sheena Nelson",
      profilePhone: `+${CUSTOMER}`,
      phoneVerified: true,
      timestamp: 1749416383000,
      content: { kind: "text", text: "Does it come in another color?" },
    });
  });

  test("a quoted reply carries the quoted wamid; a forward does not", async () => {
    const { instance } = await setup();
    const reply = await oneMessage(instance, wa.text(ctxWa({ context: { from: "15550783881", id: "wamid.QUOTED123" } }), "this one"));
    expect(reply.replyToExternalId).toBe("wamid.QUOTED123");
    const fwd = await oneMessage(instance, wa.text(ctxWa({ context: { forwarded: true } }), "look"));
    expect(fwd.replyToExternalId).toBeUndefined();
  });

  test("image, audio, video, document and sticker become media references", async () => {
    const { instance } = await setup();
    const image = await oneMessage(instance, wa.media(ctxWa(), "image", { id: "1479537139650973", mimeType: "image/jpeg", caption: "¿este modelo?" }));
    expect(image.content).toEqual({ kind: "media", mediaType: "image", ref: { id: "1479537139650973", mimeType: "image/jpeg" }, caption: "¿este modelo?" });
    const audio = await oneMessage(instance, wa.media(ctxWa(), "audio", { id: "4411", mimeType: "audio/ogg; codecs=opus", voice: true }));
    expect(audio.content).toEqual({ kind: "media", mediaType: "audio", ref: { id: "4411", mimeType: "audio/ogg; codecs=opus" } });
    const video = await oneMessage(instance, wa.media(ctxWa(), "video", { id: "4412", mimeType: "video/mp4" }));
    expect(video.content).toEqual({ kind: "media", mediaType: "video", ref: { id: "4412", mimeType: "video/mp4" } });
    const doc = await oneMessage(instance, wa.media(ctxWa(), "document", { id: "4413", mimeType: "application/pdf", filename: "factura-0042.pdf", caption: "la factura" }));
    expect(doc.content).toEqual({
      kind: "media",
      mediaType: "document",
      ref: { id: "4413", mimeType: "application/pdf" },
      caption: "la factura",
      filename: "factura-0042.pdf",
    });
    const sticker = await oneMessage(instance, wa.media(ctxWa(), "sticker", { id: "4414", mimeType: "image/webp", animated: true }));
    expect(sticker.content).toEqual({ kind: "media", mediaType: "sticker", ref: { id: "4414", mimeType: "image/webp" } });
  });

  test("location and contacts", async () => {
    const { instance } = await setup();
    const loc = await oneMessage(instance, wa.location(ctxWa(), { latitude: 19.4326, longitude: -99.1332, name: "Zócalo", address: "Plaza de la Constitución, CDMX" }));
    expect(loc.content).toEqual({ kind: "location", latitude: 19.4326, longitude: -99.1332, name: "Zócalo", address: "Plaza de la Constitución, CDMX" });
    const pin = await oneMessage(instance, wa.location(ctxWa(), { latitude: -34.6037, longitude: -58.3816 }));
    expect(pin.content).toEqual({ kind: "location", latitude: -34.6037, longitude: -58.3816 });
    const cards = await oneMessage(
      instance,
      wa.contacts(ctxWa(), [
        {
          name: { formatted_name: "Pablo Pérez", first_name: "Pablo", last_name: "Pérez" },
          phones: [
            { phone: "+52 55 1234 5678", wa_id: "5215512345678", type: "CELL" },
            { phone: "+52 55 8765 4321", type: "WORK" },
          ],
        },
        { name: { formatted_name: "Ana" } },
      ]),
    );
    expect(cards.content).toEqual({
      kind: "contacts",
      contacts: [
        { name: "Pablo Pérez", phones: ["+52 55 1234 5678", "+52 55 8765 4321"] },
        { name: "Ana", phones: [] },
      ],
    });
  });

  test("button and list replies, and template quick-reply buttons, become interactive replies", async () => {
    const { instance } = await setup();
    expect((await oneMessage(instance, wa.interactiveButtonReply(ctxWa(), "btn-yes", "Sí, confirmo"))).content).toEqual({
      kind: "interactive_reply",
      id: "btn-yes",
      title: "Sí, confirmo",
    });
    expect((await oneMessage(instance, wa.interactiveListReply(ctxWa(), "row-ventas", "Ventas", "Hablar con ventas"))).content).toEqual({
      kind: "interactive_reply",
      id: "row-ventas",
      title: "Ventas",
    });
    expect((await oneMessage(instance, wa.button(ctxWa(), "Dejar de recibir", "STOP_PROMOS"))).content).toEqual({
      kind: "interactive_reply",
      id: "STOP_PROMOS",
      title: "Dejar de recibir",
    });
  });

  test("reactions, including a removed one (no emoji)", async () => {
    const { instance } = await setup();
    expect((await oneMessage(instance, wa.reaction(ctxWa(), "wamid.OURS1", "❤️"))).content).toEqual({
      kind: "reaction",
      emoji: "❤️",
      targetExternalId: "wamid.OURS1",
    });
    expect((await oneMessage(instance, wa.reaction(ctxWa({ id: "wamid.R2" }), "wamid.OURS1"))).content).toEqual({
      kind: "reaction",
      emoji: "",
      targetExternalId: "wamid.OURS1",
    });
  });

  test("unknown types, Meta's own 'unsupported' and malformed messages are kept as unsupported with the raw JSON", async () => {
    const { instance } = await setup();
    const order = wa.unknown(ctxWa(), "order", { catalog_id: "123", product_items: [{ product_retailer_id: "sku-1", quantity: 2 }] });
    const o = await oneMessage(instance, order);
    expect(o.content).toEqual({ kind: "unsupported", raw: rawMessage(order) });
    expect(o.externalId).toBe("wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdGRjA1");
    expect(o.from).toBe(CUSTOMER);

    const unsupported = wa.unknown(ctxWa(), "unsupported");
    expect((await oneMessage(instance, unsupported)).content).toEqual({ kind: "unsupported", raw: rawMessage(unsupported) });

    // An image without a media id cannot be fetched: keep what came, do not drop it.
    const broken = wa.text(ctxWa(), "x");
    const m = rawMessage(broken) as Record<string, unknown>;
    delete m.text;
    m.type = "image";
    m.image = { mime_type: "image/jpeg" };
    expect((await oneMessage(instance, broken)).content).toEqual({ kind: "unsupported", raw: m });

    // Flows answers are not plain replies.
    const nfm = wa.unknown(ctxWa(), "interactive", { type: "nfm_reply", nfm_reply: { response_json: "{}", name: "flow" } });
    expect((await oneMessage(instance, nfm)).content).toEqual({ kind: "unsupported", raw: rawMessage(nfm) });
  });

  test("newer payloads without wa_id / from use from_user_id and contacts[].user_id", async () => {
    const { instance } = await setup();
    const msg = await oneMessage(instance, wa.text(ctxWa({ omitWaId: true, userId: "US.13491208655302741918", username: "sheena" }), "hi"));
    expect(msg.from).toBe("US.13491208655302741918");
    expect(msg.profileName).toBe("Sheena Nelson");
  });

  test("every entry, change, message and status is read, each with its own number", async () => {
    const { instance } = await setup();
    const other = ctxWa({ phoneNumberId: OTHER_PNID, from: "5215512345678", name: "Pablo", id: "wamid.OTHER1" });
    const batch = wa.batch(
      wa.text(ctxWa({ id: "wamid.A1" }), "uno"),
      wa.text(ctxWa({ id: "wamid.A2" }), "dos"),
      wa.text(other, "tres"),
      wa.status(ctxWa(), "wamid.OUT9", "delivered"),
    );
    const { messages, statuses } = await events(instance, batch);
    expect(messages.map((m) => [m.externalId, m.channelKey, m.from, m.profileName, m.content])).toEqual([
      ["wamid.A1", PNID, CUSTOMER, "Sheena Nelson", { kind: "text", text: "uno" }],
      ["wamid.A2", PNID, CUSTOMER, "Sheena Nelson", { kind: "text", text: "dos" }],
      ["wamid.OTHER1", OTHER_PNID, "5215512345678", "Pablo", { kind: "text", text: "tres" }],
    ]);
    expect(statuses).toEqual([{ externalId: "wamid.OUT9", channelKey: PNID, status: "delivered", timestamp: 1749416383000 }]);
  });
});
