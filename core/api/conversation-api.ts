import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Actor, ConversationService } from "../conversations/conversation-service.ts";
import type { ConversationFilter } from "../conversations/conversation.ts";
import type { ReplyService } from "../conversations/reply-service.ts";
import { AppError } from "../errors.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { ResponseService } from "../responses/response-service.ts";
import { toSlice } from "../shared/paging.ts";
import { T } from "../tokens.ts";
import type { UserService } from "../users/user-service.ts";
import { Conversation, conversationExample, list, listOf, Message, messageExample } from "./api-schemas.ts";
import { op } from "./docs.ts";
import { IdCursor, limitOf, pageQuery } from "./pagination.ts";
import { Int } from "./schemas.ts";
import { conversationJson, messageJson } from "./serializers.ts";

const Id = t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }) });
const Status = t.Union([t.Literal("bot"), t.Literal("queued"), t.Literal("open"), t.Literal("closed"), t.Literal("active")]);
const ListQuery = pageQuery(
  {
    status: t.Optional(Status),
    queueId: t.Optional(t.Numeric({ minimum: 1 })),
    assigneeId: t.Optional(t.Numeric({ minimum: 1 })),
    channelId: t.Optional(t.Numeric({ minimum: 1 })),
    unanswered: t.Optional(t.BooleanString()),
    q: t.Optional(t.String({ maxLength: 200 })),
  },
  t.String({ pattern: "^\\d+:\\d+$", maxLength: 40, description: "The `next` value of the previous page (last message time and id)" }),
);
const Template = t.Object({
  name: t.String({ maxLength: 512 }),
  language: t.String({ maxLength: 20 }),
  parameters: t.Optional(t.Array(t.String({ maxLength: 1024 }), { maxItems: 20 })),
});
const tags = ["conversations"];
const one = { schema: Conversation, example: conversationExample };
const sent = { status: 201 as const, schema: Message, example: messageExample };

/**
 * `/api/v1/conversations` and `/api/v1/messages`: list, read, answer, templates,
 * reactions, retries, take, assign, transfer, close, reopen. Tokens act for the
 * company, not as a person (a take names the user who takes it).
 */
@injectable()
export class ConversationApi {
  constructor(
    @inject(T.ConversationService) private readonly conversationService: ConversationService,
    @inject(T.ReplyService) private readonly replyService: ReplyService,
    @inject(T.ResponseService) private readonly responseService: ResponseService,
    @inject(T.UserService) private readonly userService: UserService,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    const actor = (companyId: number): Actor => ({ companyId, userId: null, name: "API", role: "api" });
    const json = (companyId: number, id: number) => conversationJson(this.conversationService.get(actor(companyId), id));
    return new Elysia({ prefix: "/api/v1" })
      .use(this.guard.plugin)
      .get(
        "/conversations",
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
          const limit = limitOf(query);
          const s = toSlice(this.conversationService.list(actor(scope.companyId), f, limit + 1), limit, (c) => `${c.lastMessageAt}:${c.id}`);
          return { data: s.data.map(conversationJson), next: s.next };
        },
        {
          api: "read",
          query: ListQuery,
          detail: op({
            summary: "List conversations, newest activity first (status=active: all but closed; q= searches messages, names and numbers)",
            tags,
            ok: { schema: listOf(Conversation, "key"), example: list(conversationExample, "1768478400000:41") },
          }),
        },
      )
      .get("/conversations/:id", ({ scope, params }) => json(scope.companyId, params.id), {
        api: "read",
        params: Id,
        detail: op({ summary: "Get a conversation", tags, ok: one }),
      })
      .get(
        "/conversations/:id/messages",
        ({ scope, params, query }) => {
          const limit = limitOf(query);
          const s = toSlice(this.conversationService.messagesAfter(actor(scope.companyId), params.id, query.cursor ?? 0, limit + 1), limit);
          return { data: s.data.map(messageJson), next: s.next };
        },
        {
          api: "read",
          params: Id,
          query: pageQuery({}, IdCursor),
          detail: op({ summary: "Messages of a conversation, oldest first", tags, ok: { schema: listOf(Message), example: list(messageExample) } }),
        },
      )
      .post(
        "/conversations/:id/messages",
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
            template: t.Optional(Template),
          }),
          detail: op({
            summary: "Send a text, a canned response ({responseId}), or an approved template outside the 24 h window; status is pending until the channel accepts it",
            tags,
            body: { text: "Hola Ana, su pedido sale hoy." },
            ok: sent,
          }),
        },
      )
      .post(
        "/conversations/:id/template",
        ({ scope, params, body, set }) => {
          set.status = 201;
          return messageJson(this.replyService.sendTemplate(actor(scope.companyId), params.id, { ...body, parameters: body.parameters ?? [] }));
        },
        {
          api: "write",
          params: Id,
          body: Template,
          detail: op({
            summary: "Send an approved message template (WhatsApp: the way back in after the 24 h window); parameters fill {{1}}, {{2}}...",
            tags,
            body: { name: "pedido_listo", language: "es", parameters: ["Ana", "A-1029"] },
            ok: { ...sent, example: { ...messageExample, kind: "template", text: "Hola Ana, su pedido A-1029 está listo.", payload: { name: "pedido_listo", language: "es", parameters: ["Ana", "A-1029"], category: "UTILITY" } } },
          }),
        },
      )
      .post(
        "/conversations/:id/transfer",
        ({ scope, params, body }) => {
          this.conversationService.transfer(actor(scope.companyId), params.id, { queueId: body.queueId ?? null, assigneeId: body.assigneeId ?? null });
          return json(scope.companyId, params.id);
        },
        {
          api: "write",
          params: Id,
          body: t.Object({ queueId: t.Optional(Int({ minimum: 1 })), assigneeId: t.Optional(Int({ minimum: 1 })) }),
          detail: op({ summary: "Transfer to a queue (its next online agent gets it) or to an agent; neither: back to its own queue", tags, body: { queueId: 3 }, ok: one }),
        },
      )
      .post(
        "/conversations/:id/assign",
        ({ scope, params, body }) => {
          this.conversationService.transfer(actor(scope.companyId), params.id, { assigneeId: body.assigneeId });
          return json(scope.companyId, params.id);
        },
        {
          api: "write",
          params: Id,
          body: t.Object({ assigneeId: Int({ minimum: 1 }) }),
          detail: op({ summary: "Assign to an agent (connected or not), keeping its queue", tags, body: { assigneeId: 7 }, ok: one }),
        },
      )
      .post(
        "/conversations/:id/take",
        ({ scope, params, body }) => {
          const user = this.userService.get(scope, body.userId);
          if (!user.active) throw AppError.invalid({ userId: "inbox.error.agent_invalid" });
          // The user takes it as in the panel: what they may see, a "taken by" line with their name.
          this.conversationService.take({ companyId: scope.companyId, userId: user.id, name: user.name, role: user.role }, params.id);
          return json(scope.companyId, params.id);
        },
        {
          api: "write",
          params: Id,
          body: t.Object({ userId: Int({ minimum: 1 }) }),
          detail: op({ summary: "A user takes the conversation (as Tomar in the inbox: an agent only one they can see)", tags, body: { userId: 7 }, ok: one }),
        },
      )
      .post(
        "/conversations/:id/close",
        ({ scope, params, body }) => {
          this.conversationService.close(actor(scope.companyId), params.id, body?.note ?? null);
          return json(scope.companyId, params.id);
        },
        {
          api: "write",
          params: Id,
          body: t.Optional(t.Object({ note: t.Optional(t.String({ maxLength: 1000 })) })),
          detail: op({ summary: "Finalize, with an optional closing note", tags, body: { note: "Pedido entregado" }, ok: { ...one, example: { ...conversationExample, status: "closed", closedAt: conversationExample.lastMessageAt } } }),
        },
      )
      .post(
        "/conversations/:id/reopen",
        ({ scope, params }) => {
          this.conversationService.reopen(actor(scope.companyId), params.id);
          return json(scope.companyId, params.id);
        },
        {
          api: "write",
          params: Id,
          detail: op({ summary: "Reopen a finalized conversation (409 newer_conversation_open while the customer has another one going on that channel)", tags, ok: one }),
        },
      )
      .get("/messages/:id", ({ scope, params }) => messageJson(this.conversationService.message(actor(scope.companyId), params.id)), {
        api: "read",
        params: Id,
        detail: op({ summary: "Get a message (its delivery status and error)", tags, ok: { schema: Message, example: messageExample } }),
      })
      .post("/messages/:id/retry", ({ scope, params }) => messageJson(this.replyService.retry(actor(scope.companyId), params.id)), {
        api: "write",
        params: Id,
        detail: op({ summary: "Send a failed answer again (409 not_retryable unless it failed)", tags, ok: { schema: Message, example: messageExample } }),
      })
      .post(
        "/messages/:id/reactions",
        ({ scope, params, body, set }) => {
          set.status = 201;
          return messageJson(this.replyService.react(actor(scope.companyId), params.id, body.emoji));
        },
        {
          api: "write",
          params: Id,
          body: t.Object({ emoji: t.String({ minLength: 1, maxLength: 16 }) }),
          detail: op({
            summary: "React with an emoji to a customer's message (channels with reactions, inside the messaging window)",
            tags,
            body: { emoji: "👍" },
            ok: { ...sent, example: { ...messageExample, kind: "reaction", text: "👍", payload: { target: "wamid.HBgM..." } } },
          }),
        },
      );
  }
}
