import type { BunRequest, Server } from "bun";
import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Config } from "../config.ts";
import type { IngestService } from "../conversations/ingest-service.ts";
import { clientAddress } from "../http/client-address.ts";
import { jsonTooDeep, looksLikeJson } from "../http/json-depth.ts";
import { LIMITS } from "../http/limits.ts";
import { pickLanguage, translator } from "../i18n/index.ts";
import { ASSET_VERSION } from "../http/assets.ts";
import { PANEL_CSP, secured } from "../http/security-headers.ts";
import { PublicErrorPage } from "../../views/pages/public-error.tsx";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import { observeRaw } from "../observability/http-observer.ts";
import { T } from "../tokens.ts";
import type { Channel } from "./channel.ts";
import type { ChannelRepository } from "./channel-repository.ts";
import type { ChannelRuntime } from "./channel-runtime.ts";
import type { ChannelInstance, InboundResult, WebhookRequest } from "./contract.ts";

const MAX_WEBHOOK_BYTES = 4 * 1024 * 1024;
const WEBHOOK_ROUTE = "/webhooks/:channelId";
/** Providers retry a 503; this tells them not to hammer a channel whose plugin is failing. */
const RETRY_AFTER_SECONDS = "30";

/**
 * `GET|POST /webhooks/:channelId` and the plugins' public pages `/chat/:channelId/*`.
 * The raw body is read once (signatures are computed over those bytes); the plugin
 * verifies and parses; nothing is written for input it rejects; 200 only after
 * commit. A plugin that throws gets the provider a JSON 503 (so it retries), and
 * the channel shows the failure to its admins.
 */
@injectable()
export class WebhookRoutes {
  constructor(
    @inject(T.Config) private readonly config: Config,
    @inject(T.Logger) private readonly logger: Logger,
    @inject(T.ChannelRepository) private readonly channels: ChannelRepository,
    @inject(T.ChannelRuntime) private readonly runtime: ChannelRuntime,
    @inject(T.IngestService) private readonly ingestService: IngestService,
    @inject(T.Metrics) private readonly metrics: Metrics,
  ) {}

  /**
   * The webhook, for both ways in: `rawRoutes()` (what a listening server
   * answers, without Elysia's per-request work) and the Elysia route in
   * `routes()` (what `app.handle()` reaches in tests). Answers carry the security
   * headers themselves, since the raw route skips app.ts's hooks.
   */
  async webhook(request: Request, rawId: string, server: Server<unknown> | null): Promise<Response> {
    // Counted and timed for /metrics: every answer, from a 404 to a commit.
    const started = performance.now();
    let res: Response;
    try {
      res = secured(await this.answer(request, rawId, server));
    } catch (error) {
      // What the error mapper answers for a failure nobody expected, in the webhook's JSON shape.
      this.logger.error("request failed", { path: new URL(request.url).pathname, error });
      res = secured(json(500, "internal", "internal error"));
    }
    this.metrics.webhookHandled(res.status, (performance.now() - started) / 1000);
    return res;
  }

  /**
   * Bun routes served beside Elysia's (app.ts hands them to Bun.serve through
   * Elysia's `serve.routes`), observed as httpObserver observes Elysia's: request
   * id, in-flight count (graceful shutdown waits for it), counter, access line.
   */
  rawRoutes(): Record<string, Record<"GET" | "POST", (req: BunRequest<string>, server: Server<unknown>) => Promise<Response>>> {
    const handler = (req: BunRequest<string>, server: Server<unknown>) =>
      observeRaw(this.metrics, this.logger, this.config.trustProxy, WEBHOOK_ROUTE, req, server, () => this.webhook(req, req.params.channelId ?? "", server));
    return { [WEBHOOK_ROUTE]: { GET: handler, POST: handler } };
  }

  private async answer(request: Request, rawId: string, server: Server<unknown> | null): Promise<Response> {
    const channel = this.find(rawId);
    if (!channel) return json(404, "not_found", "unknown channel");
    // Meta's bodies stay under 3 MB; refuse bigger ones before reading them into memory.
    if (Number(request.headers.get("content-length") ?? 0) > MAX_WEBHOOK_BYTES) return json(413, "payload_too_large", "webhook body too large");
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.byteLength > MAX_WEBHOOK_BYTES) return json(413, "payload_too_large", "webhook body too large");
    // No provider nests anywhere near this; a body that does is refused before any parser walks it.
    if (looksLikeJson(body) && jsonTooDeep(body, LIMITS.jsonDepth)) return json(422, "too_deep", `JSON nested deeper than ${LIMITS.jsonDepth} levels`);
    let instance: ChannelInstance;
    try {
      instance = await this.runtime.instance(channel);
    } catch {
      // Logged and shown on the channel by the runtime.
      return unavailable();
    }
    let result: InboundResult;
    try {
      result = await instance.handleWebhook(this.webhookRequest(request, body, server));
    } catch (error) {
      this.runtime.pluginFailed(channel, "webhook", error);
      return unavailable();
    }
    // Only a genuine delivery proves the plugin works again (a rejected forgery proves nothing).
    if (channel.pluginError && (result.type === "events" || result.type === "challenge")) this.runtime.clearPluginError(channel.id, "recovered");
    switch (result.type) {
      case "challenge":
        return result.response;
      case "rejected":
        this.logger.warn("webhook rejected", { channel: channel.id, plugin: channel.pluginId, status: result.status, reason: result.reason });
        return json(result.status, "webhook_rejected", result.reason);
      case "ignored":
        this.logger.info("webhook ignored", { channel: channel.id, plugin: channel.pluginId, reason: result.reason });
        return Response.json({ ok: true, ignored: result.reason });
      case "events": {
        try {
          const r = await this.ingestService.submit(channel, result.messages, result.statuses);
          return Response.json({ ok: true, ...r });
        } catch {
          // Not committed (logged by the ingest service): the provider keeps the events and retries.
          return json(503, "not_stored", "the events could not be stored; retry later", { "retry-after": RETRY_AFTER_SECONDS });
        }
      }
    }
  }

  /** The plugin's view of the request. Most plugins never read the URL or the caller's address: both are made only if one does. */
  private webhookRequest(request: Request, body: Uint8Array, server: Server<unknown> | null): WebhookRequest {
    const trustProxy = this.config.trustProxy;
    let url: URL | undefined;
    let address: string | undefined;
    return {
      method: request.method as "GET" | "POST",
      headers: request.headers,
      body,
      get url() {
        return (url ??= new URL(request.url));
      },
      get clientAddress() {
        return (address ??= clientAddress(request, server, trustProxy));
      },
    };
  }

  routes() {
    const publicPage = async ({ request, params, server }: { request: Request; params: Record<string, string>; server: unknown }) => {
      const channel = this.find(params.channelId!);
      if (!channel) return publicError(request, 404);
      let instance: ChannelInstance;
      try {
        instance = await this.runtime.instance(channel);
      } catch {
        return publicError(request, 503);
      }
      // A WhatsApp or Messenger channel has no page of its own.
      if (!instance.handlePublic) return publicError(request, 404);
      const body = request.method === "GET" ? new Uint8Array() : new Uint8Array(await request.arrayBuffer());
      return instance.handlePublic({
        method: request.method as "GET" | "POST",
        url: new URL(request.url),
        headers: request.headers,
        body,
        clientAddress: clientAddress(request, server as Parameters<typeof clientAddress>[1], this.config.trustProxy),
        path: params["*"] ?? "",
        signal: request.signal,
      });
    };
    return new Elysia()
      // The body parser hands these routes their raw body untouched (see core/http/body-parser.ts).
      .get(WEBHOOK_ROUTE, ({ request, params, server }) => this.webhook(request, params.channelId, server))
      .post(WEBHOOK_ROUTE, ({ request, params, server }) => this.webhook(request, params.channelId, server))
      .get("/chat/:channelId", publicPage)
      .get("/chat/:channelId/*", publicPage)
      .post("/chat/:channelId/*", publicPage);
  }

  private find(raw: string): Channel | null {
    const id = Number(raw);
    if (!Number.isSafeInteger(id) || id <= 0) return null;
    const c = this.channels.byId(id);
    return c && c.status !== "disabled" ? c : null;
  }
}

function json(status: number, code: string, message: string, headers?: Record<string, string>): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}

/** A page in the visitor's language (not a bare "Not found" a browser would download). */
function publicError(request: Request, status: 404 | 503): Response {
  const t = translator(pickLanguage(request.headers.get("accept-language")));
  const title = t.plain(status === 404 ? "chat.not_found_title" : "chat.unavailable_title");
  const message = t.plain(status === 404 ? "chat.not_found" : "chat.unavailable");
  return new Response(PublicErrorPage({ t, title, message, assetVersion: ASSET_VERSION }) as string, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": PANEL_CSP },
  });
}

function unavailable(): Response {
  return json(503, "channel_unavailable", "the channel's plugin failed; retry later", { "retry-after": RETRY_AFTER_SECONDS });
}
