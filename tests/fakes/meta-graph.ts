/**
 * MetaGraphFake: a real HTTP fake of Meta's Graph API (WhatsApp Cloud API +
 * Messenger Platform) for tests, faithful to /work/shared/design/META-AND-OPENAI.md.
 *
 *   const meta = new MetaGraphFake();
 *   const graphUrl = await meta.start();          // http://127.0.0.1:PORT, paths are /{version}/...
 *   meta.addWhatsAppNumber({ phoneNumberId, wabaId, accessToken, displayPhoneNumber });
 *   ... the app sends; meta.sent(phoneNumberId) ...
 *   await meta.deliver(webhookUrl, wa.text(ctx, "hola"), { appSecret });
 *   await meta.stop();
 *
 * Pieces live in tests/fakes/meta/*.ts; everything public is re-exported here.
 */
import type { Server } from "bun";
import { META_ERRORS, objectNotFound, unknownPath, type MetaErrorCode, type MetaErrorSpec } from "./meta/errors.ts";
import { randomGraphId, sha256Hex } from "./meta/ids.ts";
import { msMe, msProfile, msSend, PIXEL_PNG } from "./meta/messenger.ts";
import {
  FakeState,
  replyError,
  type Call,
  type FacebookPage,
  type MessageTemplate,
  type MessengerProfile,
  type RecordedRequest,
  type SentRecord,
  type StatusWebhooks,
  type TemplateComponent,
  type WhatsAppNumber,
} from "./meta/state.ts";
import { isErrorSpec } from "./meta/validate.ts";
import { waDownload, waMediaDelete, waMediaInfo, waNumberInfo, waSend, waTemplates, waUpload, waWaba, waWabaNumbers } from "./meta/whatsapp.ts";
import { deliverWebhook, verifyHandshake, type DeliverOptions, type DeliveryResponse } from "./meta/wire.ts";
import { wa } from "./meta/wa-payloads.ts";

export { META_ERRORS, CATALOG_FBTRACE_ID, webhookError } from "./meta/errors.ts";
export type { MetaErrorBody, MetaErrorCode, MetaErrorSpec, WebhookError } from "./meta/errors.ts";
export { metaJson, hubSignature256, hubSignature1, deliverWebhook, verifyHandshake } from "./meta/wire.ts";
export type { DeliverOptions, DeliveryResponse } from "./meta/wire.ts";
export { wa } from "./meta/wa-payloads.ts";
export type { WaCtx, WaEnvelope, WaMediaInput, WaMediaType, WaContactCard, WaPricing, WaStatusOptions } from "./meta/wa-payloads.ts";
export { ms } from "./meta/ms-payloads.ts";
export type { MsCtx, MsEnvelope } from "./meta/ms-payloads.ts";
export type { WhatsAppNumber, FacebookPage, MessengerProfile, StoredMedia, MessageTemplate, TemplateComponent, RecordedRequest, SentRecord, StatusWebhooks } from "./meta/state.ts";

export interface MetaGraphFakeOptions {
  /** Lifetime of media download URLs (default 5 min, like Meta). */
  mediaUrlTtlMs?: number;
  /** message_templates page size without `limit` (default 25). */
  templatePageSize?: number;
  /** Check template sends against added templates (132001 / 132000): true, false, or "auto" = only for WABAs with templates (default). */
  checkTemplates?: boolean | "auto";
}

/**
 * Which requests a failNext rule applies to: undefined/null = any request; a string
 * = the request's target id (phone_number_id, page id, media id...) or a substring of its
 * path (e.g. "/messages"); a RegExp tested on the path and on "METHOD /route"; a predicate;
 * or an object whose given fields must all match.
 */
export type RequestMatcher =
  | string
  | RegExp
  | ((req: RecordedRequest) => boolean)
  | { method?: string; path?: string | RegExp; target?: string };

/** A catalog code (`131047`) or any `{ status, body }`. */
export type MetaErrorInput = MetaErrorSpec | MetaErrorCode;

export interface TemplateInput {
  name: string;
  /** Language code, default "es". */
  language?: string;
  status?: MessageTemplate["status"];
  category?: MessageTemplate["category"];
  id?: string;
  components?: TemplateComponent[];
  /** Shorthand for components: [{ type: "BODY", text: body }]. */
  body?: string;
  parameter_format?: "POSITIONAL" | "NAMED";
}

export interface SentFilter {
  /** Include mark-read / sender_action calls (default false). */
  actions?: boolean;
  channel?: "whatsapp" | "messenger";
}

interface FailRule {
  matcher: RequestMatcher | null | undefined;
  error: MetaErrorSpec;
  remaining: number;
}

export class MetaGraphFake extends FakeState {
  private server: Server<unknown> | null = null;
  private failures: FailRule[] = [];

  constructor(opts: MetaGraphFakeOptions = {}) {
    super(opts.mediaUrlTtlMs ?? 5 * 60_000, opts.templatePageSize ?? 25, opts.checkTemplates ?? "auto");
    this.onAccepted = (record) => this.deliverStatuses(record);
  }

  /** Starts on 127.0.0.1, a free port; resolves to the base URL (use it as graphUrl). */
  async start(): Promise<string> {
    if (this.server) return this.base;
    this.server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req) =>
        this.handle(req).catch((err: unknown) =>
          Response.json({ error: { message: `MetaGraphFake crashed: ${String(err)}`, type: "FakeError", code: -1 } }, { status: 599 }),
        ),
    });
    this.base = `http://127.0.0.1:${this.server.port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    await this.server?.stop(true);
    this.server = null;
  }

  // ------------------------------------------------------------ registration

  addWhatsAppNumber(n: {
    phoneNumberId: string;
    wabaId: string;
    accessToken: string;
    displayPhoneNumber: string;
    verifiedName?: string;
    qualityRating?: WhatsAppNumber["qualityRating"];
  }): WhatsAppNumber {
    const num: WhatsAppNumber = { verifiedName: "Charla Test", qualityRating: "GREEN", ...n };
    this.numbers.set(n.phoneNumberId, num);
    return num;
  }

  addPage(p: { pageId: string; pageAccessToken: string; name: string }): FacebookPage {
    const page = { ...p };
    this.pages.set(p.pageId, page);
    return page;
  }

  addProfile(psid: string, p: { firstName: string; lastName: string; profilePic?: string; pageId?: string }): MessengerProfile {
    const profile: MessengerProfile = { psid, ...p };
    this.profiles.set(psid, profile);
    return profile;
  }

  /** Stages media (e.g. for an inbound wa.media webhook); returns its id. */
  addMedia(m: { id?: string; bytes: Uint8Array | ArrayBuffer | string; mimeType: string; filename?: string }): string {
    const bytes = typeof m.bytes === "string" ? new TextEncoder().encode(m.bytes) : new Uint8Array(m.bytes);
    const id = m.id ?? randomGraphId();
    this.media.set(id, { id, bytes, mimeType: m.mimeType, sha256: sha256Hex(bytes), filename: m.filename });
    return id;
  }

  addTemplate(wabaId: string, t: TemplateInput): MessageTemplate {
    const tpl: MessageTemplate = {
      name: t.name,
      ...(t.parameter_format ? { parameter_format: t.parameter_format } : {}),
      components: t.components ?? (t.body !== undefined ? [{ type: "BODY", text: t.body }] : []),
      language: t.language ?? "es",
      status: t.status ?? "APPROVED",
      category: t.category ?? "UTILITY",
      id: t.id ?? randomGraphId(),
    };
    const list = this.templates.get(wabaId) ?? [];
    list.push(tpl);
    this.templates.set(wabaId, list);
    return tpl;
  }

  // ------------------------------------------------------------ inspection & errors

  /**
   * Answers the next matching request(s) with a Meta error (the exact catalog body).
   * `failNext(131047)`, `failNext(META_ERRORS[2], 3)`, `failNext("/messages", 130429)`,
   * `failNext(phoneNumberId, 190, 2)`. Rules are used in the order given.
   */
  failNext(error: MetaErrorInput, times?: number): void;
  failNext(matcher: RequestMatcher | null | undefined, error: MetaErrorInput, times?: number): void;
  failNext(a: RequestMatcher | MetaErrorInput | null | undefined, b?: MetaErrorInput | number, c?: number): void {
    const isErr = (x: unknown): x is MetaErrorInput => typeof x === "number" || isErrorSpec(x);
    let matcher: RequestMatcher | null | undefined, error: MetaErrorInput, times: number;
    if (isErr(a)) [matcher, error, times] = [undefined, a, typeof b === "number" ? b : 1];
    else if (b !== undefined && isErr(b)) [matcher, error, times] = [a, b, c ?? 1];
    else throw new Error("failNext: missing error (a META_ERRORS code or { status, body })");
    const spec = typeof error === "number" ? (META_ERRORS as Record<number, MetaErrorSpec>)[error] : error;
    if (!spec) throw new Error(`failNext: no META_ERRORS entry for code ${String(error)}`);
    this.failures.push({ matcher, error: structuredClone(spec), remaining: times });
  }

  /** Bodies of accepted sends (WhatsApp and Messenger), optionally for one phone_number_id / page id. */
  sent(target?: string, filter: SentFilter = {}): Record<string, unknown>[] {
    return this.outbox
      .filter((r) => (target === undefined || r.target === target) && (filter.actions || !r.action) && (!filter.channel || r.channel === filter.channel))
      .map((r) => r.body);
  }

  /** Waits until sent(target, filter) has at least `count` bodies; returns them. */
  async waitForSent(count = 1, target?: string, opts: SentFilter & { timeoutMs?: number } = {}): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + (opts.timeoutMs ?? 5000);
    for (;;) {
      const got = this.sent(target, opts);
      if (got.length >= count) return got;
      if (Date.now() > deadline) {
        const seen = this.requests.map((r) => `${r.method} ${r.path} -> ${r.status ?? "?"}`).join("\n  ");
        throw new Error(`MetaGraphFake: expected ${count} send(s)${target ? ` for ${target}` : ""}, got ${got.length}. Requests:\n  ${seen || "(none)"}`);
      }
      await Bun.sleep(10);
    }
  }

  /** Forgets recorded requests, sends and pending failNext rules (registrations stay). */
  clear(): void {
    this.requests.length = 0;
    this.outbox.length = 0;
    this.failures = [];
  }

  // ------------------------------------------------------------ webhooks to the app

  /**
   * From now on, every accepted WhatsApp send of this number is followed by status
   * webhooks to `url` (signed with `appSecret`), carrying the send's
   * biz_opaque_callback_data as Meta does. Deliveries that fail are retried like Meta's.
   */
  sendStatusWebhooks(phoneNumberId: string, opts: StatusWebhooks): void {
    this.statusWebhooks.set(phoneNumberId, opts);
  }

  /** Resolves when every status webhook started so far has been answered (or given up). */
  async statusesDelivered(): Promise<void> {
    while (this.inFlightStatuses.size) await Promise.all([...this.inFlightStatuses]);
  }

  private readonly inFlightStatuses = new Set<Promise<unknown>>();

  private deliverStatuses(record: SentRecord): void {
    const hooks = this.statusWebhooks.get(record.target);
    const num = this.numbers.get(record.target);
    if (!hooks || !num || !record.id) return;
    const to = String(record.body.to ?? "");
    const key = typeof record.body.biz_opaque_callback_data === "string" ? record.body.biz_opaque_callback_data : undefined;
    const ctx = { wabaId: num.wabaId, phoneNumberId: num.phoneNumberId, displayPhoneNumber: num.displayPhoneNumber, from: to };
    const run = (async () => {
      await Bun.sleep(hooks.delayMs ?? 20);
      for (const status of hooks.statuses ?? ["sent"]) {
        await deliverWebhook(hooks.url, wa.status(ctx, record.id!, status, { bizOpaqueCallbackData: key }), { appSecret: hooks.appSecret, retries: 50, retryDelayMs: 100 });
      }
    })();
    this.inFlightStatuses.add(run);
    void run.finally(() => this.inFlightStatuses.delete(run));
  }

  deliver(url: string, payload: unknown, opts: DeliverOptions = {}): Promise<DeliveryResponse[]> {
    return deliverWebhook(url, payload, opts);
  }

  verifyHandshake(url: string, verifyToken: string, challenge?: string): Promise<{ status: number; body: string; challenge: string }> {
    return verifyHandshake(url, verifyToken, challenge);
  }

  // ------------------------------------------------------------ HTTP

  private matches(m: RequestMatcher | null | undefined, r: RecordedRequest): boolean {
    if (m === undefined || m === null) return true;
    if (typeof m === "string") return r.target === m || r.path.includes(m);
    if (m instanceof RegExp) return [r.path, r.route, `${r.method} ${r.route}`].some((s) => new RegExp(m.source, m.flags.replace("g", "")).test(s));
    if (typeof m === "function") return m(r);
    if (m.method && m.method.toUpperCase() !== r.method) return false;
    if (m.target !== undefined && m.target !== r.target) return false;
    if (m.path !== undefined && !(typeof m.path === "string" ? r.path.includes(m.path) : this.matches(m.path, r))) return false;
    return true;
  }

  private async handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
    const ct = headers["content-type"] ?? "";
    const raw = req.method === "GET" || req.method === "HEAD" ? new Uint8Array() : new Uint8Array(await req.arrayBuffer());
    let body: unknown = null;
    let form: FormData | null = null;
    if (raw.byteLength > 0) {
      if (/multipart\/form-data|application\/x-www-form-urlencoded/i.test(ct)) {
        form = await new Response(raw, { headers: { "content-type": ct } }).formData();
        const fields: Record<string, unknown> = {};
        form.forEach((v, k) => {
          if (typeof v !== "string") fields[k] = { filename: v.name, type: v.type, size: v.size };
          else if (/^\s*[[{]/.test(v)) {
            try {
              fields[k] = JSON.parse(v);
            } catch {
              fields[k] = v;
            }
          } else fields[k] = v;
        });
        body = fields;
      } else {
        const text = new TextDecoder().decode(raw);
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
    }
    const query = Object.fromEntries(url.searchParams);
    const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "")?.[1]?.trim();
    const formToken = body && typeof body === "object" && typeof (body as Record<string, unknown>).access_token === "string" ? ((body as Record<string, string>).access_token) : undefined;
    const token = bearer ?? query.access_token ?? formToken ?? null;

    const segs = url.pathname.split("/").filter(Boolean).map((s) => decodeURIComponent(s));
    const version = segs[0] && /^v\d+\.\d+$/.test(segs[0]) ? segs[0] : null;
    const rest = version ? segs.slice(1) : segs;
    const first = rest[0] ?? null;
    const target = first === "me" ? (this.pageByToken(token)?.pageId ?? null) : !version && first === "download" ? (rest[1] ?? null) : first;
    const rec: RecordedRequest = { method: req.method, path: url.pathname, version, route: `/${rest.join("/")}`, query, headers, body, at: Date.now(), target };
    this.requests.push(rec);
    const call: Call = { rec, url, token, segs: rest, form };

    const rule = this.failures.find((f) => f.remaining > 0 && this.matches(f.matcher, rec));
    if (rule) {
      rule.remaining--;
      this.failures = this.failures.filter((f) => f.remaining > 0);
      rec.injected = true;
      return replyError(call, rule.error);
    }
    return this.route(call, req.method);
  }

  private async route(call: Call, method: string): Promise<Response> {
    const [id, edge, ...more] = call.segs;
    if (!call.rec.version) {
      if (method === "GET" && id === "download" && edge && !more.length) return waDownload(this, call, edge);
      if (method === "GET" && id === "profile-pic" && edge) {
        call.rec.status = 200;
        return new Response(PIXEL_PNG, { headers: { "content-type": "image/png" } });
      }
      return replyError(call, unknownPath(call.rec.path));
    }
    if (!id || more.length) return replyError(call, unknownPath(call.rec.route));
    if (method === "POST" && edge === "messages") {
      const res = id === "me" || this.pages.has(id) ? msSend(this, call, id) : waSend(this, call, id);
      // Meta has taken the message; the answer is slow to come back (crash tests cut it off).
      if (this.sendLatencyMs > 0) await Bun.sleep(this.sendLatencyMs);
      return res;
    }
    if (method === "POST" && edge === "media") return waUpload(this, call, id);
    if (method === "GET" && edge === "message_templates") return waTemplates(this, call, id);
    if (method === "GET" && edge === "phone_numbers") return waWabaNumbers(this, call, id);
    if (method === "DELETE" && !edge) return waMediaDelete(this, call, id);
    if (method === "GET" && !edge) {
      if (id === "me" || this.pages.has(id)) return msMe(this, call, id);
      if (this.numbers.has(id)) return waNumberInfo(this, call, id);
      if (this.media.has(id)) return waMediaInfo(this, call, id);
      if ([...this.numbers.values()].some((n) => n.wabaId === id)) return waWaba(this, call, id);
      if (this.pageByToken(call.token)) return msProfile(this, call, id);
      const tErr = this.tokenError(call.token);
      return replyError(call, tErr ?? objectNotFound("get", id));
    }
    return replyError(call, unknownPath(call.rec.route));
  }
}
