import type { PluginContext, PluginLogger, PublicRequest, TranscriptEntry } from "../../core/channels/contract.ts";
// Imported as files so `bun build --compile` embeds them in the binary.
import chatCssPath from "./assets/chat.css" with { type: "file" };
import chatJsPath from "./assets/chat.js" with { type: "file" };
import widgetJsPath from "./assets/widget.js" with { type: "file" };
import type { ResolvedConfig } from "./config.ts";
import { pickLang, STRINGS } from "./i18n.ts";
import { ChatPage } from "./page.tsx";
import type { VisitorStreams } from "./streams.ts";
import type { VisitorIdentity } from "./visitor.ts";

const TRANSCRIPT_LIMIT = 100;
const JS = "text/javascript; charset=utf-8";

export interface PublicDeps {
  ctx: Pick<PluginContext, "publicUrl" | "webhookUrl" | "transcript" | "agentsOnline">;
  logger: PluginLogger;
  config: ResolvedConfig;
  identity: VisitorIdentity;
  streams: VisitorStreams;
  version: string;
}

/** The pages under /chat/<channelId>/: the chat itself, its scripts and the visitor's stream. */
export class PublicPages {
  private readonly ownOrigin: string;
  private widgetSource: string | null = null;

  constructor(private readonly deps: PublicDeps) {
    this.ownOrigin = new URL(deps.ctx.publicUrl).origin;
  }

  async handle(req: PublicRequest): Promise<Response> {
    const route = this.route(req.path);
    if (!route) return new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
    if (req.method !== "GET") return new Response("Method not allowed", { status: 405, headers: { allow: "GET" } });
    return route(req);
  }

  private route(path: string): ((req: PublicRequest) => Promise<Response>) | null {
    switch (path) {
      case "":
        return (req) => this.page(req);
      case "transcript":
        return (req) => this.transcript(req);
      case "stream":
        return (req) => this.stream(req);
      case "chat.js":
        return (req) => this.chatJs(req);
      case "chat.css":
        return (req) => this.chatCss(req);
      case "widget.js":
        return () => this.widgetJs();
      default:
        return null;
    }
  }

  async page(req: PublicRequest): Promise<Response> {
    const { ctx, identity, config } = this.deps;
    const existing = identity.tokenOf(req.headers);
    const token = existing ?? identity.issue();
    // A new visitor has no history: skip the lookup.
    const entries = existing ? await this.transcriptOf(identity.customerId(existing)) : [];
    const lang = pickLang(req.headers.get("accept-language"));
    const embed = req.url.searchParams.get("embed") === "1";
    const nobodyOnline = !(await ctx.agentsOnline().catch(() => true));
    // A plain call of the component: this file stays .ts, the markup lives in page.tsx.
    const html = await ChatPage({
      lang,
      t: STRINGS[lang],
      config,
      entries,
      embed,
      publicUrl: ctx.publicUrl,
      webhookUrl: ctx.webhookUrl,
      assetVersion: this.deps.version,
      nobodyOnline,
    });
    const headers = new Headers({
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": this.csp(embed),
      vary: "accept-language, cookie",
    });
    // Sent again on every visit so the year counts from the last one.
    for (const cookie of identity.setCookieHeaders(token)) headers.append("set-cookie", cookie);
    return new Response(html, { headers });
  }

  async transcript(req: PublicRequest): Promise<Response> {
    const token = this.deps.identity.tokenOf(req.headers);
    if (!token) return unauthorized();
    const entries = await this.transcriptOf(this.deps.identity.customerId(token));
    return Response.json({ messages: entries.map(toJson) }, { headers: { "cache-control": "no-store" } });
  }

  async stream(req: PublicRequest): Promise<Response> {
    const token = this.deps.identity.tokenOf(req.headers);
    if (!token) return unauthorized();
    return this.deps.streams.connect(this.deps.identity.customerId(token), req.signal);
  }

  async chatJs(req: PublicRequest): Promise<Response> {
    return new Response(Bun.file(chatJsPath), { headers: { "content-type": JS, "cache-control": cacheFor(req) } });
  }

  async chatCss(req: PublicRequest): Promise<Response> {
    return new Response(Bun.file(chatCssPath), { headers: { "content-type": "text/css; charset=utf-8", "cache-control": cacheFor(req) } });
  }

  /** The embed script, with this channel's URL and colour written into it. */
  async widgetJs(): Promise<Response> {
    this.widgetSource ??= await Bun.file(widgetJsPath).text();
    const settings = { url: this.deps.ctx.publicUrl, color: this.deps.config.color, title: this.deps.config.title };
    const body = this.widgetSource.replace("/*@config*/ null", JSON.stringify(settings));
    return new Response(body, {
      headers: {
        "content-type": JS,
        // Short: a colour or title change reaches the business's site within minutes.
        "cache-control": "public, max-age=300",
        // Loaded by other sites, including ones that send Cross-Origin-Embedder-Policy.
        "cross-origin-resource-policy": "cross-origin",
      },
    });
  }

  /**
   * The hosted page may be framed only by Charla itself; the embed variant by the
   * configured origins, or by any site when none is configured. Media may come
   * from any https host (signed URLs); everything else from Charla.
   */
  private csp(embed: boolean): string {
    const self = `'self' ${this.ownOrigin}`;
    const ancestors = !embed ? "'self'" : this.deps.config.allowedOrigins.length ? this.deps.config.allowedOrigins.join(" ") : "*";
    return [
      "default-src 'none'",
      `script-src ${self}`,
      // The brand colour is one custom property in a style attribute.
      `style-src ${self} 'unsafe-inline'`,
      `img-src ${self} https: data: blob:`,
      `media-src ${self} https: blob:`,
      `connect-src ${self}`,
      "base-uri 'none'",
      "form-action 'none'",
      `frame-ancestors ${ancestors}`,
    ].join("; ");
  }

  private async transcriptOf(customerId: string): Promise<TranscriptEntry[]> {
    try {
      const entries = await this.deps.ctx.transcript(customerId, TRANSCRIPT_LIMIT);
      // A reply still waiting in the outbox has no external id yet; it reaches the
      // visitor through the stream when it is sent, so listing it now would show it twice.
      return entries.filter((e) => !(e.direction === "out" && e.status === "pending" && !e.externalId));
    } catch (e) {
      // The chat still works without history; chat.js asks again when its stream connects.
      this.deps.logger.error("web chat: could not load a transcript", { error: e instanceof Error ? e.message : String(e) });
      return [];
    }
  }
}

/** Versioned URLs (?v=) never change, so browsers may keep them for a year. */
function cacheFor(req: PublicRequest): string {
  return req.url.searchParams.has("v") ? "public, max-age=31536000, immutable" : "public, max-age=300";
}

function unauthorized(): Response {
  return Response.json({ error: "Open the chat page first: no visitor cookie" }, { status: 401, headers: { "cache-control": "no-store" } });
}

function toJson(e: TranscriptEntry) {
  return {
    id: e.id,
    direction: e.direction,
    author: e.author,
    kind: e.kind,
    text: e.text,
    mediaUrl: e.mediaUrl,
    mediaType: e.mediaType,
    filename: e.filename,
    status: e.status,
    externalId: e.externalId,
    createdAt: e.createdAt,
  };
}
