import { Elysia, t } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Guard } from "../http/guard-provider.ts";
import type { CannedResponse } from "../responses/response.ts";
import type { ResponseService } from "../responses/response-service.ts";
import { T } from "../tokens.ts";
import { Int } from "./schemas.ts";
import { iso } from "./serializers.ts";
import { CannedResponse as ResponseSchema, list, listOf, responseExample } from "./api-schemas.ts";
import { op } from "./docs.ts";
import { IdCursor, limitOf, pageQuery } from "./pagination.ts";

const Id = t.Object({ id: t.Numeric({ minimum: 1, multipleOf: 1 }) });
const Body = t.Object({
  name: t.String({ maxLength: 60 }),
  key: t.String({ maxLength: 30 }),
  text: t.String({ maxLength: 4096 }),
  finalize: t.Optional(t.Boolean()),
  automatic: t.Optional(t.Boolean()),
  queueIds: t.Optional(t.Array(Int({ minimum: 1 }), { maxItems: 200 })),
});
const tags = ["responses"];
const one = { schema: ResponseSchema, example: responseExample };

function responseJson(r: CannedResponse) {
  return {
    id: r.id,
    name: r.name,
    key: r.key,
    text: r.text,
    finalize: r.finalize,
    automatic: r.automatic,
    queueIds: r.queueIds,
    attachment: r.mediaId ? { mediaId: r.mediaId, filename: r.mediaName, mimeType: r.mediaMime } : null,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

/** `/api/v1/responses`: the company's canned responses (attachments are added in the panel). */
@injectable()
export class ResponseApi {
  constructor(
    @inject(T.ResponseService) private readonly responseService: ResponseService,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/api/v1" })
      .use(this.guard.plugin)
      .get(
        "/responses",
        ({ scope, query }) => {
          const s = this.responseService.slice(scope, query.q ?? "", query.cursor ?? 0, limitOf(query));
          return { data: s.data.map(responseJson), next: s.next };
        },
        {
          api: "read",
          query: pageQuery({ q: t.Optional(t.String({ maxLength: 100 })) }, IdCursor),
          detail: op({ summary: "List canned responses in id order; ?q= searches name, key and text", tags, ok: { schema: listOf(ResponseSchema), example: list(responseExample) } }),
        },
      )
      .post(
        "/responses",
        ({ scope, body, set }) => {
          set.status = 201;
          return responseJson(
            this.responseService.create(scope, { name: body.name, key: body.key, text: body.text, finalize: body.finalize ?? false, automatic: body.automatic ?? false, queueIds: body.queueIds ?? [] }),
          );
        },
        {
          api: "write",
          body: Body,
          detail: op({
            summary: "Create a canned response (keys are unique regardless of case and accents; attachments are added in the panel)",
            tags,
            body: { name: "saludo", key: "sl", text: "Hola, {{contact.name}}. ¿En qué le ayudamos?", finalize: false, automatic: false },
            ok: { ...one, status: 201 },
          }),
        },
      )
      .get("/responses/:id", ({ scope, params }) => responseJson(this.responseService.get(scope, params.id)), {
        api: "read",
        params: Id,
        detail: op({ summary: "Get a canned response", tags, ok: one }),
      })
      .patch(
        "/responses/:id",
        ({ scope, params, body }) => {
          const r = this.responseService.get(scope, params.id);
          return responseJson(
            this.responseService.update(scope, r.id, {
              name: body.name ?? r.name,
              key: body.key ?? r.key,
              text: body.text ?? r.text,
              finalize: body.finalize ?? r.finalize,
              automatic: body.automatic ?? r.automatic,
              queueIds: body.queueIds ?? r.queueIds,
            }),
          );
        },
        { api: "write", params: Id, body: t.Partial(Body), detail: op({ summary: "Change a canned response; omitted fields keep their value", tags, body: { finalize: true }, ok: one }) },
      )
      .delete(
        "/responses/:id",
        ({ scope, params, set }) => {
          this.responseService.delete(scope, params.id);
          set.status = 204;
        },
        { api: "write", params: Id, detail: op({ summary: "Delete a canned response", tags, ok: { status: 204 } }) },
      );
  }
}
