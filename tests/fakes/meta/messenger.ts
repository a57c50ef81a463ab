import { graphError, objectNotFound } from "./errors.ts";
import { newMid, sha256Hex } from "./ids.ts";
import { reply, replyError, type Call, type FacebookPage, type FakeState } from "./state.ts";
import { isErrorSpec, validateMessengerSend } from "./validate.ts";
import { pickFields } from "./whatsapp.ts";

/** A valid non-page token (e.g. a WhatsApp system-user token) on a Page-only endpoint. */
const needsPageToken = () => graphError(400, 230, "(#230) Requires pages_messaging permission to manage the object");

function authorizePage(s: FakeState, call: Call): FacebookPage | Response {
  const tErr = s.tokenError(call.token);
  if (tErr) return replyError(call, tErr);
  return s.pageByToken(call.token) ?? replyError(call, needsPageToken());
}

/** POST /me/messages (or /{page_id}/messages) with a page token. */
export function msSend(s: FakeState, call: Call, pathId: string): Response {
  const page = authorizePage(s, call);
  if (page instanceof Response) return page;
  if (pathId !== "me" && pathId !== page.pageId) return replyError(call, objectNotFound("post", pathId));
  const v = validateMessengerSend(call.rec.body);
  if (isErrorSpec(v)) return replyError(call, v);
  const body = call.rec.body as Record<string, unknown>;
  if (v.kind === "action") {
    s.outbox.push({ channel: "messenger", target: page.pageId, body, id: null, action: true, at: Date.now() });
    return reply(call, 200, { recipient_id: v.psid });
  }
  const mid = newMid();
  s.outbox.push({ channel: "messenger", target: page.pageId, body, id: mid, action: false, at: Date.now() });
  return reply(call, 200, { recipient_id: v.psid, message_id: mid });
}

/** GET /me or GET /{page_id}: the page of the token (or a stand-in system user for a WhatsApp token). */
export function msMe(s: FakeState, call: Call, pathId: string): Response {
  const tErr = s.tokenError(call.token);
  if (tErr) return replyError(call, tErr);
  const page = s.pageByToken(call.token);
  if (!page) {
    if (pathId !== "me") return replyError(call, objectNotFound("get", pathId));
    const id = `1${sha256Hex(new TextEncoder().encode(call.token!)).replace(/\D/g, "").padEnd(15, "0").slice(0, 15)}`;
    return pickFields(call, { name: "Test System User", id }, ["name", "id"], "User");
  }
  if (pathId !== "me" && pathId !== page.pageId) return replyError(call, objectNotFound("get", pathId));
  const all = { name: page.name, id: page.pageId, category: "Local business", link: `https://www.facebook.com/${page.pageId}` };
  return pickFields(call, all, ["name", "id"], "Page");
}

/** GET /{psid}?fields=first_name,last_name,profile_pic with a page token. */
export function msProfile(s: FakeState, call: Call, psid: string): Response {
  const page = authorizePage(s, call);
  if (page instanceof Response) return page;
  const p = s.profiles.get(psid);
  if (!p || (p.pageId !== undefined && p.pageId !== page.pageId))
    return replyError(call, graphError(400, 100, "(#100) No profile available for this user.", 2018218));
  const all = { first_name: p.firstName, last_name: p.lastName, name: `${p.firstName} ${p.lastName}`.trim(), profile_pic: p.profilePic ?? `${s.url}/profile-pic/${p.psid}.png`, id: p.psid };
  return pickFields(call, all, ["first_name", "last_name", "profile_pic"], "User");
}

/** A 1x1 PNG for default profile pictures. */
export const PIXEL_PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);
