import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import { AppError, found } from "../errors.ts";
import type { MessageKey } from "../i18n/index.ts";
import { paged, type Page } from "../shared/paging.ts";
import { T } from "../tokens.ts";
import type { Company, CompanyInput } from "./company.ts";
import type { CompanyRepository } from "./company-repository.ts";
import { COUNTRIES } from "./countries.ts";

const TIME_ZONES = new Set(Intl.supportedValuesOf("timeZone"));
const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

@injectable()
export class CompanyService {
  constructor(
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.Clock) private readonly clock: Clock,
  ) {}

  page(page: number): Page<Company> {
    return paged(page, (limit, offset) => this.companies.page(limit, offset));
  }

  options(): { id: number; name: string; active: boolean }[] {
    return this.companies.options();
  }

  get(id: number): Company {
    return found(this.companies.get(id));
  }

  bySlug(slug: string): Company {
    return found(this.companies.bySlug(slug));
  }

  create(form: CompanyInput): Company {
    const input = this.validate(form, 0);
    return this.get(this.companies.insert(input, this.clock.now()));
  }

  update(id: number, form: CompanyInput): Company {
    this.get(id);
    this.companies.update(id, this.validate(form, id));
    return this.get(id);
  }

  private validate(form: CompanyInput, id: number): CompanyInput {
    const errors: Record<string, MessageKey> = {};
    const name = form.name.trim().replace(/\s+/g, " ");
    // Left empty: made from the name ("Tienda Sol" -> "tienda-sol").
    const slug = (form.slug.trim() || slugify(form.name)).toLowerCase();
    const country = form.country.trim().toUpperCase();
    const currency = form.currency.trim().toUpperCase();
    const timeZone = form.timeZone.trim();
    if (!name) errors.name = "company.error.name_required";
    else if (name.length > 100) errors.name = "company.error.name_too_long";
    if (!SLUG_PATTERN.test(slug)) errors.slug = "company.error.slug_format";
    else if (this.companies.slugTaken(slug, id)) errors.slug = "company.error.slug_taken";
    if (!COUNTRIES.some((c) => c.code === country)) errors.country = "company.error.country_invalid";
    if (!TIME_ZONES.has(timeZone)) errors.timeZone = "company.error.time_zone_invalid";
    if (!CURRENCIES.has(currency)) errors.currency = "company.error.currency_invalid";
    if (Object.keys(errors).length > 0) throw AppError.invalid(errors);
    return { name, slug, country, timeZone, currency, active: form.active };
  }
}

/** "Mi Empresa S.A." -> "mi-empresa-s-a" */
export function slugify(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
}
