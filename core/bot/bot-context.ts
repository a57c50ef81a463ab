import { inject, injectable } from "tsyringe";
import type { ContactFieldRepository } from "../contacts/contact-field-repository.ts";
import { checkValue } from "../contacts/field-values.ts";
import { translator } from "../i18n/index.ts";
import { normalizeKey } from "../responses/key-norm.ts";
import type { ResponseRepository } from "../responses/response-repository.ts";
import { fillVariables } from "../responses/variables.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { BotContext } from "./engine.ts";
import type { HolidayCalendar } from "./holidays.ts";
import type { BotDefinition } from "./program.ts";

/** The language a company's customers are written to in (Charla speaks Spanish and English). */
export function customerLanguage(country: string): "es" | "en" {
  return ["US", "CA", "GB"].includes(country) ? "en" : "es";
}

export interface ContactView {
  name: string;
  /** By field key. */
  fields: Record<string, string>;
  tagIds: number[];
}

/**
 * Builds what the engine reads for one run: the company's time zone and
 * holidays, the contact, canned responses by id or name, the template's fields
 * with their checks. The same for a real conversation and for the try-it panel.
 */
@injectable()
export class BotContextFactory {
  constructor(
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.ContactFieldRepository) private readonly fields: ContactFieldRepository,
    @inject(T.ResponseRepository) private readonly responses: ResponseRepository,
    @inject(T.HolidayCalendar) private readonly holidays: HolidayCalendar,
  ) {}

  build(companyId: number, def: BotDefinition, opts: { now: number; channelId: number; contact: ContactView }): BotContext & { language: "es" | "en"; words: BotContext["words"] & { button: string } } {
    const company = this.companies.get(companyId)!;
    const language = customerLanguage(company.country);
    const t = translator(language);
    const template = this.fields.list(companyId);
    const fill = (text: string, fields: Record<string, string>) => fillVariables(text, { contactName: opts.contact.name, contactFields: new Map(Object.entries(fields)), agentName: "", companyName: company.name });
    let responses: ReturnType<ResponseRepository["all"]> | null = null;
    return {
      now: opts.now,
      timeZone: company.timeZone,
      language,
      isHoliday: (date) => this.holidays.isHoliday(company.country, date, def),
      contact: opts.contact,
      channelId: opts.channelId,
      response: (ref, fields) => {
        responses ??= this.responses.all(companyId);
        const want = ref.name ? normalizeKey(ref.name) : "";
        const r = responses.find((x) => (ref.id ? x.id === ref.id : normalizeKey(x.name) === want || normalizeKey(x.key) === want));
        return r ? { text: fill(r.text, fields), mediaId: r.mediaId } : null;
      },
      fill,
      checkField: (key, raw) => {
        const field = template.find((f) => f.key === key);
        if (!field) return { ok: false, message: t.plain("bot.error.field_unknown", { field: key }) };
        const checked = checkValue({ ...field, required: true }, raw, company.country);
        if (!checked) return { ok: false, message: t.plain("contact.error.required") };
        return checked.ok ? { ok: true, value: checked.value } : { ok: false, message: t.fieldPlain(checked.error) };
      },
      words: { invalidOption: t.plain("bot.words.invalid_option"), button: t.plain("bot.words.options_button") },
    };
  }
}
