import { graphError, waInvalid, type MetaErrorSpec } from "./errors.ts";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string";
const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";
const isHttpUrl = (v: unknown): boolean => isStr(v) && /^https?:\/\/\S+$/.test(v);
const isNum = (v: unknown): boolean => (typeof v === "number" && Number.isFinite(v)) || (isStr(v) && v.trim() !== "" && Number.isFinite(Number(v)));

// ---------------------------------------------------------------- WhatsApp

export const WA_TYPES = ["text", "template", "image", "audio", "video", "document", "sticker", "reaction", "interactive", "location", "contacts"] as const;
const WA_MEDIA = new Set(["image", "audio", "video", "document", "sticker"]);
const INTERACTIVE_TYPES = new Set([
  "button", "list", "cta_url", "flow", "product", "product_list", "catalog_message", "location_request_message", "address_message", "call_permission_request",
]);

const required = (param: string): MetaErrorSpec => waInvalid(`(#100) The parameter ${param} is required.`, `The parameter ${param} is required.`);
const invalid = (details: string): MetaErrorSpec => waInvalid("(#100) Invalid parameter", details);
const tooLong = (param: string, max: number): MetaErrorSpec => invalid(`Param ${param} must be at most ${max} characters long.`);

export type WaSendKind = { kind: "read" } | { kind: "message"; type: string; to: string };

/** Validates a Cloud API POST /{phone_number_id}/messages body. Returns the error to answer, or what it is. */
export function validateWhatsAppSend(body: unknown): MetaErrorSpec | WaSendKind {
  if (!isObj(body)) return invalid("The request body must be a JSON object.");
  if (body.messaging_product === undefined) return required("messaging_product");
  if (body.messaging_product !== "whatsapp") return invalid(`Param messaging_product must be one of {WHATSAPP} - got "${String(body.messaging_product)}".`);

  if (body.status !== undefined) {
    if (body.status !== "read") return invalid(`Param status must be one of {READ} - got "${String(body.status)}".`);
    if (!nonEmpty(body.message_id)) return required("message_id");
    if (body.typing_indicator !== undefined && !(isObj(body.typing_indicator) && body.typing_indicator.type === "text"))
      return invalid("Param typing_indicator['type'] must be one of {TEXT}.");
    return { kind: "read" };
  }

  if (body.recipient_type !== undefined && body.recipient_type !== "individual" && body.recipient_type !== "group")
    return invalid(`Param recipient_type must be one of {INDIVIDUAL, GROUP} - got "${String(body.recipient_type)}".`);
  if (body.to === undefined || body.to === "") return required("to");
  if (!isStr(body.to) || !/^\+?\d{5,20}$/.test(body.to)) return invalid("Param to must be a phone number: digits only, optionally with a leading +.");

  const type = body.type === undefined ? "text" : body.type;
  if (!isStr(type) || !(WA_TYPES as readonly string[]).includes(type))
    return invalid(`Param type must be one of {${WA_TYPES.map((t) => t.toUpperCase()).join(", ")}} - got "${String(type)}".`);

  if (body.context !== undefined && !(isObj(body.context) && nonEmpty(body.context.message_id))) return required("context['message_id']");

  const content = body[type];
  if (!isObj(content) && !(type === "contacts" && Array.isArray(content))) return required(type);
  const err = validateWaContent(type, content as Obj);
  return err ?? { kind: "message", type, to: body.to };
}

function validateWaContent(type: string, c: Obj): MetaErrorSpec | null {
  switch (type) {
    case "text":
      if (!nonEmpty(c.body)) return required("text['body']");
      if (c.body.length > 4096) return tooLong("text['body']", 4096);
      if (c.preview_url !== undefined && typeof c.preview_url !== "boolean") return invalid("Param text['preview_url'] must be a boolean.");
      return null;
    case "template": {
      if (!nonEmpty(c.name)) return required("template['name']");
      if (!isObj(c.language)) return required("template['language']");
      if (!nonEmpty(c.language.code)) return required("template['language']['code']");
      if (c.components !== undefined && !Array.isArray(c.components)) return invalid("Param template['components'] must be an array.");
      for (const [i, comp] of ((c.components as unknown[]) ?? []).entries()) {
        if (!isObj(comp) || !nonEmpty(comp.type)) return required(`template['components'][${i}]['type']`);
        if (comp.parameters !== undefined && !Array.isArray(comp.parameters)) return invalid(`Param template['components'][${i}]['parameters'] must be an array.`);
      }
      return null;
    }
    case "reaction":
      if (!nonEmpty(c.message_id)) return required("reaction['message_id']");
      if (!isStr(c.emoji)) return required("reaction['emoji']");
      return null;
    case "location":
      if (!isNum(c.latitude)) return required("location['latitude']");
      if (!isNum(c.longitude)) return required("location['longitude']");
      return null;
    case "contacts":
      if (!Array.isArray(c) || c.length === 0) return required("contacts");
      for (const [i, card] of (c as unknown[]).entries())
        if (!isObj(card) || !isObj(card.name) || !nonEmpty(card.name.formatted_name)) return required(`contacts[${i}]['name']['formatted_name']`);
      return null;
    case "interactive":
      return validateInteractive(c);
    default:
      if (WA_MEDIA.has(type)) return validateMedia(type, c);
      return null;
  }
}

function validateMedia(type: string, c: Obj): MetaErrorSpec | null {
  const hasId = c.id !== undefined, hasLink = c.link !== undefined;
  if (hasId === hasLink) return invalid(`Param ${type} must contain exactly one of id or link.`);
  if (hasId && !nonEmpty(c.id)) return invalid(`Param ${type}['id'] must be a non-empty string.`);
  if (hasLink && !isHttpUrl(c.link)) return invalid(`Param ${type}['link'] must be a valid http(s) URL.`);
  if (c.caption !== undefined) {
    if (type === "audio" || type === "sticker") return invalid(`Param ${type}['caption'] is not a valid parameter: ${type} messages take no caption.`);
    if (!isStr(c.caption)) return invalid(`Param ${type}['caption'] must be a string.`);
    if (c.caption.length > 1024) return tooLong(`${type}['caption']`, 1024);
  }
  if (c.filename !== undefined && type !== "document") return invalid(`Param ${type}['filename'] is not a valid parameter: only documents take a filename.`);
  return null;
}

function validateInteractive(c: Obj): MetaErrorSpec | null {
  if (!nonEmpty(c.type)) return required("interactive['type']");
  if (!INTERACTIVE_TYPES.has(c.type)) return invalid(`Param interactive['type'] must be one of {${[...INTERACTIVE_TYPES].join(", ").toUpperCase()}} - got "${c.type}".`);
  if (c.type !== "button" && c.type !== "list") return null;
  if (!isObj(c.body) || !nonEmpty(c.body.text)) return required("interactive['body']['text']");
  if (c.body.text.length > 1024) return tooLong("interactive['body']['text']", 1024);
  if (isObj(c.footer) && isStr(c.footer.text) && c.footer.text.length > 60) return tooLong("interactive['footer']['text']", 60);
  if (!isObj(c.action)) return required("interactive['action']");
  const a = c.action;
  if (c.type === "button") {
    if (!Array.isArray(a.buttons) || a.buttons.length === 0) return required("interactive['action']['buttons']");
    if (a.buttons.length > 3) return invalid("Param interactive['action']['buttons'] must have at most 3 elements.");
    const seen = new Set<string>();
    for (const [i, b] of (a.buttons as unknown[]).entries()) {
      const p = `interactive['action']['buttons'][${i}]`;
      if (!isObj(b) || b.type !== "reply" || !isObj(b.reply)) return required(`${p}['reply']`);
      if (!nonEmpty(b.reply.id)) return required(`${p}['reply']['id']`);
      if (b.reply.id.length > 256) return tooLong(`${p}['reply']['id']`, 256);
      if (!nonEmpty(b.reply.title)) return required(`${p}['reply']['title']`);
      if (b.reply.title.length > 20) return tooLong(`${p}['reply']['title']`, 20);
      if (seen.has(b.reply.id) || seen.has(`t:${b.reply.title}`)) return invalid("Button ids and titles must be unique.");
      seen.add(b.reply.id).add(`t:${b.reply.title}`);
    }
    return null;
  }
  if (!nonEmpty(a.button)) return required("interactive['action']['button']");
  if (a.button.length > 20) return tooLong("interactive['action']['button']", 20);
  if (!Array.isArray(a.sections) || a.sections.length === 0) return required("interactive['action']['sections']");
  if (a.sections.length > 10) return invalid("Param interactive['action']['sections'] must have at most 10 elements.");
  let rows = 0;
  for (const [i, s] of (a.sections as unknown[]).entries()) {
    const p = `interactive['action']['sections'][${i}]`;
    if (!isObj(s) || !Array.isArray(s.rows) || s.rows.length === 0) return required(`${p}['rows']`);
    if (a.sections.length > 1 && !nonEmpty(s.title)) return required(`${p}['title']`);
    if (isStr(s.title) && s.title.length > 24) return tooLong(`${p}['title']`, 24);
    for (const [j, r] of (s.rows as unknown[]).entries()) {
      rows++;
      const q = `${p}['rows'][${j}]`;
      if (!isObj(r) || !nonEmpty(r.id)) return required(`${q}['id']`);
      if (r.id.length > 200) return tooLong(`${q}['id']`, 200);
      if (!nonEmpty(r.title)) return required(`${q}['title']`);
      if (r.title.length > 24) return tooLong(`${q}['title']`, 24);
      if (r.description !== undefined && (!isStr(r.description) || r.description.length > 72)) return tooLong(`${q}['description']`, 72);
    }
  }
  if (rows > 10) return invalid("The total number of rows across all sections must be at most 10.");
  return null;
}

// ---------------------------------------------------------------- Messenger

const msInvalid = (message: string, subcode?: number): MetaErrorSpec => graphError(400, 100, message, subcode);
const MESSAGING_TYPES = new Set(["RESPONSE", "UPDATE", "MESSAGE_TAG"]);
const TAGS = new Set(["HUMAN_AGENT", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE", "ACCOUNT_UPDATE", "CUSTOMER_FEEDBACK"]);
const SENDER_ACTIONS = new Set(["typing_on", "typing_off", "mark_seen"]);
const ATTACHMENT_TYPES = new Set(["image", "audio", "video", "file", "template"]);

export type MsSendKind = { kind: "action"; psid: string } | { kind: "message"; psid: string };

/** Validates a Send API POST /me/messages body. */
export function validateMessengerSend(body: unknown): MetaErrorSpec | MsSendKind {
  if (!isObj(body)) return msInvalid("(#100) The request body must be a JSON object");
  if (!isObj(body.recipient) || !nonEmpty(body.recipient.id)) return msInvalid("(#100) The parameter recipient is required");
  const psid = body.recipient.id;
  if (body.sender_action !== undefined) {
    if (!isStr(body.sender_action) || !SENDER_ACTIONS.has(body.sender_action))
      return msInvalid(`(#100) Param sender_action must be one of {typing_on, typing_off, mark_seen} - got "${String(body.sender_action)}"`);
    if (body.message !== undefined) return msInvalid("(#100) Cannot send a message and a sender_action in the same request");
    return { kind: "action", psid };
  }
  if (body.message === undefined) return msInvalid("(#100) Must send either message or sender_action");
  if (body.messaging_type === undefined) return msInvalid("(#100) The parameter messaging_type is required");
  if (!isStr(body.messaging_type) || !MESSAGING_TYPES.has(body.messaging_type))
    return msInvalid(`(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG} - got "${String(body.messaging_type)}"`);
  if (body.messaging_type === "MESSAGE_TAG") {
    if (body.tag === undefined) return msInvalid("(#100) The parameter tag is required when messaging_type is MESSAGE_TAG");
    if (!isStr(body.tag) || !TAGS.has(body.tag)) return msInvalid(`(#100) Param tag must be one of {${[...TAGS].join(", ")}} - got "${String(body.tag)}"`);
  }
  const m = body.message;
  if (!isObj(m)) return msInvalid("(#100) Param message must be an object");
  if (m.text === undefined && m.attachment === undefined) return msInvalid("(#100) Message must contain text or an attachment");
  if (m.text !== undefined && m.attachment !== undefined) return msInvalid("(#100) Message cannot contain both text and an attachment");
  if (m.text !== undefined) {
    if (!nonEmpty(m.text)) return msInvalid("(#100) param message[text] must be a non-empty UTF-8 encoded string");
    if (m.text.length > 2000) return msInvalid("(#100) Length of param message[text] must be less than or equal to 2000");
  }
  if (m.attachment !== undefined) {
    const a = m.attachment;
    if (!isObj(a) || !isStr(a.type) || !ATTACHMENT_TYPES.has(a.type)) return msInvalid("(#100) Param message[attachment][type] must be one of {image, audio, video, file, template}");
    if (!isObj(a.payload)) return msInvalid("(#100) The parameter message[attachment][payload] is required");
    if (a.type === "template") {
      if (!nonEmpty(a.payload.template_type)) return msInvalid("(#100) The parameter message[attachment][payload][template_type] is required");
    } else {
      const hasUrl = a.payload.url !== undefined, hasId = a.payload.attachment_id !== undefined;
      if (hasUrl === hasId) return msInvalid("(#100) Attachment payload must contain exactly one of url or attachment_id");
      if (hasUrl && !isHttpUrl(a.payload.url)) return msInvalid("(#100) Param message[attachment][payload][url] must be a valid URL");
      if (a.payload.is_reusable !== undefined && typeof a.payload.is_reusable !== "boolean") return msInvalid("(#100) Param message[attachment][payload][is_reusable] must be a boolean");
    }
  }
  if (m.quick_replies !== undefined) {
    if (!Array.isArray(m.quick_replies) || m.quick_replies.length === 0) return msInvalid("(#100) Param message[quick_replies] must be a non-empty array");
    if (m.quick_replies.length > 13) return msInvalid("(#100) param message[quick_replies] must have at most 13 elements");
    for (const [i, q] of (m.quick_replies as unknown[]).entries()) {
      const p = `message[quick_replies][${i}]`;
      if (!isObj(q) || !isStr(q.content_type) || !["text", "user_phone_number", "user_email"].includes(q.content_type))
        return msInvalid(`(#100) param ${p}[content_type] must be one of {text, user_phone_number, user_email}`);
      if (q.content_type !== "text") continue;
      if (!nonEmpty(q.title)) return msInvalid(`(#100) param ${p}[title] must be a non-empty UTF-8 encoded string`);
      if (q.title.length > 20) return msInvalid(`(#100) Length of param ${p}[title] must be less than or equal to 20`);
      if (!nonEmpty(q.payload)) return msInvalid(`(#100) param ${p}[payload] must be a non-empty UTF-8 encoded string`);
      if (q.payload.length > 1000) return msInvalid(`(#100) Length of param ${p}[payload] must be less than or equal to 1000`);
    }
  }
  return { kind: "message", psid };
}

export function isErrorSpec(v: unknown): v is MetaErrorSpec {
  return isObj(v) && typeof v.status === "number" && isObj(v.body) && isObj(v.body.error);
}
