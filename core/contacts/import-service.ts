import Papa from "papaparse";
import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import type { Actor } from "../conversations/conversation-service.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { AppError, found } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { FieldError } from "../i18n/index.ts";
import type { Logger } from "../logger.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { ContactField } from "./contact.ts";
import type { ContactFieldRepository } from "./contact-field-repository.ts";
import type { ContactIndex } from "./contact-index.ts";
import type { ContactRepository } from "./contact-repository.ts";
import { checkedMapping, guessColumns, type ColumnTarget } from "./csv-columns.ts";
import { decodeCsv, unescapeCell } from "./csv-text.ts";
import { checkEmail, checkValue, phoneError } from "./field-values.ts";
import type { ImportJob, ImportJobRepository, RowError } from "./import-job-repository.ts";
import { normalizePhone } from "./phone.ts";
import { LIMITS } from "../http/limits.ts";
import { MAX_NAME } from "./contact-service.ts";
import type { TagRepository } from "./tag-repository.ts";
import { TAG_PALETTE } from "./tag-service.ts";

export const MAX_CSV_BYTES = LIMITS.csvBytes;
export const MAX_CSV_ROWS = 200_000;
/** Errors kept in a report; the counts still cover every row. */
const MAX_REPORTED_ERRORS = 1000;
/** Rows parsed (and written, in one transaction) between two turns of the event loop. */
const CHUNK_BYTES = 64 * 1024;
const GC_EVERY_CHUNKS = 4;

export interface ImportOptions {
  dryRun: boolean;
  duplicates: "merge" | "skip";
  /** A target per column, as chosen in the preview; else guessed from the headers. */
  mapping?: string[];
}

export interface ImportPreview {
  headers: string[];
  sample: string[][];
  mapping: ColumnTarget[];
  delimiter: string;
  encoding: string;
  rows: number;
}

interface Counts {
  processed: number;
  created: number;
  updated: number;
  skipped: number;
}

/**
 * CSV import of contacts, as a job: the request answers at once with its id, the
 * file is parsed a chunk at a time (papaparse, streaming over the text) and each
 * chunk is written in one transaction, so 100k rows take seconds and the inbox
 * keeps answering meanwhile. A dry run checks everything and writes nothing but
 * its report. Duplicates (same phone, else same e-mail; in the file or already
 * stored) are merged into the contact or skipped, as chosen.
 */
@injectable()
export class ContactImportService {
  private stopping = false;
  private readonly running = new Set<Promise<void>>();

  constructor(
    @inject(T.ImportJobRepository) private readonly jobs: ImportJobRepository,
    @inject(T.ContactRepository) private readonly contacts: ContactRepository,
    @inject(T.ContactFieldRepository) private readonly fields: ContactFieldRepository,
    @inject(T.TagRepository) private readonly tags: TagRepository,
    @inject(T.ContactIndex) private readonly index: ContactIndex,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.EventBus) private readonly bus: EventBus,
    @inject(T.Logger) private readonly logger: Logger,
  ) {}

  /** Imports that were running when the process stopped will not finish: say so. Returns the stop for shutdown. */
  start(): () => Promise<void> {
    const n = this.jobs.failInterrupted(this.clock.now());
    if (n) this.logger.warn("imports interrupted by a restart marked failed", { jobs: n });
    return async () => {
      this.stopping = true;
      await Promise.allSettled([...this.running]);
    };
  }

  /** The first rows and the guessed columns, for the preview before importing. */
  preview(actor: Actor, bytes: Uint8Array): ImportPreview {
    const { text, encoding } = this.readable(bytes);
    const head = Papa.parse<string[]>(text, { preview: 6, skipEmptyLines: "greedy", delimitersToGuess: [",", ";", "\t"] });
    const [headers = [], ...sample] = head.data;
    if (headers.every((h) => !h.trim())) throw AppError.invalid({ file: "import.error.no_header" });
    return {
      headers,
      sample: sample.map((r) => r.map(unescapeCell)),
      mapping: guessColumns(headers, this.fields.list(actor.companyId)),
      delimiter: head.meta.delimiter,
      encoding,
      rows: estimateRows(text),
    };
  }

  /** Validates the file's shape, records the job and starts it; the caller polls the job. */
  begin(actor: Actor, bytes: Uint8Array, options: ImportOptions): number {
    const { text } = this.readable(bytes);
    const rows = estimateRows(text);
    if (rows > MAX_CSV_ROWS) throw AppError.invalid({ file: "import.error.too_many_rows" });
    if (this.jobs.running(actor.companyId) > 0 && !options.dryRun) throw new AppError(409, "import_running", "import.error.running");
    const id = this.jobs.insert(actor.companyId, options.dryRun, options.duplicates, rows, actor.userId, this.clock.now());
    const run = this.run(actor, id, text, options)
      .catch((error) => {
        this.logger.error("contact import failed", { job: id, error });
        this.jobs.fail(id, error instanceof AppError ? error.code : "internal", [], this.clock.now());
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return id;
  }

  get(actor: Actor, id: number): ImportJob {
    return found(this.jobs.get(actor.companyId, id));
  }

  /** Resolves when the job's run is over (tests, the CLI). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private readable(bytes: Uint8Array): { text: string; encoding: string } {
    if (bytes.byteLength === 0) throw AppError.invalid({ file: "import.error.empty" });
    if (bytes.byteLength > MAX_CSV_BYTES) throw new AppError(413, "payload_too_large", "error.payload_too_large", { max: MAX_CSV_BYTES / 1024 });
    return decodeCsv(bytes);
  }

  private async run(actor: Actor, jobId: number, text: string, options: ImportOptions): Promise<void> {
    const template = this.fields.list(actor.companyId);
    const country = this.companies.get(actor.companyId)?.country ?? "";
    const rows = new RowChecker(actor.companyId, template, country, this.contacts, this.tags, options);
    let mapping: ColumnTarget[] | null = null;
    let header: string[] = [];
    let rowNo = 0;
    let chunks = 0;
    let failure: unknown = null;
    await new Promise<void>((resolve) => {
      Papa.parse<string[]>(text, {
        chunkSize: CHUNK_BYTES,
        skipEmptyLines: "greedy",
        delimitersToGuess: [",", ";", "\t"],
        chunk: (results: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
          let data = results.data;
          if (!mapping) {
            header = data[0] ?? [];
            mapping = options.mapping ? checkedMapping(options.mapping, template) : guessColumns(header, template);
            data = data.slice(1);
          }
          try {
            const read = data.map((cells: string[]) => rows.read(cells.map(unescapeCell), ++rowNo, mapping!, header));
            // One lookup of the chunk's phones and e-mails among stored contacts, then row
            // by row, so a person repeated within the file is a duplicate of the row written before.
            const step = () => {
              const stored = rows.stored(read);
              for (const r of read) {
                const plan = rows.decide(r, stored);
                if (plan && !options.dryRun) this.apply(actor.companyId, plan, rows);
              }
            };
            if (options.dryRun) step();
            else this.uow.run(step);
            this.jobs.progress(jobId, rows.counts);
          } catch (error) {
            failure = error;
            parser.abort();
            return;
          }
          if (this.stopping) {
            failure = new AppError(503, "interrupted", "import.error.interrupted");
            parser.abort();
            return;
          }
          parser.pause();
          // The parse churns through short-lived strings faster than the collector
          // runs on its own; a collection every few chunks keeps the import's peak
          // memory near its working set instead of several times the file.
          if (++chunks % GC_EVERY_CHUNKS === 0) Bun.gc(true);
          setImmediate(() => parser.resume());
        },
        complete: () => resolve(),
      });
    });
    if (!mapping || (mapping as ColumnTarget[]).every((m) => m === "")) failure ??= new AppError(422, "no_columns", "import.error.no_columns");
    if (failure) {
      this.jobs.progress(jobId, rows.counts);
      this.jobs.fail(jobId, failure instanceof AppError ? failure.code : "internal", rows.errors, this.clock.now());
      if (!(failure instanceof AppError)) throw failure;
      return;
    }
    this.jobs.setTotal(jobId, rowNo);
    this.jobs.finish(jobId, rows.errors, this.clock.now());
    if (!options.dryRun && (rows.counts.created || rows.counts.updated)) this.bus.emit("contact.changed", { companyId: actor.companyId, contactId: 0, listChanged: true });
  }

  private apply(companyId: number, p: Plan, rows: RowChecker): void {
    const now = this.clock.now();
    const tagIds = p.tags.map((name) => rows.tagId(name, () => this.tags.insert(companyId, name, TAG_PALETTE[rows.newTags++ % TAG_PALETTE.length]!, now)));
    if (p.kind === "create") {
      const id = this.contacts.create(companyId, { name: p.name, phone: p.phone, email: p.email }, now);
      for (const v of p.values) this.contacts.setValue(id, v.field.id, v.value, v.num);
      for (const t of tagIds) this.contacts.addTag(id, t);
      this.index.write(id, { companyId, name: p.name, phone: p.phone, email: p.email }, p.values.map((v) => ({ type: v.field.type, value: v.value })));
      rows.remember(p, id);
      return;
    }
    const current = this.contacts.get(companyId, p.id)!;
    const email = p.email && !this.contacts.idsByEmail(companyId, p.email, p.id).length ? p.email : current.email;
    this.contacts.update(companyId, p.id, { name: p.name || current.name, phone: current.phone ?? p.phone, email }, now);
    for (const v of p.values) this.contacts.setValue(p.id, v.field.id, v.value, v.num);
    for (const t of tagIds) this.contacts.addTag(p.id, t);
    this.index.rewrite(p.id);
    rows.remember(p, p.id);
  }
}

interface ReadRow {
  row: number;
  name: string;
  phone: string | null;
  email: string | null;
  tags: string[];
  given: Map<string, { column: number; raw: string }>;
  problems: RowError[];
  header: string[];
}

type Plan = {
  kind: "create" | "update";
  /** The contact to update (0 on create). */
  id: number;
  name: string;
  phone: string | null;
  email: string | null;
  values: { field: ContactField; value: string; num: number | null }[];
  tags: string[];
};

/**
 * Checks rows one by one and decides what each does, remembering what earlier
 * rows of the same file created so a repeated person is a duplicate there too.
 */
class RowChecker {
  readonly counts: Counts = { processed: 0, created: 0, updated: 0, skipped: 0 };
  readonly errors: RowError[] = [];
  newTags = 0;
  /** phone or e-mail -> contact id written by an earlier row (0: a dry run's would-be contact). */
  private readonly seen = new Map<string, number>();
  private readonly tagIds = new Map<string, number | null>();

  constructor(
    private readonly companyId: number,
    private readonly template: ContactField[],
    private readonly country: string,
    private readonly contacts: ContactRepository,
    private readonly tags: TagRepository,
    private readonly options: ImportOptions,
  ) {}

  /** A row's own data, checked on its own (phone, e-mail, name, tags); template fields wait for `decide`. */
  read(cells: string[], row: number, mapping: ColumnTarget[], header: string[]): ReadRow {
    this.counts.processed++;
    const r: ReadRow = { row, name: "", phone: null, email: null, tags: [], given: new Map(), problems: [], header };
    const bad = (column: number, reason: FieldError) => r.problems.push({ row, column: header[column] ?? "", reason });
    mapping.forEach((target, i) => {
      const raw = (cells[i] ?? "").trim();
      if (!target || !raw) return;
      if (target === "name") {
        r.name = raw.replace(/\s+/g, " ");
        if (r.name.length > MAX_NAME) bad(i, "contact.error.name_too_long");
      } else if (target === "phone") {
        r.phone = normalizePhone(raw, this.country);
        if (!r.phone) bad(i, phoneError(this.country));
      } else if (target === "email") {
        const e = checkEmail(raw);
        if (e && !e.ok) bad(i, e.error);
        else r.email = e?.value ?? null;
      } else if (target === "tags") {
        r.tags = [...new Set(raw.split(";").map((t) => t.trim().replace(/\s+/g, " ")).filter((t) => t.length > 0 && t.length <= 40))].slice(0, 20);
      } else r.given.set(target.slice(6), { column: i, raw });
    });
    return r;
  }

  /** Stored contacts with the phones and e-mails of these rows: one query each. */
  stored(rows: ReadRow[]): { phones: Map<string, number>; emails: Map<string, number> } {
    const phones = rows.flatMap((r) => (r.phone ? [r.phone] : []));
    const emails = rows.flatMap((r) => (r.email ? [r.email] : []));
    return { phones: this.contacts.idsByPhones(this.companyId, phones), emails: this.contacts.idsByEmails(this.companyId, emails) };
  }

  /** What the row does: create, update a duplicate, or nothing (a bad row, or a skipped duplicate). */
  decide(r: ReadRow, stored: { phones: Map<string, number>; emails: Map<string, number> }): Plan | null {
    const { row, header } = r;
    const problems = r.problems;
    const existing = this.duplicateOf(r.phone, r.email, stored);
    const values: Plan["values"] = [];
    for (const field of this.template) {
      const g = r.given.get(field.key);
      // Required fields must be there for someone new; a merge keeps what the contact has.
      const checked = checkValue(field.required && existing === null ? field : { ...field, required: false }, g?.raw ?? "", this.country);
      if (checked === null) continue;
      if (!checked.ok) {
        const column = g ? g.column : -1;
        problems.push({ row, column: column >= 0 ? (header[column] ?? field.label) : field.label, reason: checked.error });
      } else values.push({ field, value: checked.value, num: checked.num });
    }
    if (!r.name && !r.phone && !r.email && problems.length === 0) problems.push({ row, reason: "import.error.no_identity" });
    if (problems.length) {
      this.counts.skipped++;
      for (const p of problems) if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push(p);
      return null;
    }
    if (existing !== null && this.options.duplicates === "skip") {
      this.counts.skipped++;
      return null;
    }
    const plan: Plan = { kind: existing !== null ? "update" : "create", id: existing ?? 0, name: r.name, phone: r.phone, email: r.email, values, tags: r.tags };
    if (plan.kind === "create") this.counts.created++;
    else this.counts.updated++;
    if (this.options.dryRun) this.remember(plan, existing ?? 0);
    return plan;
  }

  remember(p: Plan, id: number): void {
    if (p.phone) this.seen.set(`p:${p.phone}`, id);
    if (p.email) this.seen.set(`e:${p.email}`, id);
  }

  tagId(name: string, create: () => number): number {
    const key = name.toLocaleLowerCase();
    let id = this.tagIds.get(key);
    if (id === undefined) id = this.tags.byName(this.companyId, name)?.id ?? null;
    if (id === null) id = create();
    this.tagIds.set(key, id);
    return id;
  }

  /** The contact this row repeats: by phone first, then e-mail; in this file or already stored. */
  private duplicateOf(phone: string | null, email: string | null, stored: { phones: Map<string, number>; emails: Map<string, number> }): number | null {
    if (phone) {
      const id = this.seen.get(`p:${phone}`) ?? stored.phones.get(phone);
      if (id !== undefined) return id;
    }
    if (email) {
      const id = this.seen.get(`e:${email}`) ?? stored.emails.get(email);
      if (id !== undefined) return id;
    }
    return null;
  }
}

/** Data rows, for the progress bar before parsing (quoted line breaks make it an estimate; the job's final total is exact). */
function estimateRows(text: string): number {
  let n = 0;
  let lastBreak = -1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
    if (i - lastBreak > 1 && text.slice(lastBreak + 1, i).trim()) n++;
    lastBreak = i;
  }
  if (text.slice(lastBreak + 1).trim()) n++;
  return Math.max(0, n - 1);
}
