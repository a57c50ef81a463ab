import { inject, injectable } from "tsyringe";
import { AppError } from "../errors.ts";
import type { FieldError } from "../i18n/index.ts";
import { isIsoDate } from "../shared/iso-date.ts";
import { toSlice, type Slice } from "../shared/paging.ts";
import { zonedInstant } from "../shared/zoned-time.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { PLATFORM_TIME_ZONE } from "../tenancy/company.ts";
import { T } from "../tokens.ts";
import type { AuditFilter, AuditLine, AuditRepository } from "./audit-repository.ts";

/** The filter form's text, as typed (panel) or as query parameters (API). */
export interface AuditQuery {
  action?: string;
  actor?: string;
  /** YYYY-MM-DD, days in the company's time zone (the operator's all-companies view: the platform's). */
  from?: string;
  to?: string;
}

/**
 * Reading the audit log. Admins see their company's lines; the operator sees
 * every company's (or one, when a company is chosen), lines about the platform
 * itself (companies created, rates) included. Newest first, keyset-paged by id.
 */
@injectable()
export class AuditService {
  constructor(
    @inject(T.AuditRepository) private readonly entries: AuditRepository,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
  ) {}

  /** `companyId` null: every company (callers pass null only for the operator). */
  page(companyId: number | null, q: AuditQuery, cursor: number, limit: number): Slice<AuditLine> {
    const filter = this.filter(companyId, q);
    return toSlice(this.entries.page(filter, cursor, limit + 1), limit);
  }

  actions(companyId: number | null): string[] {
    return this.entries.actions(companyId);
  }

  private filter(companyId: number | null, q: AuditQuery): AuditFilter {
    const errors: Record<string, FieldError> = {};
    const action = (q.action ?? "").trim();
    if (action && !/^[a-z_]{1,40}(\.[a-z_]{1,40})?$/.test(action)) errors.action = "audit.error.action";
    const actor = (q.actor ?? "").trim();
    if (actor.length > 100) errors.actor = "audit.error.actor";
    const zone = (companyId !== null ? this.companies.get(companyId)?.timeZone : undefined) ?? PLATFORM_TIME_ZONE;
    const day = (raw: string | undefined, field: "from" | "to", next: boolean): number | undefined => {
      const d = (raw ?? "").trim();
      if (!d) return undefined;
      if (!isIsoDate(d)) {
        errors[field] = "audit.error.date";
        return undefined;
      }
      const [y, m, dd] = d.split("-").map(Number) as [number, number, number];
      // "to" includes its whole day: the bound is the next midnight.
      return zonedInstant(y, m, dd + (next ? 1 : 0), 0, 0, zone);
    };
    const from = day(q.from, "from", false);
    const to = day(q.to, "to", true);
    if (from !== undefined && to !== undefined && from >= to) errors.to = "audit.error.range";
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    return { companyId, action: action || undefined, actor: actor || undefined, from, to };
  }
}
