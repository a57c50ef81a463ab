import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import { AppError } from "../errors.ts";
import type { Guard } from "../http/guard-provider.ts";
import type { Renderer } from "../http/render.ts";
import { PANEL_PAGE_SIZE } from "../shared/paging.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { PLATFORM_TIME_ZONE } from "../tenancy/company.ts";
import { T } from "../tokens.ts";
import { AuditPage, type AuditPageData } from "../../views/admin/audit.tsx";
import type { AuditQuery, AuditService } from "./audit-service.ts";

const PAGE = PANEL_PAGE_SIZE * 2;

/**
 * "Auditoría": admins read their company's lines; the operator reads every
 * company's (or the one chosen in the filter), whichever company the panel has
 * selected, because the platform's own actions belong to none.
 */
@injectable()
export class AuditRoutes {
  constructor(
    @inject(T.AuditService) private readonly audit: AuditService,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.Renderer) private readonly render: Renderer,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia({ prefix: "/admin/audit" }).use(this.guard.plugin).get(
      "/",
      ({ request, viewer, query }) => {
        const q = query as Record<string, string | undefined>;
        const filters: AuditQuery = { action: one(q.action), actor: one(q.actor), from: one(q.from), to: one(q.to) };
        const operator = viewer.role === "operator";
        const company = operator ? this.chosenCompany(one(q.company)) : viewer.companyId;
        const cursor = cursorOf(one(q.before));
        const base = { cursor, query: filters, company: operator ? (company === null ? "" : String(company)) : null, companies: operator ? this.companies.options() : null, actions: this.audit.actions(company), timeZone: this.zone(viewer, company) };
        let data: AuditPageData;
        try {
          const slice = this.audit.page(company, filters, cursor, PAGE);
          data = { ...base, lines: slice.data, next: slice.next };
        } catch (e) {
          if (!(e instanceof AppError && e.status === 422)) throw e;
          // Bad filters: the form again with what is wrong, and no lines rather than misleading ones.
          return this.render.page(request, viewer, (ctx) => <AuditPage ctx={ctx} data={{ ...base, lines: [], next: null, errors: e.fields }} />, 422);
        }
        return this.render.page(request, viewer, (ctx) => <AuditPage ctx={ctx} data={data} />);
      },
      { panel: "audit" },
    );
  }

  /** The operator's company filter: "" every company; an unknown id is a 404, not an empty list. */
  private chosenCompany(raw: string | undefined): number | null {
    if (!raw) return null;
    const id = Number(raw);
    if (!Number.isSafeInteger(id) || id <= 0 || !this.companies.get(id)) throw AppError.notFound();
    return id;
  }

  private zone(viewer: Viewer, company: number | null): string {
    const id = company ?? viewer.companyId;
    return (id !== null ? this.companies.get(id)?.timeZone : undefined) ?? PLATFORM_TIME_ZONE;
  }
}

/** A repeated parameter counts once (its first value). */
function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function cursorOf(raw: string | undefined): number {
  const n = Number(raw ?? 0);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}
