import type { OutboundMessage, SendResult } from "../../core/channels/contract.ts";
import { describeError, toSendFailure } from "./errors.ts";
import type { GraphClient } from "./graph-client.ts";
import { uploadMedia, uploadName } from "./media.ts";

/** https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages#text-object */
export const MAX_TEXT_CHARS = 4096;

type Json = Record<string, unknown>;

/**
 * OutboundMessage → `POST /{phone-number-id}/messages`.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 * The Cloud API has no idempotency key, but it repeats `biz_opaque_callback_data`
 * in the message's status webhooks: our key travels there, so a send whose answer
 * was lost (crash, timeout) is recognised by its "sent" status instead of being
 * sent twice (manifest idempotency "callback").
 */
export async function sendMessage(graph: GraphClient, phoneNumberId: string, msg: OutboundMessage): Promise<SendResult> {
  const c = msg.content;
  let payload: Json;
  switch (c.kind) {
    case "text": {
      const length = [...c.text].length;
      if (length === 0) return { ok: false, retryable: false, reason: "Empty text message", code: "invalid" };
      if (length > MAX_TEXT_CHARS) {
        return { ok: false, retryable: false, reason: `WhatsApp text messages take at most ${MAX_TEXT_CHARS} characters (this one has ${length})`, code: "invalid" };
      }
      // No link previews: a fetched preview of a customer-supplied link is a surprise to the agent.
      payload = { type: "text", text: { preview_url: false, body: c.text } };
      break;
    }
    case "media": {
      let blob: Blob;
      try {
        blob = await c.read();
      } catch (e) {
        // The stored file is gone or unreadable: retrying will not bring it back.
        return { ok: false, retryable: false, reason: `Could not read the file to send: ${e instanceof Error ? e.message : String(e)}`, code: "invalid" };
      }
      const upload = await uploadMedia(graph, phoneNumberId, { blob, mimeType: c.mimeType, filename: uploadName(c.mediaType, c.mimeType, c.filename) });
      // An upload that timed out sent nothing to the customer: no doubt to wait out.
      if (!upload.ok) return toSendFailure(upload.error, false);
      const media: Json = { id: upload.data.id };
      // Audio takes no caption; documents keep their file name for the customer.
      if (c.caption && c.mediaType !== "audio") media.caption = c.caption;
      if (c.filename && c.mediaType === "document") media.filename = c.filename;
      payload = { type: c.mediaType, [c.mediaType]: media };
      break;
    }
    case "reaction":
      // An empty emoji removes the business's reaction.
      payload = { type: "reaction", reaction: { message_id: c.targetExternalId, emoji: c.emoji } };
      break;
    case "template": {
      // https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates
      const template: Json = { name: c.name, language: { code: c.language } };
      if (c.parameters.length > 0) {
        template.components = [{ type: "body", parameters: c.parameters.map((text) => ({ type: "text", text })) }];
      }
      payload = { type: "template", template };
      break;
    }
    case "interactive":
      payload = interactivePayload(c);
      break;
  }
  const body: Json = { messaging_product: "whatsapp", recipient_type: "individual", to: msg.to, ...payload };
  // Up to 512 characters, echoed in this message's status webhooks (parse-status.ts).
  if (msg.idempotencyKey) body.biz_opaque_callback_data = msg.idempotencyKey.slice(0, 512);
  // Quoting: the customer sees our answer attached to their message. Reactions already name theirs.
  if (msg.replyToExternalId && c.kind !== "reaction") body.context = { message_id: msg.replyToExternalId };
  const res = await graph.postJson<{ messages?: { id?: unknown }[] }>(`${phoneNumberId}/messages`, body);
  if (!res.ok) return toSendFailure(res.error);
  const id = res.data.messages?.[0]?.id;
  // Accepted without an id should not happen; a retry could duplicate, so give up loudly.
  if (typeof id !== "string" || !id) return { ok: false, retryable: false, reason: "The Graph API accepted the message but returned no id" };
  return { ok: true, externalId: id };
}

/**
 * Reply buttons for up to 3 options (titles ≤ 20), a list for up to 10 (row titles
 * ≤ 24), numbered text beyond: the customer's tap comes back as button_reply or
 * list_reply with the option's id.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-reply-buttons-messages
 */
export function interactivePayload(c: Extract<OutboundMessage["content"], { kind: "interactive" }>): Json {
  const body = { text: [...c.text].slice(0, 1024).join("") };
  if (c.options.length <= 3 && c.options.every((o) => [...o.title].length <= 20)) {
    return { type: "interactive", interactive: { type: "button", body, action: { buttons: c.options.map((o) => ({ type: "reply", reply: { id: o.id, title: o.title } })) } } };
  }
  if (c.options.length <= 10 && c.options.every((o) => [...o.title].length <= 24)) {
    return {
      type: "interactive",
      interactive: { type: "list", body, action: { button: [...c.button].slice(0, 20).join(""), sections: [{ title: [...c.button].slice(0, 24).join(""), rows: c.options.map((o) => ({ id: o.id, title: o.title })) }] } },
    };
  }
  return { type: "text", text: { preview_url: false, body: c.numberedText } };
}

/** https://developers.facebook.com/docs/whatsapp/cloud-api/guides/mark-message-as-read */
export async function markRead(graph: GraphClient, phoneNumberId: string, wamid: string): Promise<void> {
  const res = await graph.postJson(`${phoneNumberId}/messages`, { messaging_product: "whatsapp", status: "read", message_id: wamid });
  if (!res.ok) throw new Error(`WhatsApp mark-read of ${wamid} failed: ${describeError(res.error)}`);
}
