import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import { AppError } from "../errors.ts";
import { CSRF_COOKIE, readCookie } from "../http/cookies.ts";
import { bool, positiveInt, str } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import { isHtmx } from "../http/htmx.ts";
import { html } from "../http/html-response.ts";
import type { Renderer, StoredFlash } from "../http/render.ts";
import { T } from "../tokens.ts";
import { translator } from "../i18n/index.ts";
import { MessageBubble } from "../../views/inbox/message-bubble.tsx";
import { actorOf, type ConversationService, type TransferOutcome } from "./conversation-service.ts";
import type { InboxViews } from "./inbox-views.ts";
import type { ReplyService } from "./reply-service.ts";
import type { ResponseService } from "../responses/response-service.ts";

/** What agents do from the conversation pane: answer, retry, templates, reactions, take, transfer, finalize, reopen. */
@injectable()
export class InboxActionRoutes {
  constructor(
    @inject(T.ConversationService) private readonly conversationService: ConversationService,
    @inject(T.ReplyService) private readonly replyService: ReplyService,
    @inject(T.ResponseService) private readonly responseService: ResponseService,
    @inject(T.InboxViews) private readonly views: InboxViews,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia()
      .use(this.guard.plugin)
      .post(
        "/inbox/:id/messages",
        async ({ request, viewer, params, body }) => {
          const id = positiveInt(params.id);
          const file = (body as Record<string, unknown> | null)?.file;
          const upload =
            file instanceof File && file.size > 0
              ? { bytes: new Uint8Array(await file.arrayBuffer()), mimeType: file.type, filename: file.name || "file" }
              : undefined;
          const replyTo = str(body, "replyToId");
          const responseId = str(body, "responseId");
          // A canned response picked in the composer: its attachment and FINALIZAR come along with the (edited) text.
          const m = responseId
            ? this.responseService.send(actorOf(viewer), id, positiveInt(responseId), {
                text: str(body, "text"),
                submissionKey: str(body, "submission") || null,
                intervene: bool(body, "intervene"),
              })
            : this.replyService.send(actorOf(viewer), id, {
                text: str(body, "text"),
                file: upload,
                replyToId: replyTo ? positiveInt(replyTo) : null,
                submissionKey: str(body, "submission") || null,
                intervene: bool(body, "intervene"),
              });
          if (!isHtmx(request)) return this.render.redirect(`/inbox/${id}`);
          return this.bubble(request, viewer, m.id);
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/messages/:id/retry",
        ({ request, viewer, params }) => {
          const m = this.replyService.retry(actorOf(viewer), positiveInt(params.id));
          if (!isHtmx(request)) return this.render.redirect(`/inbox/${m.conversationId}`);
          return this.bubble(request, viewer, m.id);
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/:id/template",
        ({ request, viewer, params, body }) => {
          const id = positiveInt(params.id);
          const [name, language] = str(body, "template").split("|");
          const raw = (body as Record<string, unknown>)?.parameters;
          const parameters = Array.isArray(raw) ? raw.map(String) : str(body, "parameters") ? [str(body, "parameters")] : [];
          const m = this.replyService.sendTemplate(actorOf(viewer), id, { name: name ?? "", language: language ?? "", parameters, intervene: bool(body, "intervene") });
          if (!isHtmx(request)) return this.render.redirect(`/inbox/${id}`);
          return this.bubble(request, viewer, m.id);
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/messages/:id/react",
        ({ request, viewer, params, body }) => {
          const m = this.replyService.react(actorOf(viewer), positiveInt(params.id), str(body, "emoji"));
          if (!isHtmx(request)) return this.render.redirect(`/inbox/${m.conversationId}`);
          return this.bubble(request, viewer, m.id);
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/:id/take",
        ({ viewer, params }) => {
          const id = positiveInt(params.id);
          this.conversationService.take(actorOf(viewer), id);
          return this.render.redirect(`/inbox/${id}`);
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/:id/transfer",
        ({ viewer, params, body }) => {
          const id = positiveInt(params.id);
          const queueId = str(body, "queueId");
          const assigneeId = str(body, "assigneeId");
          if (!queueId && !assigneeId) throw AppError.invalid({ queueId: "inbox.error.transfer_target" });
          let outcome: TransferOutcome;
          try {
            outcome = this.conversationService.transfer(
              actorOf(viewer),
              id,
              { queueId: queueId ? positiveInt(queueId) : null, assigneeId: assigneeId ? positiveInt(assigneeId) : null },
              { offlineNeedsConfirm: true, confirmOffline: bool(body, "confirmOffline") },
            );
          } catch (e) {
            // Not connected: the pane asks before handing the conversation to someone who will not see it.
            if (e instanceof AppError && e.code === "agent_offline") return this.render.redirect(`/inbox/${id}?offline=${positiveInt(assigneeId)}#offline-warning`);
            throw e;
          }
          return this.render.redirect(`/inbox/${id}`, transferFlash(outcome));
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/:id/close",
        ({ viewer, params, body }) => {
          this.conversationService.close(actorOf(viewer), positiveInt(params.id), str(body, "note") || null);
          return this.render.redirect("/inbox", { kind: "ok", key: "inbox.closed" });
        },
        { panel: "inbox" },
      )
      .post(
        "/inbox/:id/reopen",
        ({ viewer, params }) => {
          const id = positiveInt(params.id);
          this.conversationService.reopen(actorOf(viewer), id);
          return this.render.redirect(`/inbox/${id}`);
        },
        { panel: "inbox" },
      );
  }

  private bubble(request: Request, viewer: Viewer, messageId: number): Response {
    const m = this.conversationService.message(actorOf(viewer), messageId);
    const csrf = readCookie(request.headers.get("cookie"), CSRF_COOKIE) ?? "";
    const bubble = <MessageBubble t={translator(viewer.language)} m={m} csrf={csrf} time={this.views.timeFormat(viewer)} />;
    return html(`<hx-partial hx-target="#messages" hx-swap="upsert">${bubble as string}</hx-partial>`);
  }
}

function transferFlash(o: TransferOutcome): StoredFlash {
  if (o.kind === "agent") return { kind: "ok", key: o.online ? "inbox.transferred_agent" : "inbox.transferred_agent_offline", params: { name: o.name } };
  return o.assignee
    ? { kind: "ok", key: "inbox.transferred_queue_to", params: { queue: o.queue, name: o.assignee } }
    : { kind: "ok", key: "inbox.transferred_queue_waiting", params: { queue: o.queue } };
}
