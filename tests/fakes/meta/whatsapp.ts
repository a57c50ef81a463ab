import { META_ERRORS, graphError, objectNotFound, waInvalid, withFreshTrace, type MetaErrorSpec } from "./errors.ts";
import { hmacHex, newWamid, randomGraphId, sha256Hex } from "./ids.ts";
import { reply, replyError, type Call, type FakeState, type MessageTemplate, type WhatsAppNumber } from "./state.ts";
import { isErrorSpec, validateWhatsAppSend } from "./validate.ts";

/** Token must be valid and belong to the number's WABA. */
function authorizeNumber(s: FakeState, call: Call, phoneId: string, method: "get" | "post"): WhatsAppNumber | Response {
  const tErr = s.tokenError(call.token);
  if (tErr) return replyError(call, tErr);
  const num = s.numbers.get(phoneId);
  if (!num || !s.wabasOfToken(call.token).has(num.wabaId)) return replyError(call, objectNotFound(method, phoneId));
  return num;
}

export function waSend(s: FakeState, call: Call, phoneId: string): Response {
  const num = authorizeNumber(s, call, phoneId, "post");
  if (num instanceof Response) return num;
  const v = validateWhatsAppSend(call.rec.body);
  if (isErrorSpec(v)) return replyError(call, v);
  const body = call.rec.body as Record<string, unknown>;
  if (v.kind === "read") {
    s.outbox.push({ channel: "whatsapp", target: phoneId, body, id: null, action: true, at: Date.now() });
    return reply(call, 200, { success: true });
  }
  if (v.type === "template") {
    const err = checkTemplate(s, num.wabaId, body.template as { name: string; language: { code: string }; components?: unknown[] });
    if (err) return replyError(call, err);
  }
  const wamid = newWamid();
  const record = { channel: "whatsapp" as const, target: phoneId, body, id: wamid, action: false, at: Date.now() };
  s.outbox.push(record);
  s.onAccepted?.(record);
  const message: Record<string, string> = { id: wamid };
  if (v.type === "template") message.message_status = "accepted";
  return reply(call, 200, {
    messaging_product: "whatsapp",
    contacts: [{ input: v.to, wa_id: v.to.replace(/^\+/, "") }],
    messages: [message],
  });
}

const placeholders = (text: string | undefined): number => new Set([...(text ?? "").matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map((m) => m[1])).size;

function cloudError(code: 132000 | 132001, details: string): MetaErrorSpec {
  const spec = withFreshTrace(META_ERRORS[code]);
  spec.body.error.error_data = { messaging_product: "whatsapp", details };
  return spec;
}

function checkTemplate(s: FakeState, wabaId: string, t: { name: string; language: { code: string }; components?: unknown[] }): MetaErrorSpec | null {
  const list = s.templates.get(wabaId) ?? [];
  if (s.checkTemplates === false || (s.checkTemplates === "auto" && list.length === 0)) return null;
  const found = list.find((x) => x.name === t.name && x.language === t.language.code);
  if (!found || found.status !== "APPROVED") return cloudError(132001, `template name (${t.name}) does not exist in ${t.language.code}`);
  const expected = placeholders(found.components.find((c) => c.type.toUpperCase() === "BODY")?.text);
  let got = 0;
  for (const c of (t.components ?? []) as { type?: string; parameters?: unknown[] }[])
    if (String(c.type).toLowerCase() === "body") got += c.parameters?.length ?? 0;
  if (got !== expected) return cloudError(132000, `body: number of localizable_params (${got}) does not match the expected number of params (${expected})`);
  return null;
}

// ------------------------------------------------------------------ media

const MIME: Record<string, { kind: string; max: number }> = {};
const addMime = (kind: string, max: number, ...types: string[]) => types.forEach((t) => (MIME[t] = { kind, max }));
addMime("audio", 16 << 20, "audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg");
addMime("image", 5 << 20, "image/jpeg", "image/png");
addMime("sticker", 500 << 10, "image/webp");
addMime("video", 16 << 20, "video/mp4", "video/3gpp");
addMime(
  "document",
  100 << 20,
  "text/plain",
  "application/pdf",
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
);

export async function waUpload(s: FakeState, call: Call, phoneId: string): Promise<Response> {
  const num = authorizeNumber(s, call, phoneId, "post");
  if (num instanceof Response) return num;
  const form = call.form;
  const required = (p: string) => waInvalid(`(#100) The parameter ${p} is required.`, `The parameter ${p} is required.`);
  if (!form) return replyError(call, waInvalid("(#100) Invalid parameter", "Upload media as multipart/form-data."));
  const mp = form.get("messaging_product");
  if (mp === null) return replyError(call, required("messaging_product"));
  if (mp !== "whatsapp") return replyError(call, waInvalid("(#100) Invalid parameter", `Param messaging_product must be one of {WHATSAPP} - got "${String(mp)}".`));
  const file = form.get("file");
  if (!(file instanceof Blob)) return replyError(call, required("file"));
  const type = form.get("type");
  if (typeof type !== "string" || type === "") return replyError(call, required("type"));
  const mime = type.split(";")[0]!.trim().toLowerCase();
  const rule = MIME[mime];
  if (!rule)
    return replyError(call, waInvalid("(#100) Invalid parameter", `Param file must be a file with one of the following types: ${Object.keys(MIME).join(", ")}. Received file of type '${type}'.`));
  if (file.size > rule.max) return replyError(call, waInvalid("(#100) Invalid parameter", `Param file must be at most ${rule.max} bytes for ${rule.kind}; got ${file.size}.`));
  const bytes = new Uint8Array(await file.arrayBuffer());
  const id = randomGraphId();
  const filename = file instanceof File && file.name ? file.name : undefined;
  s.media.set(id, { id, bytes, mimeType: type, sha256: sha256Hex(bytes), filename, phoneNumberId: phoneId });
  return reply(call, 200, { id });
}

export function mediaSig(s: FakeState, id: string, exp: number): string {
  return `${exp}.${hmacHex("sha256", s.urlSecret, `${id}.${exp}`).slice(0, 32)}`;
}

export function waMediaInfo(s: FakeState, call: Call, mediaId: string): Response {
  const tErr = s.tokenError(call.token);
  if (tErr) return replyError(call, tErr);
  const m = s.media.get(mediaId);
  if (!m || s.wabasOfToken(call.token).size === 0) return replyError(call, objectNotFound("get", mediaId));
  const sig = mediaSig(s, m.id, Date.now() + s.mediaUrlTtlMs);
  return reply(call, 200, {
    url: `${s.url}/download/${m.id}?sig=${encodeURIComponent(sig)}`,
    mime_type: m.mimeType,
    sha256: m.sha256,
    file_size: m.bytes.byteLength,
    id: m.id,
    messaging_product: "whatsapp",
  });
}

export function waMediaDelete(s: FakeState, call: Call, mediaId: string): Response {
  const tErr = s.tokenError(call.token);
  if (tErr) return replyError(call, tErr);
  if (!s.media.has(mediaId) || s.wabasOfToken(call.token).size === 0) return replyError(call, objectNotFound("delete", mediaId));
  s.media.delete(mediaId);
  return reply(call, 200, { success: true });
}

/** GET /download/{id}?sig=..: needs the Bearer header and an unexpired signature. */
export function waDownload(s: FakeState, call: Call, mediaId: string): Response {
  const auth = call.rec.headers.authorization ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim() ?? null;
  if (!bearer || s.wabasOfToken(bearer).size === 0) {
    const spec = bearer ? graphError(401, 190, "Error validating access token: Session has expired", 463) : graphError(401, 190, "Invalid OAuth access token - Cannot parse access token");
    return replyError(call, spec);
  }
  const m = s.media.get(mediaId);
  const sig = call.url.searchParams.get("sig") ?? "";
  const exp = Number(sig.split(".")[0]);
  if (!m || !Number.isFinite(exp) || sig !== mediaSig(s, mediaId, exp) || exp < Date.now()) {
    call.rec.status = 404;
    return new Response("URL signature mismatch or expired", { status: 404, headers: { "content-type": "text/plain" } });
  }
  call.rec.status = 200;
  call.rec.response = null;
  const headers: Record<string, string> = { "content-type": m.mimeType, "content-length": String(m.bytes.byteLength) };
  if (m.filename) headers["content-disposition"] = `attachment; filename="${m.filename.replace(/"/g, "")}"`;
  return new Response(new Uint8Array(m.bytes), { status: 200, headers });
}

// ------------------------------------------------------------------ templates & numbers

const enc = (n: number): string => Buffer.from(`tpl:${n}`).toString("base64url");
const dec = (c: string): number | null => {
  const m = /^tpl:(\d+)$/.exec(Buffer.from(c, "base64url").toString());
  return m ? Number(m[1]) : null;
};

export function waTemplates(s: FakeState, call: Call, wabaId: string): Response {
  const tErr = s.tokenError(call.token);
  if (tErr) return replyError(call, tErr);
  if (!s.wabasOfToken(call.token).has(wabaId)) return replyError(call, objectNotFound("get", wabaId));
  const q = call.url.searchParams;
  let list: MessageTemplate[] = s.templates.get(wabaId) ?? [];
  const status = q.get("status")?.toUpperCase().split(",");
  if (status) list = list.filter((t) => status.includes(t.status));
  const category = q.get("category")?.toUpperCase().split(",");
  if (category) list = list.filter((t) => category.includes(t.category));
  const name = q.get("name")?.toLowerCase();
  if (name) list = list.filter((t) => t.name.toLowerCase().includes(name));
  const language = q.get("language");
  if (language) list = list.filter((t) => t.language === language);

  const limitRaw = q.get("limit");
  const limit = limitRaw === null ? s.defaultPageSize : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1) return replyError(call, graphError(400, 100, "(#100) Param limit must be a positive integer"));
  const after = q.get("after"), before = q.get("before");
  let start = 0;
  if (after !== null || before !== null) {
    const n = dec((after ?? before)!);
    if (n === null) return replyError(call, graphError(400, 100, "(#100) Invalid pagination cursor"));
    start = after !== null ? n + 1 : Math.max(0, n - limit);
  }
  const page = list.slice(start, start + limit);
  const fields = q.get("fields")?.split(",").map((f) => f.trim()).filter(Boolean);
  const data = page.map((t) => {
    if (!fields) return t;
    const picked: Record<string, unknown> = {};
    for (const f of fields) if (f in t) picked[f] = t[f as keyof MessageTemplate];
    picked.id = t.id;
    return picked;
  });
  if (page.length === 0) return reply(call, 200, { data: [] });
  const link = (key: "after" | "before", cursor: string) => {
    const p = new URLSearchParams(q);
    p.delete("after");
    p.delete("before");
    p.set(key, cursor);
    return `${s.url}${call.rec.path}?${p}`;
  };
  const paging: Record<string, unknown> = { cursors: { before: enc(start), after: enc(start + page.length - 1) } };
  if (start + page.length < list.length) paging.next = link("after", enc(start + page.length - 1));
  if (start > 0) paging.previous = link("before", enc(start));
  return reply(call, 200, { data, paging });
}

function numberFields(n: WhatsAppNumber): Record<string, unknown> {
  return {
    verified_name: n.verifiedName,
    code_verification_status: "VERIFIED",
    display_phone_number: n.displayPhoneNumber,
    quality_rating: n.qualityRating,
    platform_type: "CLOUD_API",
    throughput: { level: "STANDARD" },
    name_status: "APPROVED",
    status: "CONNECTED",
    messaging_limit_tier: "TIER_1K",
    id: n.phoneNumberId,
  };
}
const DEFAULT_NUMBER_FIELDS = ["verified_name", "code_verification_status", "display_phone_number", "quality_rating", "platform_type", "throughput", "id"];

/** Picks `fields` (or the defaults); an unknown field is Graph's (#100) nonexisting field error. */
export function pickFields(call: Call, all: Record<string, unknown>, defaults: string[], nodeType: string): Response {
  const asked = call.url.searchParams.get("fields")?.split(",").map((f) => f.trim()).filter(Boolean) ?? defaults;
  const out: Record<string, unknown> = {};
  for (const f of asked) {
    if (!(f in all)) return replyError(call, graphError(400, 100, `(#100) Tried accessing nonexisting field (${f}) on node type (${nodeType})`));
    out[f] = all[f];
  }
  out.id = all.id;
  return reply(call, 200, out);
}

export function waNumberInfo(s: FakeState, call: Call, phoneId: string): Response {
  const num = authorizeNumber(s, call, phoneId, "get");
  if (num instanceof Response) return num;
  return pickFields(call, numberFields(num), DEFAULT_NUMBER_FIELDS, "WhatsAppBusinessPhoneNumber");
}

export function waWabaNumbers(s: FakeState, call: Call, wabaId: string): Response {
  const tErr = s.tokenError(call.token);
  if (tErr) return replyError(call, tErr);
  if (!s.wabasOfToken(call.token).has(wabaId)) return replyError(call, objectNotFound("get", wabaId));
  const data = [...s.numbers.values()].filter((n) => n.wabaId === wabaId).map(numberFields);
  return reply(call, 200, { data, paging: { cursors: { before: enc(0), after: enc(Math.max(0, data.length - 1)) } } });
}

export function waWaba(s: FakeState, call: Call, wabaId: string): Response {
  const tErr = s.tokenError(call.token);
  if (tErr) return replyError(call, tErr);
  if (!s.wabasOfToken(call.token).has(wabaId)) return replyError(call, objectNotFound("get", wabaId));
  const all = { id: wabaId, name: "Test WhatsApp Business Account", currency: "USD", timezone_id: "1", message_template_namespace: `ns_${wabaId}` };
  return pickFields(call, all, ["id", "name", "currency", "timezone_id", "message_template_namespace"], "WhatsAppBusinessAccount");
}
