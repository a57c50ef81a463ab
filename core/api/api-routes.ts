import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Guard } from "../http/guard-provider.ts";
import type { QueueService } from "../queues/queue-service.ts";
import { T } from "../tokens.ts";
import { Int } from "./schemas.ts";
import type { UserService } from "../users/user-service.ts";
import type { UserInput } from "../users/user.ts";
import { queueJson, userJson } from "./serializers.ts";
import { list, listOf, PasswordReset, passwordResetExample, Queue, queueExample, User, userExample } from "./api-schemas.ts";
import { op } from "./docs.ts";
import { IdPage, limitOf } from "./pagination.ts";

const Id = t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }) });
const Strategy = t.Union([t.Literal("round_robin"), t.Literal("least_busy"), t.Literal("manual")]);
const QueueBody = t.Object({ name: t.String({ maxLength: 60 }), strategy: t.Optional(Strategy), maxPerAgent: t.Optional(Int({ minimum: 0, maximum: 1000 })) });
const Role = t.Union([t.Literal("admin"), t.Literal("supervisor"), t.Literal("agent")]);
const Lang = t.Union([t.Literal("es"), t.Literal("en")]);
const UserCreate = t.Object({
  username: t.String({ maxLength: 50 }),
  name: t.String({ maxLength: 100 }),
  password: t.String({ maxLength: 256 }),
  role: Role,
  extension: t.Optional(t.Nullable(t.String({ maxLength: 10 }))),
  queueIds: t.Optional(t.Array(Int({ minimum: 1 }), { maxItems: 200 })),
  language: t.Optional(Lang),
});
const userBody = { username: "fulanito", name: "Fulanito De Tal", password: "secreto-123", role: "agent", extension: "101", queueIds: [3], language: "es" };

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
          const s = this.queueService.slice(scope, query.cursor ?? 0, limitOf(query));
          return { data: s.data.map(queueJson), next: s.next };
        },
        { api: "read", query: IdPage, detail: op({ summary: "List queues (colas), in id order", tags: ["queues"], ok: { schema: listOf(Queue), example: list(queueExample) } }) },
      )
      .post(
        "/queues",
        ({ scope, body, set }) => {
          set.status = 201;
          return queueJson(this.queueService.create(scope, { name: body.name, strategy: body.strategy ?? "round_robin", maxPerAgent: body.maxPerAgent ?? 0 }));
        },
        {
          api: "write",
          body: QueueBody,
          detail: op({ summary: "Create a queue", tags: ["queues"], body: { name: "ventas", strategy: "round_robin", maxPerAgent: 0 }, ok: { status: 201, schema: Queue, example: queueExample } }),
        },
      )
      .get("/queues/:id", ({ scope, params }) => queueJson(this.queueService.get(scope, params.id)), {
        api: "read",
        params: Id,
        detail: op({ summary: "Get a queue", tags: ["queues"], ok: { schema: Queue, example: queueExample } }),
      })
      .patch(
        "/queues/:id",
        ({ scope, params, body }) => {
          const q = this.queueService.get(scope, params.id);
          return queueJson(this.queueService.update(scope, q.id, { name: body.name ?? q.name, strategy: body.strategy ?? q.strategy, maxPerAgent: body.maxPerAgent ?? q.maxPerAgent }));
        },
        {
          api: "write",
          params: Id,
          body: t.Partial(QueueBody),
          detail: op({ summary: "Change a queue; omitted fields keep their value", tags: ["queues"], body: { strategy: "least_busy", maxPerAgent: 5 }, ok: { schema: Queue, example: queueExample } }),
        },
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
          detail: op({ summary: "Delete a queue; ?moveTo=<queue id> moves its conversations still going there (else they stay without a queue)", tags: ["queues"], ok: { status: 204 } }),
        },
      )
      .get(
        "/users",
        ({ scope, query }) => {
          const s = this.userService.slice(scope, query.cursor ?? 0, limitOf(query));
          return { data: s.data.map(userJson), next: s.next };
        },
        { api: "read", query: IdPage, detail: op({ summary: "List users, in id order", tags: ["users"], ok: { schema: listOf(User), example: list(userExample) } }) },
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
          detail: op({ summary: "Create a user (the password is never returned)", tags: ["users"], body: userBody, ok: { status: 201, schema: User, example: userExample } }),
        },
      )
      .get("/users/:id", ({ scope, params }) => userJson(this.userService.get(scope, params.id)), {
        api: "read",
        params: Id,
        detail: op({ summary: "Get a user", tags: ["users"], ok: { schema: User, example: userExample } }),
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
          detail: op({ summary: "Change a user; omitted fields keep their value", tags: ["users"], body: { name: "Fulanito De Tal", role: "supervisor", active: true }, ok: { schema: User, example: userExample } }),
        },
      )
      .delete(
        "/users/:id",
        ({ scope, params, set }) => {
          this.userService.setActive(scope, params.id, false);
          set.status = 204;
        },
        { api: "write", params: Id, detail: op({ summary: "Deactivate a user (history is kept; their sessions end)", tags: ["users"], ok: { status: 204 } }) },
      )
      .post("/users/:id/activate", ({ scope, params }) => userJson(this.userService.setActive(scope, params.id, true)), {
        api: "write",
        params: Id,
        detail: op({ summary: "Activate a user again", tags: ["users"], ok: { schema: User, example: userExample } }),
      })
      .post("/users/:id/deactivate", ({ scope, params }) => userJson(this.userService.setActive(scope, params.id, false)), {
        api: "write",
        params: Id,
        detail: op({ summary: "Deactivate a user (the same as DELETE, answering the user)", tags: ["users"], ok: { schema: User, example: { ...userExample, active: false } } }),
      })
      .post(
        "/users/:id/reset-password",
        async ({ scope, params }) => {
          const { user, password } = await this.userService.resetPassword(scope, params.id);
          return { userId: user.id, password };
        },
        {
          api: "write",
          params: Id,
          detail: op({
            summary: "Give a user a new generated password, shown once in the answer; their sessions end and they choose their own at the next sign-in",
            tags: ["users"],
            ok: { schema: PasswordReset, example: passwordResetExample },
          }),
        },
      );
  }
}
