/**
 * TelegramFake: a real HTTP fake of the Telegram Bot API for tests, on 127.0.0.1 and a free port.
 *
 *   const telegram = new TelegramFake();
 *   const base = await telegram.start();                 // use as the channel's apiBaseUrl
 *   const bot = telegram.addBot({ username: "panaderia_bot", firstName: "Panadería Lola" });
 *   ... the plugin calls setWebhook, sendMessage, sendPhoto ...
 *   await telegram.pushUpdate(bot.token, tg.text(user, "hola"));   // to the URL and secret setWebhook registered
 *   await telegram.stop();
 *
 * Like Telegram it answers `{ ok: true, result }` or `{ ok: false, error_code, description, parameters? }`
 * with the HTTP status equal to error_code: 401 "Unauthorized" for a token it does not know, 404
 * "Not Found" for a path it cannot route (a malformed token, an unknown method). It takes
 * parameters as a query string, urlencoded, JSON or multipart (nested values JSON-encoded), and
 * files only as multipart uploads: a URL in place of a file is refused the way Telegram refuses
 * one it cannot fetch (Charla's links are private). No tests here.
 * https://core.telegram.org/bots/api
 */
import type { Server } from "bun";

export interface FakeBot {
  token: string;
  id: number;
  username: string;
  firstName: string;
  /** What the last setWebhook registered (null: none, or removed with an empty url). */
  webhook: { url: string; secretToken: string | null; allowedUpdates: string[] | null } | null;
}

export interface UploadedFile {
  field: string;
  name: string;
  type: string;
  size: number;
  bytes: Uint8Array;
}

/** Every request the fake answered, in order. */
export interface TgCall {
  method: string;
  token: string;
  params: Record<string, unknown>;
  /** Multipart file parts by field name. */
  files: Record<string, UploadedFile>;
  /** The HTTP status answered. */
  status: number;
  /** The JSON answered. */
  response: unknown;
}

/** A message the bot sent (an accepted send*). */
export interface TgSent {
  method: string;
  chatId: string;
  messageId: number;
  text?: string;
  caption?: string;
  replyMarkup?: unknown;
  replyTo?: number;
  /** The uploaded file of sendPhoto / sendDocument / sendAudio / sendVideo / sendVoice. */
  file?: UploadedFile;
}

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  filePath: string;
  bytes: Uint8Array;
  /** Reported by getFile (defaults to bytes.length; set it above 20 MB to see "file is too big"). */
  size: number;
}

export interface FailSpec {
  /** Only requests of this method (case-insensitive); default any. */
  method?: string;
  /** HTTP status and error_code. */
  status: number;
  /** Default: what Telegram says for the status (e.g. 403 "Forbidden: bot was blocked by the user"). */
  description?: string;
  /** parameters.retry_after in seconds (429). */
  retryAfter?: number;
  /** An nginx-style HTML page instead of JSON (what a 502 from Telegram's front looks like). */
  html?: boolean;
  /** Answer 200 and cut the body off mid-way (the request was acted on, the answer never arrived whole). */
  cut?: boolean;
  /** How many matching requests fail (default 1). */
  times?: number;
}

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: "Bad Request: message text is empty",
  401: "Unauthorized",
  403: "Forbidden: bot was blocked by the user",
  404: "Not Found",
  409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
  429: "Too Many Requests: retry after 5",
  500: "Internal Server Error",
  502: "Bad Gateway",
};

/** Bot API fields that arrive JSON-encoded in urlencoded and multipart bodies. */
const JSON_FIELDS = new Set(["reply_markup", "reply_parameters", "allowed_updates", "entities", "caption_entities", "link_preview_options"]);
const SEND_FILE_FIELDS: Record<string, string> = {
  sendphoto: "photo",
  senddocument: "document",
  sendaudio: "audio",
  sendvideo: "video",
  sendvoice: "voice",
  sendanimation: "animation",
};
const TOKEN_SHAPE = /^\d+:[A-Za-z0-9_-]+$/;
const SECRET_SHAPE = /^[A-Za-z0-9_-]{1,256}$/;
export const TG_TEXT_LIMIT = 4096;
export const TG_CAPTION_LIMIT = 1024;
export const TG_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
  ) {
    super(description);
  }
}

export class TelegramFake {
  base = "";
  readonly bots = new Map<string, FakeBot>();
  readonly files = new Map<string, StoredFile>();
  readonly calls: TgCall[] = [];
  readonly sent: TgSent[] = [];
  /** Chat ids whose user blocked the bot: sends to them are 403. */
  readonly blocked = new Set<string>();
  /** Refuse a setWebhook URL that is not https:// (Telegram does; tests post to http://127.0.0.1). */
  requireHttps = false;
  private server: Server<unknown> | null = null;
  private failures: FailSpec[] = [];
  private delays: { method?: string; ms: number; times?: number }[] = [];
  private readonly nextMessageId = new Map<string, number>();
  private fileSeq = 0;
  private botSeq = 0;

  /** Starts on 127.0.0.1, a free port; resolves to the base URL (the channel's apiBaseUrl). */
  async start(): Promise<string> {
    if (this.server) return this.base;
    this.server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req) => this.handle(req).catch((e: unknown) => Response.json({ ok: false, error_code: 500, description: `TelegramFake crashed: ${String(e)}` }, { status: 500 })),
    });
    this.base = `http://127.0.0.1:${this.server.port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    await this.server?.stop(true);
    this.server = null;
  }

  /** A bot the fake knows; its token has @BotFather's shape (id, colon, 35 characters). */
  addBot(b: { username: string; firstName: string; token?: string }): FakeBot {
    const id = 7_000_000_000 + ++this.botSeq;
    const token = b.token ?? `${id}:AAH${randomChars(32)}`;
    const bot: FakeBot = { token, id: Number(token.split(":")[0]), username: b.username, firstName: b.firstName, webhook: null };
    this.bots.set(token, bot);
    return bot;
  }

  /** A file on Telegram's servers (something a customer sent); returns its file_id. */
  addFile(f: { bytes: Uint8Array | string; path?: string; size?: number; fileId?: string }): string {
    const bytes = typeof f.bytes === "string" ? new TextEncoder().encode(f.bytes) : f.bytes;
    const n = ++this.fileSeq;
    const fileId = f.fileId ?? `AgACAgEAAxkBAAI${n}${randomChars(20)}`;
    this.files.set(fileId, { fileId, fileUniqueId: `AQAD${n}${randomChars(8)}`, filePath: f.path ?? `documents/file_${n}.bin`, bytes, size: f.size ?? bytes.length });
    return fileId;
  }

  /** A photo as Telegram sends one: 90 and 320 px wide thumbnails (those narrower than the photo) and the full size (`bytes`), smallest first. */
  addPhoto(bytes: Uint8Array, width = 1280, height = 960): TgPhotoSize[] {
    const n = this.fileSeq + 1;
    const thumbs = [90, 320].filter((w) => w < width);
    const sizes: [number, number, Uint8Array][] = [
      ...thumbs.map((w, i): [number, number, Uint8Array] => [w, Math.max(1, Math.round((w * height) / width)), new Uint8Array([0xff, 0xd8, i + 1])]),
      [width, height, bytes],
    ];
    return sizes.map(([w, h, b], i) => {
      const fileId = this.addFile({ bytes: b, path: `photos/file_${n}_${i}.jpg` });
      return { file_id: fileId, file_unique_id: this.files.get(fileId)!.fileUniqueId, width: w, height: h, file_size: b.length };
    });
  }

  /** The next matching request(s) fail as described. Rules are used in the order given. */
  failNext(spec: FailSpec): void {
    this.failures.push({ times: 1, ...spec });
  }

  /**
   * Holds the answer to the next matching request(s) for `ms`, then answers as usual: a
   * client that gives up first has still had its request acted on (a timeout in doubt).
   */
  delayNext(spec: { method?: string; ms: number; times?: number }): void {
    this.delays.push({ times: 1, ...spec });
  }

  /** Forgets calls, sends, failure and delay rules and blocks (bots and files stay). */
  clear(): void {
    this.calls.length = 0;
    this.sent.length = 0;
    this.failures = [];
    this.delays = [];
    this.blocked.clear();
  }

  /** Forgets everything, bots and files too. */
  reset(): void {
    this.clear();
    this.bots.clear();
    this.files.clear();
    this.nextMessageId.clear();
    this.requireHttps = false;
  }

  callsOf(method: string): TgCall[] {
    return this.calls.filter((c) => c.method.toLowerCase() === method.toLowerCase());
  }

  /** Resolves once `count` messages were sent (optionally to one chat), or throws after `timeoutMs`. */
  async waitForSent(count: number, chatId?: string, timeoutMs = 10_000): Promise<TgSent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const list = this.sent.filter((s) => chatId === undefined || s.chatId === chatId);
      if (list.length >= count) return list;
      if (Date.now() > deadline) throw new Error(`TelegramFake: ${list.length} of ${count} messages sent after ${timeoutMs} ms (calls: ${this.calls.map((c) => `${c.method} ${c.status}`).join(", ")})`);
      await Bun.sleep(10);
    }
  }

  /** Resolves once a call of `method` was answered, or throws after `timeoutMs`. */
  async waitForCall(method: string, timeoutMs = 10_000): Promise<TgCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const call = this.callsOf(method).at(-1);
      if (call) return call;
      if (Date.now() > deadline) throw new Error(`TelegramFake: no ${method} within ${timeoutMs} ms`);
      await Bun.sleep(10);
    }
  }

  /**
   * Delivers an update the way Telegram does: to the URL the bot's setWebhook registered, with the
   * secret it registered in X-Telegram-Bot-Api-Secret-Token; an update of a kind outside its
   * allowed_updates is not sent (null). `retries`: send again after a non-2xx, like Telegram.
   */
  async pushUpdate(token: string, update: TgUpdate, opts: { retries?: number } = {}): Promise<DeliveryResult | null> {
    const bot = this.bots.get(token);
    if (!bot?.webhook?.url) throw new Error("TelegramFake: the bot has no webhook registered (setWebhook was never called)");
    const kind = Object.keys(update).find((k) => k !== "update_id") ?? "";
    if (bot.webhook.allowedUpdates?.length && !bot.webhook.allowedUpdates.includes(kind)) return null;
    let last: DeliveryResult;
    let tries = 0;
    do {
      last = await deliverUpdate(bot.webhook.url, update, { secret: bot.webhook.secretToken });
      tries++;
    } while ((last.status < 200 || last.status > 299) && tries <= (opts.retries ?? 0));
    return last;
  }

  // ------------------------------------------------------------ the HTTP side

  private async handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) return this.download(decodeURIComponent(file[1]!), file[2]!.split("/").map(decodeURIComponent).join("/"));
    const m = /^\/bot([^/]*)\/([A-Za-z]+)$/.exec(url.pathname);
    const token = m ? decodeURIComponent(m[1]!) : "";
    const method = m?.[2] ?? url.pathname;
    const call: TgCall = { method, token, params: {}, files: {}, status: 0, response: null };
    this.calls.push(call);
    const answer = (status: number, body: Record<string, unknown>): Response => {
      call.status = status;
      call.response = body;
      return Response.json(body, { status });
    };
    const fail = (status: number, description: string, parameters?: Record<string, unknown>) =>
      answer(status, { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) });

    if (!m || !TOKEN_SHAPE.test(token)) return fail(404, "Not Found");
    const bot = this.bots.get(token);
    if (!bot) return fail(401, "Unauthorized");
    try {
      const read = await readParams(req, url);
      call.params = read.params;
      call.files = read.files;
    } catch (e) {
      return fail(400, e instanceof ApiFailure ? e.description : `Bad Request: ${String(e)}`);
    }

    const delay = this.delays.find((r) => !r.method || r.method.toLowerCase() === method.toLowerCase());
    if (delay) {
      if (--delay.times! <= 0) this.delays.splice(this.delays.indexOf(delay), 1);
      await Bun.sleep(delay.ms);
    }
    const rule = this.failures.find((r) => !r.method || r.method.toLowerCase() === method.toLowerCase());
    if (rule) {
      if (--rule.times! <= 0) this.failures.splice(this.failures.indexOf(rule), 1);
      if (rule.cut) {
        call.status = 200;
        return cutResponse();
      }
      if (rule.html) {
        call.status = rule.status;
        return new Response(`<html><head><title>${rule.status} Bad Gateway</title></head><body><center><h1>${rule.status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>`, {
          status: rule.status,
          headers: { "content-type": "text/html" },
        });
      }
      const description = rule.description ?? (rule.status === 429 && rule.retryAfter ? `Too Many Requests: retry after ${rule.retryAfter}` : (DEFAULT_DESCRIPTIONS[rule.status] ?? "Bad Request"));
      return fail(rule.status, description, rule.retryAfter ? { retry_after: rule.retryAfter } : undefined);
    }

    try {
      return answer(200, { ok: true, result: this.run(bot, method.toLowerCase(), call), ...(method.toLowerCase() === "setwebhook" ? { description: "Webhook was set" } : {}) });
    } catch (e) {
      if (e instanceof ApiFailure) return fail(e.status, e.description);
      throw e;
    }
  }

  private run(bot: FakeBot, method: string, call: TgCall): unknown {
    const p = call.params;
    switch (method) {
      case "getme":
        return { id: bot.id, is_bot: true, first_name: bot.firstName, username: bot.username, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case "setwebhook": {
        const url = typeof p.url === "string" ? p.url : "";
        if (p.url === undefined) throw new ApiFailure(400, "Bad Request: bad webhook: Webhook URL must be provided");
        if (url === "") {
          bot.webhook = null;
          return true;
        }
        if (!/^https?:\/\//.test(url)) throw new ApiFailure(400, "Bad Request: bad webhook: Failed to resolve host: Name or service not known");
        if (this.requireHttps && !url.startsWith("https://")) throw new ApiFailure(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
        const secret = p.secret_token === undefined ? null : String(p.secret_token);
        if (secret !== null && !SECRET_SHAPE.test(secret)) throw new ApiFailure(400, "Bad Request: secret token contains unallowed characters");
        const allowed = p.allowed_updates === undefined ? (bot.webhook?.allowedUpdates ?? null) : (p.allowed_updates as string[]);
        if (allowed !== null && (!Array.isArray(allowed) || allowed.some((a) => typeof a !== "string"))) throw new ApiFailure(400, "Bad Request: can't parse allowed updates");
        bot.webhook = { url, secretToken: secret, allowedUpdates: allowed };
        return true;
      }
      case "deletewebhook":
        bot.webhook = null;
        return true;
      case "getwebhookinfo":
        return {
          url: bot.webhook?.url ?? "",
          has_custom_certificate: false,
          pending_update_count: 0,
          max_connections: 40,
          ...(bot.webhook?.allowedUpdates ? { allowed_updates: bot.webhook.allowedUpdates } : {}),
        };
      case "getfile": {
        const f = this.files.get(String(p.file_id ?? ""));
        if (!f) throw new ApiFailure(400, "Bad Request: invalid file_id");
        if (f.size > TG_DOWNLOAD_LIMIT) throw new ApiFailure(400, "Bad Request: file is too big");
        return { file_id: f.fileId, file_unique_id: f.fileUniqueId, file_size: f.size, file_path: f.filePath };
      }
      case "sendmessage": {
        const chatId = this.chatOf(p);
        const text = typeof p.text === "string" ? p.text : "";
        if (!text.trim()) throw new ApiFailure(400, "Bad Request: message text is empty");
        if (text.length > TG_TEXT_LIMIT) throw new ApiFailure(400, "Bad Request: message is too long");
        checkMarkup(p.reply_markup);
        return this.accept(bot, "sendMessage", chatId, p, { text });
      }
      default: {
        const field = SEND_FILE_FIELDS[method];
        if (!field) throw new ApiFailure(404, "Not Found");
        const chatId = this.chatOf(p);
        const caption = typeof p.caption === "string" ? p.caption : undefined;
        if (caption && caption.length > TG_CAPTION_LIMIT) throw new ApiFailure(400, "Bad Request: message caption is too long");
        checkMarkup(p.reply_markup);
        const upload = call.files[field];
        if (!upload) {
          const given = p[field];
          if (typeof given === "string" && this.files.has(given)) return this.accept(bot, call.method, chatId, p, { caption });
          if (typeof given === "string" && given) throw new ApiFailure(400, "Bad Request: wrong file identifier/HTTP URL specified");
          throw new ApiFailure(400, `Bad Request: there is no ${field} in the request`);
        }
        if (upload.size === 0) throw new ApiFailure(400, `Bad Request: file must be non-empty`);
        if (field === "photo" && upload.size > 10 * 1024 * 1024) throw new ApiFailure(400, "Bad Request: PHOTO_INVALID_DIMENSIONS");
        return this.accept(bot, call.method, chatId, p, { caption, file: upload });
      }
    }
  }

  private chatOf(p: Record<string, unknown>): string {
    const chatId = p.chat_id === undefined || p.chat_id === "" ? "" : String(p.chat_id);
    if (!chatId) throw new ApiFailure(400, "Bad Request: chat_id is empty");
    if (!/^-?\d+$/.test(chatId) && !chatId.startsWith("@")) throw new ApiFailure(400, "Bad Request: chat not found");
    if (this.blocked.has(chatId)) throw new ApiFailure(403, "Forbidden: bot was blocked by the user");
    return chatId;
  }

  /** Records the send and answers the Message Telegram would. */
  private accept(bot: FakeBot, method: string, chatId: string, p: Record<string, unknown>, extra: { text?: string; caption?: string; file?: UploadedFile }): Record<string, unknown> {
    const messageId = (this.nextMessageId.get(chatId) ?? 1000) + 1;
    this.nextMessageId.set(chatId, messageId);
    const replyTo = isObject(p.reply_parameters) && typeof p.reply_parameters.message_id === "number" ? p.reply_parameters.message_id : undefined;
    const record: TgSent = { method, chatId, messageId };
    if (extra.text !== undefined) record.text = extra.text;
    if (extra.caption !== undefined) record.caption = extra.caption;
    if (p.reply_markup !== undefined) record.replyMarkup = p.reply_markup;
    if (replyTo !== undefined) record.replyTo = replyTo;
    if (extra.file) record.file = extra.file;
    this.sent.push(record);
    const message: Record<string, unknown> = {
      message_id: messageId,
      from: { id: bot.id, is_bot: true, first_name: bot.firstName, username: bot.username },
      chat: { id: Number(chatId), type: "private" },
      date: Math.floor(Date.now() / 1000),
    };
    if (extra.text !== undefined) message.text = extra.text;
    if (extra.caption) message.caption = extra.caption;
    if (extra.file) {
      const fileId = this.addFile({ bytes: extra.file.bytes, path: `${record.method.slice(4).toLowerCase()}s/file_${this.fileSeq + 1}` });
      const info = { file_id: fileId, file_unique_id: this.files.get(fileId)!.fileUniqueId, file_size: extra.file.size };
      const field = SEND_FILE_FIELDS[method.toLowerCase()]!;
      message[field] = field === "photo" ? [{ ...info, width: 1280, height: 960 }] : { ...info, file_name: extra.file.name, mime_type: extra.file.type };
    }
    return message;
  }

  /** `GET /file/bot<token>/<file_path>`; failNext({ method: "file", ... }) applies here too. */
  private download(token: string, path: string): Response {
    const bot = this.bots.get(token);
    const f = bot ? [...this.files.values()].find((x) => x.filePath === path) : undefined;
    const rule = this.failures.find((r) => r.method?.toLowerCase() === "file");
    if (rule && --rule.times! <= 0) this.failures.splice(this.failures.indexOf(rule), 1);
    const status = rule ? rule.status : f ? 200 : 404;
    this.calls.push({ method: "file", token, params: { path }, files: {}, status, response: null });
    if (rule) return new Response(rule.description ?? DEFAULT_DESCRIPTIONS[rule.status] ?? "error", { status: rule.status });
    if (!f) return Response.json({ ok: false, error_code: 404, description: "Not Found" }, { status: 404 });
    return new Response(new Blob([f.bytes as Uint8Array<ArrayBuffer>]), { headers: { "content-type": "application/octet-stream", "content-length": String(f.bytes.length) } });
  }
}

// ------------------------------------------------------------ delivering updates

export interface DeliveryResult {
  status: number;
  body: string;
}

/**
 * POSTs one update as Telegram does (JSON, `X-Telegram-Bot-Api-Secret-Token` when a secret is
 * given). `body` sends those bytes instead of the update (malformed JSON...).
 */
export async function deliverUpdate(url: string, update: TgUpdate | null, opts: { secret?: string | null; body?: string | Uint8Array; method?: string } = {}): Promise<DeliveryResult> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.secret) headers["x-telegram-bot-api-secret-token"] = opts.secret;
  const res = await fetch(url, { method: opts.method ?? "POST", headers, body: opts.method === "GET" ? undefined : ((opts.body as BodyInit | undefined) ?? JSON.stringify(update)) });
  return { status: res.status, body: await res.text() };
}

// ------------------------------------------------------------ update builders

export interface TgUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgPhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
}

export type TgUpdate = { update_id: number } & Record<string, unknown>;

/** Where and when a built message happens: the customer, and optionally its message_id and date (seconds). */
export interface TgCtx {
  user: TgUser;
  messageId?: number;
  /** Unix seconds; default now. */
  date?: number;
}

let updateSeq = 500_000_000 + Math.floor(Math.random() * 1_000_000);
let messageSeq = 100;

function ctxOf(c: TgCtx | TgUser): TgCtx {
  return "user" in c ? c : { user: c };
}

function envelope(c: TgCtx, fields: Record<string, unknown>): Record<string, unknown> {
  const u = c.user;
  const chat: Record<string, unknown> = { id: u.id, type: "private", first_name: u.first_name };
  if (u.last_name) chat.last_name = u.last_name;
  if (u.username) chat.username = u.username;
  return { message_id: c.messageId ?? ++messageSeq, from: { ...u, is_bot: false }, chat, date: c.date ?? Math.floor(Date.now() / 1000), ...fields };
}

/**
 * Updates as Telegram posts them; `tg.text(user, "hola")` or `tg.text({ user, messageId, date }, "hola")`.
 * Each call takes the next update_id; pass an update again to simulate a redelivery.
 */
export const tg = {
  nextUpdateId: () => ++updateSeq,
  message(c: TgCtx | TgUser, fields: Record<string, unknown>): TgUpdate {
    return { update_id: ++updateSeq, message: envelope(ctxOf(c), fields) };
  },
  text(c: TgCtx | TgUser, text: string, extra: Record<string, unknown> = {}): TgUpdate {
    return tg.message(c, { text, ...extra });
  },
  /** A reply to an earlier message of the chat (one of ours or the customer's). */
  replyTo(c: TgCtx | TgUser, messageId: number, text: string): TgUpdate {
    const ctx = ctxOf(c);
    return tg.message(ctx, { text, reply_to_message: { message_id: messageId, chat: { id: ctx.user.id, type: "private" }, date: Math.floor(Date.now() / 1000) - 60 } });
  },
  photo(c: TgCtx | TgUser, sizes: TgPhotoSize[], caption?: string): TgUpdate {
    return tg.message(c, { photo: sizes, ...(caption ? { caption } : {}) });
  },
  document(c: TgCtx | TgUser, doc: { file_id: string; file_name?: string; mime_type?: string; file_size?: number }, caption?: string): TgUpdate {
    return tg.message(c, { document: { file_unique_id: `u${doc.file_id.slice(-6)}`, ...doc }, ...(caption ? { caption } : {}) });
  },
  voice(c: TgCtx | TgUser, fileId: string, duration = 3): TgUpdate {
    return tg.message(c, { voice: { file_id: fileId, file_unique_id: `u${fileId.slice(-6)}`, duration, mime_type: "audio/ogg", file_size: 4200 } });
  },
  audio(c: TgCtx | TgUser, fileId: string, fileName = "cancion.mp3"): TgUpdate {
    return tg.message(c, { audio: { file_id: fileId, file_unique_id: `u${fileId.slice(-6)}`, duration: 180, file_name: fileName, mime_type: "audio/mpeg" } });
  },
  video(c: TgCtx | TgUser, fileId: string, caption?: string): TgUpdate {
    return tg.message(c, { video: { file_id: fileId, file_unique_id: `u${fileId.slice(-6)}`, width: 640, height: 360, duration: 12, mime_type: "video/mp4" }, ...(caption ? { caption } : {}) });
  },
  sticker(c: TgCtx | TgUser, fileId: string, kind: "static" | "animated" | "video" = "static"): TgUpdate {
    return tg.message(c, {
      sticker: { file_id: fileId, file_unique_id: `u${fileId.slice(-6)}`, type: "regular", width: 512, height: 512, is_animated: kind === "animated", is_video: kind === "video", emoji: "😀" },
    });
  },
  /** A GIF: Telegram sends `animation` and, for old clients, the same file as `document`. */
  animation(c: TgCtx | TgUser, fileId: string): TgUpdate {
    const file = { file_id: fileId, file_unique_id: `u${fileId.slice(-6)}`, file_name: "risa.mp4", mime_type: "video/mp4" };
    return tg.message(c, { animation: { ...file, width: 320, height: 240, duration: 2 }, document: file });
  },
  location(c: TgCtx | TgUser, latitude: number, longitude: number): TgUpdate {
    return tg.message(c, { location: { latitude, longitude } });
  },
  venue(c: TgCtx | TgUser, latitude: number, longitude: number, title: string, address: string): TgUpdate {
    return tg.message(c, { location: { latitude, longitude }, venue: { location: { latitude, longitude }, title, address } });
  },
  contact(c: TgCtx | TgUser, contact: { phone_number: string; first_name: string; last_name?: string; user_id?: number }): TgUpdate {
    return tg.message(c, { contact });
  },
  /** The customer edited message `messageId` (its new text) at `editDate` (seconds). */
  edited(c: TgCtx | TgUser, messageId: number, text: string, editDate: number, date = editDate - 60): TgUpdate {
    return { update_id: ++updateSeq, edited_message: envelope({ ...ctxOf(c), messageId, date }, { text, edit_date: editDate }) };
  },
  /** A message in a group the bot is in. */
  groupText(c: TgCtx | TgUser, groupId: number, text: string): TgUpdate {
    const ctx = ctxOf(c);
    return { update_id: ++updateSeq, message: { ...envelope(ctx, { text }), chat: { id: groupId, type: "group", title: "Clientes" } } };
  },
  callbackQuery(c: TgCtx | TgUser, data: string): TgUpdate {
    const ctx = ctxOf(c);
    return { update_id: ++updateSeq, callback_query: { id: String(++messageSeq), from: { ...ctx.user, is_bot: false }, chat_instance: "-1234", data } };
  },
  /** The user blocked (kicked) or restarted (member) the bot. */
  myChatMember(c: TgCtx | TgUser, status: "kicked" | "member"): TgUpdate {
    const ctx = ctxOf(c);
    return {
      update_id: ++updateSeq,
      my_chat_member: {
        chat: { id: ctx.user.id, type: "private", first_name: ctx.user.first_name },
        from: { ...ctx.user, is_bot: false },
        date: Math.floor(Date.now() / 1000),
        old_chat_member: { status: status === "kicked" ? "member" : "kicked" },
        new_chat_member: { status },
      },
    };
  },
};

// ------------------------------------------------------------ helpers

async function readParams(req: Request, url: URL): Promise<{ params: Record<string, unknown>; files: Record<string, UploadedFile> }> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const files: Record<string, UploadedFile> = {};
  const type = req.headers.get("content-type") ?? "";
  if (req.method === "POST") {
    if (type.includes("application/json")) {
      const text = await req.text();
      if (text) {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw new ApiFailure(400, "Bad Request: can't parse JSON object");
        }
        if (!isObject(body)) throw new ApiFailure(400, "Bad Request: can't parse JSON object");
        Object.assign(params, body);
      }
    } else if (type.includes("application/x-www-form-urlencoded")) {
      Object.assign(params, Object.fromEntries(new URLSearchParams(await req.text())));
    } else if (type.includes("multipart/form-data")) {
      const form = await req.formData();
      for (const [key, value] of form.entries()) {
        if (typeof value === "string") params[key] = value;
        else {
          const blob = value as File;
          files[key] = { field: key, name: blob.name, type: blob.type, size: blob.size, bytes: new Uint8Array(await blob.arrayBuffer()) };
        }
      }
    }
  }
  for (const key of JSON_FIELDS) {
    if (typeof params[key] !== "string") continue;
    try {
      params[key] = JSON.parse(params[key] as string);
    } catch {
      throw new ApiFailure(400, `Bad Request: can't parse ${key.replace(/_/g, " ")} JSON object`);
    }
  }
  // chat_id and message ids come as strings in forms; Telegram reads them as numbers.
  if (isObject(params.reply_parameters) && typeof params.reply_parameters.message_id === "string") params.reply_parameters.message_id = Number(params.reply_parameters.message_id);
  return { params, files };
}

/** What Telegram checks of reply_markup: a keyboard of rows of buttons, or a removal. */
function checkMarkup(markup: unknown): void {
  if (markup === undefined) return;
  if (!isObject(markup)) throw new ApiFailure(400, "Bad Request: can't parse reply keyboard markup JSON object");
  if ("remove_keyboard" in markup) {
    if (markup.remove_keyboard !== true) throw new ApiFailure(400, "Bad Request: can't parse reply keyboard markup JSON object");
    return;
  }
  const rows = markup.keyboard ?? markup.inline_keyboard;
  if (!Array.isArray(rows) || !rows.every((r) => Array.isArray(r) && r.every((b) => typeof b === "string" || (isObject(b) && typeof b.text === "string" && b.text !== "")))) {
    throw new ApiFailure(400, "Bad Request: can't parse reply keyboard markup JSON object");
  }
  if (rows.flat().length === 0) throw new ApiFailure(400, "Bad Request: keyboard must be non-empty");
}

/** 200 with a body that stops half-way: fewer bytes than its content-length, then the end. */
function cutResponse(): Response {
  let sent = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(new TextEncoder().encode('{"ok":true,"result":{"message_id":'));
        return;
      }
      controller.close();
    },
  });
  return new Response(stream, { status: 200, headers: { "content-type": "application/json", "content-length": "200" } });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function randomChars(n: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  return Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => alphabet[b % alphabet.length]).join("");
}
