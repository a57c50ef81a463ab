import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Actor, ConversationService } from "../conversations/conversation-service.ts";
import type { ConversationFilter } from "../conversations/conversation.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { ResponseService } from "../responses/response-service.ts";
import type { ReplyService } from "../conversations/reply-service.ts";
import { T } from "../tokens.ts";
import { Int } from "./schemas.ts";
import { conversationJson, messageJson } from "./serializers.ts";
import { API_PAGE_SIZE } from "../shared/paging.ts";

const Id = t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }) });
const Status = t.Union([t.Literal("bot"), t.Literal("queued"), t.Literal("open"), t.Literal("closed"), t.Literal("active")]);
const ListQuery = t.Object({
  status: t.Optional(Status),
  queueId: t.Optional(t.Numeric({ minimum: 1 })),
  assigneeId: t.Optional(t.Numeric({ minimum: 1 })),
  channelId: t.Optional(t.Numeric({ minimum: 1 })),
  unanswered: t.Optional(t.BooleanString()),
  q: t.Optional(t.String({ maxLength: 200 })),
  cursor: t.Optional(t.String({ pattern: "^\\d+:\\d+$" })),
});

/** `/api/v1/conversations`: list, read, answer, transfer, close. Tokens act for the company, not as a person. */
@injectable()
export class ConversationApi {
  constructor(
    @inject(T.ConversationService) private readonly conversationService: ConversationService,
    @inject(T.ReplyService) private readonly replyService: ReplyService,
    @inject(T.ResponseService) private readonly responseService: ResponseService,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    const actor = (companyId: number): Actor => ({ companyId, userId: null, name: "API", role: "api" });
    return new Elysia({ prefix: "/api/v1/conversations" })
      .use(this.guard.plugin)
      .get(
        "/",
        ({ scope, query }) => {
          const [at, id] = (query.cursor ?? "").split(":").map(Number);
          const f: ConversationFilter = {
            status: query.status,
            queueId: query.queueId,
            assigneeId: query.assigneeId,
            channelId: query.channelId,
            unanswered: query.unanswered || undefined,
            q: query.q,
            before: query.cursor ? { at: at!, id: id! } : undefined,
          };
          const rows = this.conversationService.list(actor(scope.companyId), f, API_PAGE_SIZE);
          const last = rows[rows.length - 1];
          return { data: rows.map(conversationJson), next: rows.length === API_PAGE_SIZE && last ? `${last.lastMessageAt}:${last.id}` : null };
        },
        { api: "read", query: ListQuery, detail: { summary: "List conversations, newest activity first", tags: ["conversations"] } },
      )
      .get("/:id", ({ scope, params }) => conversationJson(this.conversationService.get(actor(scope.companyId), params.id)), {
        api: "read",
        params: Id,
        detail: { summary: "Get a conversation", tags: ["conversations"] },
      })
      .get(
        "/:id/messages",
        ({ scope, params, query }) => {
          const rows = this.conversationService.messagesAfter(actor(scope.companyId), params.id, query.cursor ?? 0, API_PAGE_SIZE);
          const last = rows[rows.length - 1];
          return { data: rows.map(messageJson), next: rows.length === API_PAGE_SIZE && last ? last.id : null };
        },
        {
          api: "read",
          params: Id,
          query: t.Object({ cursor: t.Optional(t.Numeric({ minimum: 0 })) }),
          detail: { summary: "Messages of a conversation, oldest first", tags: ["conversations"] },
        },
      )
      .post(
        "/:id/messages",
        ({ scope, params, body, set }) => {
          set.status = 201;
          const who = actor(scope.companyId);
          if (body.template) return messageJson(this.replyService.sendTemplate(who, params.id, { ...body.template, parameters: body.template.parameters ?? [] }));
          // A canned response: its text with the variables filled (or `text` instead), its attachment; FINALIZAR closes after queueing.
          if (body.responseId) return messageJson(this.responseService.send(who, params.id, body.responseId, body.text === undefined ? {} : { text: body.text }));
          return messageJson(this.replyService.send(who, params.id, { text: body.text, replyToId: body.replyToId ?? null }));
        },
        {
          api: "write",
          params: Id,
          body: t.Object({
            text: t.Optional(t.String({ maxLength: 4096 })),
            replyToId: t.Optional(Int({ minimum: 1 })),
            responseId: t.Optional(Int({ minimum: 1 })),
            template: t.Optional(
              t.Object({
                name: t.String({ maxLength: 512 }),
                language: t.String({ maxLength: 20 }),
                parameters: t.Optional(t.Array(t.String({ maxLength: 1024 }), { maxItems: 20 })),
              }),
            ),
          }),
          detail: {
            summary: "Send a text, a canned response ({responseId}), or an approved template outside the 24 h window; status is pending until the channel accepts it",
            tags: ["conversations"],
          },
        },
      )
      .post(
        "/:id/transfer",
        ({ scope, params, body }) => {
          this.conversationService.transfer(actor(scope.companyId), params.id, { queueId: body.queueId ?? null, assigneeId: body.assigneeId ?? null });
          return conversationJson(this.conversationService.get(actor(scope.companyId), params.id));
        },
        {
          api: "write",
          params: Id,
          body: t.Object({ queueId: t.Optional(Int({ minimum: 1 })), assigneeId: t.Optional(Int({ minimum: 1 })) }),
          detail: { summary: "Transfer to a queue or an agent", tags: ["conversations"] },
        },
      )
      .post(
        "/:id/close",
        ({ scope, params, body }) => {
          this.conversationService.close(actor(scope.companyId), params.id, body?.note ?? null);
          return conversationJson(this.conversationService.get(actor(scope.companyId), params.id));
        },
        {
          api: "write",
          params: Id,
          body: t.Optional(t.Object({ note: t.Optional(t.String({ maxLength: 1000 })) })),
          detail: { summary: "Finalize, with an optional closing note", tags: ["conversations"] },
        },
      );
  }
}
