import Papa from "papaparse";
import { inject, injectable } from "tsyringe";
import type { Actor } from "../conversations/conversation-service.ts";
import type { Language } from "../auth/roles.ts";
import { translator } from "../i18n/index.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { ContactFilter } from "./contact.ts";
import type { ContactFieldRepository } from "./contact-field-repository.ts";
import type { ContactService } from "./contact-service.ts";
import { formatPhone } from "./phone.ts";

const BATCH = 1000;

/**
 * The filtered list as CSV for Excel: a BOM (so Excel reads UTF-8), the list
 * separator of the company's country (";" where the decimal mark is a comma, as
 * in Colombia), quotes where needed, and cells that would start a formula
 * prefixed with ' (the import takes it off again, so export -> import is lossless).
 * Written in batches as the client reads, never built whole in memory.
 */
@injectable()
export class ContactExportService {
  constructor(
    @inject(T.ContactService) private readonly contactService: ContactService,
    @inject(T.ContactFieldRepository) private readonly fields: ContactFieldRepository,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
  ) {}

  csv(actor: Actor, filter: ContactFilter, lang: Language): ReadableStream<Uint8Array> {
    const t = translator(lang);
    const template = this.fields.list(actor.companyId);
    const delimiter = listSeparator(this.companies.get(actor.companyId)?.country ?? "");
    const encoder = new TextEncoder();
    const line = (cells: string[]) => `${Papa.unparse([cells], { delimiter, escapeFormulae: true, newline: "\r\n" })}\r\n`;
    let after = 0;
    let started = false;
    return new ReadableStream<Uint8Array>({
      pull: (controller) => {
        if (!started) {
          started = true;
          const head = [t.plain("contact.name"), t.plain("contact.phone"), t.plain("contact.email"), t.plain("contact.tags"), ...template.map((f) => f.label)];
          controller.enqueue(encoder.encode(`\uFEFF${line(head)}`));
          return;
        }
        const page = this.contactService.slice(actor, filter, after, BATCH);
        let out = "";
        for (const c of page.data) {
          out += line([c.name, formatPhone(c.phone), c.email ?? "", c.tags.map((x) => x.name).join(";"), ...template.map((f) => c.values.get(f.id) ?? "")]);
        }
        if (out) controller.enqueue(encoder.encode(out));
        if (page.next === null) controller.close();
        else after = page.next;
      },
    });
  }
}

/** ";" where numbers are written 1,5 (Excel then expects it), else ",". */
export function listSeparator(country: string): string {
  try {
    return new Intl.NumberFormat(`es-${country || "CO"}`).format(1.5).includes(",") ? ";" : ",";
  } catch {
    return ";";
  }
}
