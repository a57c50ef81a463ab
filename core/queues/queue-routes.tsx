import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import { pageParam, positiveInt, str } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import { T } from "../tokens.ts";
import { QueueDeletePage, QueueFormPage, QueueListPage } from "../../views/admin/queues.tsx";
import type { QueueService } from "./queue-service.ts";
import type { QueueInput } from "./queue.ts";

/** "Colas" in the panel. */
@injectable()
export class QueueRoutes {
  constructor(
    @inject(T.QueueService) private readonly queueService: QueueService,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/admin/queues" })
      .use(this.guard.plugin)
      .get(
        "/",
        ({ request, viewer, scope, query }) => {
          const page = this.queueService.page(scope, pageParam(query.page));
          return this.render.page(request, viewer, (ctx) => <QueueListPage ctx={ctx} page={page} />);
        },
        { panel: "company.admin" },
      )
      .get("/new", ({ request, viewer }) => this.render.page(request, viewer, (ctx) => <QueueFormPage ctx={ctx} form={BLANK} />), {
        panel: "company.admin",
      })
      .post(
        "/",
        ({ request, viewer, scope, body }) => {
          const form = readForm(body);
          return this.render.submit(
            request,
            viewer,
            () => (this.queueService.create(scope, form), this.render.redirect("/admin/queues", { kind: "ok", key: "common.created" })),
            (errors) => (ctx) => <QueueFormPage ctx={ctx} form={form} errors={errors} />,
            "/admin/queues/new",
          );
        },
        { panel: "company.admin" },
      )
      .get(
        "/:id/edit",
        ({ request, viewer, scope, params }) => {
          const q = this.queueService.get(scope, positiveInt(params.id));
          return this.render.page(request, viewer, (ctx) => <QueueFormPage ctx={ctx} id={q.id} form={q} />);
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id",
        ({ request, viewer, scope, params, body }) => {
          const id = positiveInt(params.id);
          const form = readForm(body);
          return this.render.submit(
            request,
            viewer,
            () => (this.queueService.update(scope, id, form), this.render.redirect("/admin/queues", { kind: "ok", key: "common.saved" })),
            (errors) => (ctx) => <QueueFormPage ctx={ctx} id={id} form={form} errors={errors} />,
            `/admin/queues/${id}/edit`,
          );
        },
        { panel: "company.admin" },
      )
      .get(
        "/:id/delete",
        ({ request, viewer, scope, params }) => {
          const q = this.queueService.get(scope, positiveInt(params.id));
          const usage = this.queueService.usage(scope, q.id);
          const others = this.queueService.options(scope).filter((o) => o.id !== q.id);
          return this.render.page(request, viewer, (ctx) => <QueueDeletePage ctx={ctx} queue={q} usage={usage} others={others} />);
        },
        { panel: "company.admin" },
      )
      .post(
        "/:id/delete",
        ({ scope, params, body }) => {
          const raw = str(body, "moveTo");
          const moved = this.queueService.delete(scope, positiveInt(params.id), raw ? positiveInt(raw) : null);
          return this.render.redirect("/admin/queues", moved ? { kind: "ok", key: "queue.deleted_moved", params: { count: moved } } : { kind: "ok", key: "common.deleted" });
        },
        { panel: "company.admin" },
      );
  }
}

const BLANK: QueueInput = { name: "", strategy: "round_robin", maxPerAgent: 0 };

function readForm(body: unknown): QueueInput {
  const max = str(body, "maxPerAgent").trim();
  return { name: str(body, "name"), strategy: str(body, "strategy") || "round_robin", maxPerAgent: max === "" ? 0 : Number(max) };
}
