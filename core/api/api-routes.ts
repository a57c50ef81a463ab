import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Guard } from "../http/guard-provider.ts";
import type { QueueService } from "../queues/queue-service.ts";
import { T } from "../tokens.ts";
import { Int } from "./schemas.ts";
import type { UserService } from "../users/user-service.ts";
import type { UserInput } from "../users/user.ts";
import { queueJson, userJson } from "./serializers.ts";

const Id = t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }) });
const Cursor = t.Object({ cursor: t.Optional(t.Numeric({ minimum: 0, multipleOf: 1 })) });
const ErrorBody = t.Object({ error: t.Object({ code: t.String(), message: t.String() }) });
const Strategy = t.Union([t.Literal("round_robin"), t.Literal("least_busy"), t.Literal("manual")]);
const Queue = t.Object({ id: t.Integer(), name: t.String(), strategy: Strategy, maxPerAgent: t.Integer(), members: t.Integer(), createdAt: t.String() });
const QueueBody = t.Object({ name: t.String({ maxLength: 60 }), strategy: t.Optional(Strategy), maxPerAgent: t.Optional(Int({ minimum: 0, maximum: 1000 })) });
const Role = t.Union([t.Literal("admin"), t.Literal("supervisor"), t.Literal("agent")]);
const Lang = t.Union([t.Literal("es"), t.Literal("en")]);
const User = t.Object({
  id: t.Integer(),
  username: t.String(),
  name: t.String(),
  role: t.String(),
  extension: t.Nullable(t.String()),
  language: Lang,
  active: t.Boolean(),
  queueIds: t.Array(t.Integer()),
  createdAt: t.String(),
});
const UserCreate = t.Object({
  username: t.String({ maxLength: 50 }),
  name: t.String({ maxLength: 100 }),
  password: t.String({ maxLength: 256 }),
  role: Role,
  extension: t.Optional(t.Nullable(t.String({ maxLength: 10 }))),
  queueIds: t.Optional(t.Array(Int({ minimum: 1 }), { maxItems: 200 })),
  language: t.Optional(Lang),
});
const errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody };

/** `/api/v1` for queues and users; every call is scoped to the token's company. */
@injectable()
export class ApiRoutes {
  constructor(
    @inject(T.QueueService) private readonly queueService: QueueService,
    @inject(T.UserService) private readonly userService: UserService,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/api/v1" })
      .use(this.guard.plugin)
      .get(
        "/queues",
        ({ scope, query }) => {
          const s = this.queueService.slice(scope, query.cursor ?? 0);
          return { data: s.data.map(queueJson), next: s.next };
        },
        { api: "read", query: Cursor, detail: { summary: "List queues (colas)", tags: ["queues"] } },
      )
      .post(
        "/queues",
        ({ scope, body, set }) => {
          set.status = 201;
          return queueJson(this.queueService.create(scope, { name: body.name, strategy: body.strategy ?? "round_robin", maxPerAgent: body.maxPerAgent ?? 0 }));
        },
        { api: "write", body: QueueBody, response: { 201: Queue, ...errors }, detail: { summary: "Create a queue", tags: ["queues"] } },
      )
      .get("/queues/:id", ({ scope, params }) => queueJson(this.queueService.get(scope, params.id)), {
        api: "read",
        params: Id,
        detail: { summary: "Get a queue", tags: ["queues"] },
      })
      .patch(
        "/queues/:id",
        ({ scope, params, body }) => {
          const q = this.queueService.get(scope, params.id);
          return queueJson(this.queueService.update(scope, q.id, { name: body.name ?? q.name, strategy: body.strategy ?? q.strategy, maxPerAgent: body.maxPerAgent ?? q.maxPerAgent }));
        },
        { api: "write", params: Id, body: t.Partial(QueueBody), detail: { summary: "Change a queue; omitted fields keep their value", tags: ["queues"] } },
      )
      .delete(
        "/queues/:id",
        ({ scope, params, query, set }) => {
          this.queueService.delete(scope, params.id, query.moveTo ?? null);
          set.status = 204;
        },
        {
          api: "write",
          params: Id,
          query: t.Object({ moveTo: t.Optional(t.Numeric({ minimum: 1, multipleOf: 1 })) }),
          detail: { summary: "Delete a queue; ?moveTo=<queue id> moves its conversations still going there (else they stay without a queue)", tags: ["queues"] },
        },
      )
      .get(
        "/users",
        ({ scope, query }) => {
          const s = this.userService.slice(scope, query.cursor ?? 0);
          return { data: s.data.map(userJson), next: s.next };
        },
        { api: "read", query: Cursor, detail: { summary: "List users", tags: ["users"] } },
      )
      .post(
        "/users",
        async ({ scope, body, set }) => {
          const input: UserInput = {
            username: body.username,
            name: body.name,
            password: body.password,
            passwordConfirm: body.password,
            role: body.role,
            extension: body.extension ?? "",
            queueIds: body.queueIds ?? [],
            language: body.language ?? "es",
          };
          set.status = 201;
          return userJson(await this.userService.create(scope, input));
        },
        {
          api: "write",
          body: UserCreate,
          response: { 201: User, ...errors },
          detail: { summary: "Create a user (the password is never returned)", tags: ["users"] },
        },
      )
      .get("/users/:id", ({ scope, params }) => userJson(this.userService.get(scope, params.id)), {
        api: "read",
        params: Id,
        detail: { summary: "Get a user", tags: ["users"] },
      })
      .patch(
        "/users/:id",
        async ({ scope, params, body }) => {
          const u = this.userService.get(scope, params.id);
          if (body.active !== undefined && body.active !== u.active) this.userService.setActive(scope, u.id, body.active);
          const input: UserInput = {
            username: body.username ?? u.username,
            name: body.name ?? u.name,
            password: body.password ?? "",
            passwordConfirm: body.password ?? "",
            role: body.role ?? u.role,
            extension: body.extension === undefined ? (u.extension ?? "") : (body.extension ?? ""),
            queueIds: body.queueIds ?? u.queues.map((q) => q.id),
            language: body.language ?? u.language,
          };
          return userJson(await this.userService.update(scope, u.id, input));
        },
        {
          api: "write",
          params: Id,
          body: t.Partial(t.Composite([UserCreate, t.Object({ active: t.Boolean() })])),
          detail: { summary: "Change a user; omitted fields keep their value", tags: ["users"] },
        },
      )
      .delete(
        "/users/:id",
        ({ scope, params, set }) => {
          this.userService.setActive(scope, params.id, false);
          set.status = 204;
        },
        { api: "write", params: Id, detail: { summary: "Deactivate a user (history is kept)", tags: ["users"] } },
      );
  }
}
