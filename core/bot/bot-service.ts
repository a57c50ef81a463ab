import { inject, injectable } from "tsyringe";
import type { Scope } from "../auth/access.ts";
import type { ChannelRepository } from "../channels/channel-repository.ts";
import type { Clock } from "../clock.ts";
import type { ContactFieldRepository } from "../contacts/contact-field-repository.ts";
import type { TagRepository } from "../contacts/tag-repository.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { AppError, found } from "../errors.ts";
import { worded, type FieldError } from "../i18n/index.ts";
import type { QueueRepository } from "../queues/queue-repository.ts";
import type { ResponseRepository } from "../responses/response-repository.ts";
import { API_PAGE_SIZE, toSlice, type Slice } from "../shared/paging.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { UserRepository } from "../users/user-repository.ts";
import type { BotRepository } from "./bot-repository.ts";
import type { BotRunner } from "./bot-runner.ts";
import { isDraftable, readDefinition, type DefinitionErrors } from "./definition-check.ts";
import type { Holiday, HolidayCalendar } from "./holidays.ts";
import { stepKey, type BotDefinition, type BotProgram, type BotVersion } from "./program.ts";
import type { BotSessionRepository } from "./session-repository.ts";

export interface BotInput {
  name: string;
  enabled?: boolean;
  channelIds: number[];
  /** Untrusted JSON: timeoutMinutes, timeoutLabel, holidays, excludedHolidays, steps. */
  definition: unknown;
}

export interface BotListItem extends BotProgram {
  running: number;
  channelNames: string[];
}

export interface StepAnalytics {
  steps: { key: string; type: string; reached: number }[];
  exits: { step: string | null; outcome: string | null; n: number }[];
  started: number;
}

const MAX_NAME = 60;
export const EMPTY_DEFINITION: BotDefinition = { timeoutMinutes: 60, timeoutLabel: null, holidays: [], excludedHolidays: [], steps: [] };

/**
 * Bot programs of a company: create, copy, enable, delete; the draft and its
 * checks; publishing a version (running conversations keep theirs); restoring an
 * old one; the holidays a program will use; step analytics.
 */
@injectable()
export class BotService {
  constructor(
    @inject(T.BotRepository) private readonly bots: BotRepository,
    @inject(T.BotSessionRepository) private readonly sessions: BotSessionRepository,
    @inject(T.BotRunner) private readonly runner: BotRunner,
    @inject(T.ChannelRepository) private readonly channels: ChannelRepository,
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.UserRepository) private readonly users: UserRepository,
    @inject(T.TagRepository) private readonly tags: TagRepository,
    @inject(T.ContactFieldRepository) private readonly fields: ContactFieldRepository,
    @inject(T.ResponseRepository) private readonly responses: ResponseRepository,
    @inject(T.HolidayCalendar) private readonly calendar: HolidayCalendar,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
  ) {}

  list(scope: Scope): BotListItem[] {
    const running = this.sessions.runningCounts(scope.companyId);
    const names = new Map(this.channels.list(scope.companyId).map((c) => [c.id, c.name]));
    return this.bots.list(scope.companyId).map((p) => ({ ...p, running: running.get(p.id) ?? 0, channelNames: p.channelIds.map((id) => names.get(id) ?? `#${id}`) }));
  }

  slice(scope: Scope, after: number, limit = API_PAGE_SIZE): Slice<BotProgram> {
    return toSlice(this.bots.after(scope.companyId, after, limit + 1), limit);
  }

  get(scope: Scope, id: number): BotProgram {
    return found(this.bots.get(scope.companyId, id));
  }

  create(scope: Scope, input: BotInput): BotProgram {
    const { name, channelIds, definition } = this.check(scope, input, null);
    const enabled = input.enabled !== false;
    if (enabled) this.checkChannelsFree(scope, channelIds, null);
    const now = this.clock.now();
    const id = this.uow.run(() => {
      const id = this.bots.insert(scope.companyId, name, definition, enabled, now);
      this.bots.setChannels(id, channelIds);
      return id;
    });
    return this.get(scope, id);
  }

  /** Replaces name, channels and draft (PUT); a draft may keep jumps to steps not written yet. */
  update(scope: Scope, id: number, input: BotInput): BotProgram {
    const current = this.get(scope, id);
    const { name, channelIds, definition } = this.check(scope, input, id);
    if (current.enabled) this.checkChannelsFree(scope, channelIds, id);
    this.uow.run(() => {
      this.bots.update(id, name, definition, this.clock.now());
      this.bots.setChannels(id, channelIds);
    });
    return this.get(scope, id);
  }

  /** Only the draft (the editor's step forms). */
  saveDraft(scope: Scope, id: number, raw: unknown): BotProgram {
    const p = this.get(scope, id);
    return this.update(scope, id, { name: p.name, channelIds: p.channelIds, definition: raw });
  }

  /** Everything wrong with the draft, publishing's view (the editor lists it). */
  draftErrors(scope: Scope, p: BotProgram): DefinitionErrors {
    const read = readDefinition(p.draft);
    const errors = { ...read.errors, ...this.referenceErrors(scope, read.definition, read.sentAt) };
    if (read.definition.steps.length === 0) errors.steps = "bot.error.no_steps";
    return errors;
  }

  publish(scope: Scope, id: number, by: string | null): number {
    const p = this.get(scope, id);
    const errors = this.draftErrors(scope, p);
    if (Object.keys(errors).length) throw new AppError(422, "validation_failed", "bot.error.invalid", {}, errors);
    const read = readDefinition(p.draft);
    return this.uow.run(() => this.bots.publish(id, read.definition, by, this.clock.now()));
  }

  copy(scope: Scope, id: number, suffix: string): BotProgram {
    const p = this.get(scope, id);
    // A copy starts switched off and without channels: the original keeps answering.
    return this.create(scope, { name: `${p.name} ${suffix}`.slice(0, MAX_NAME), enabled: false, channelIds: [], definition: p.draft });
  }

  setEnabled(scope: Scope, id: number, enabled: boolean): void {
    const p = this.get(scope, id);
    if (enabled) this.checkChannelsFree(scope, p.channelIds, id);
    this.bots.setEnabled(id, enabled, this.clock.now());
  }

  /** Conversations still in the program go to their queues first. */
  delete(scope: Scope, id: number): void {
    this.get(scope, id);
    this.runner.releaseAll(id);
    this.bots.delete(id);
  }

  versions(scope: Scope, id: number): BotVersion[] {
    this.get(scope, id);
    return this.bots.versions(id);
  }

  /** A page of the published versions, newest first; `next` is a version number. */
  versionSlice(scope: Scope, id: number, beforeVersion: number, limit = API_PAGE_SIZE): Slice<BotVersion> {
    this.get(scope, id);
    return toSlice(this.bots.versionsBefore(id, beforeVersion || Number.MAX_SAFE_INTEGER, limit + 1), limit, (v) => v.version);
  }

  /** An earlier version back into the draft (publish it to run it). */
  restore(scope: Scope, id: number, versionId: number): BotProgram {
    const p = this.get(scope, id);
    const v = this.bots.versions(id).find((x) => x.id === versionId);
    if (!v) throw AppError.notFound();
    this.bots.update(id, p.name, v.definition, this.clock.now());
    return this.get(scope, id);
  }

  /** The published definition, or the draft (the try-it panel runs either). */
  definitionOf(scope: Scope, id: number, source: "draft" | "published"): BotDefinition {
    const p = this.get(scope, id);
    if (source === "published") {
      const v = p.publishedVersionId ? this.bots.version(p.publishedVersionId) : null;
      if (!v) throw new AppError(409, "not_published", "bot.error.not_published");
      return v.definition;
    }
    return readDefinition(p.draft).definition;
  }

  holidays(scope: Scope, def: BotDefinition, year: number): { country: string; list: Holiday[] } {
    const country = this.companies.get(scope.companyId)!.country;
    return { country, list: this.calendar.list(country, year, def) };
  }

  analytics(scope: Scope, id: number, days: number): StepAnalytics {
    const p = this.get(scope, id);
    const from = this.clock.now() - days * 86_400_000;
    const reached = this.sessions.reached(id, from);
    const def = p.publishedVersionId ? (this.bots.version(p.publishedVersionId)?.definition ?? p.draft) : p.draft;
    const exits = this.sessions.exits(id, from);
    return {
      steps: def.steps.map((s) => ({ key: stepKey(s), type: s.type, reached: reached.get(stepKey(s)) ?? 0 })),
      exits,
      started: exits.reduce((n, e) => n + e.n, 0),
    };
  }

  private check(scope: Scope, input: BotInput, id: number | null): { name: string; channelIds: number[]; definition: BotDefinition } {
    const errors: Record<string, FieldError> = {};
    const name = input.name.trim().replace(/\s+/g, " ").slice(0, MAX_NAME);
    if (!name) errors.name = "bot.error.name";
    const channelIds = [...new Set(input.channelIds)];
    const own = new Set(this.channels.list(scope.companyId).map((c) => c.id));
    if (channelIds.some((c) => !own.has(c))) errors.channelIds = "bot.error.channel_unknown";
    const read = readDefinition(input.definition ?? (id ? undefined : EMPTY_DEFINITION));
    const all = { ...read.errors, ...this.referenceErrors(scope, read.definition, read.sentAt) };
    for (const [k, v] of Object.entries(all)) if (!isDraftable(k)) errors[k] = v;
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    return { name, channelIds, definition: read.definition };
  }

  private checkChannelsFree(scope: Scope, channelIds: number[], exceptId: number | null): void {
    const taken = this.bots.channelConflicts(scope.companyId, channelIds, exceptId);
    if (taken.length === 0) return;
    const channel = this.channels.get(scope.companyId, taken[0]!.channelId)?.name ?? "";
    throw AppError.invalid({ channelIds: worded("bot.error.channel_taken", { channel, program: taken[0]!.programName }) });
  }

  /** Steps naming things of the company that do not exist (a deleted queue, a tag of another company). */
  private referenceErrors(scope: Scope, def: BotDefinition, sentAt: number[]): DefinitionErrors {
    const errors: DefinitionErrors = {};
    const companyId = scope.companyId;
    const fieldKeys = new Set(this.fields.list(companyId).map((f) => f.key));
    const channelIds = new Set(this.channels.list(companyId).map((c) => c.id));
    def.steps.forEach((s, i) => {
      const path = `steps[${sentAt[i]}]`;
      const bad = (field: string, e: FieldError) => (errors[`${path}.${field}`] ??= e);
      if (s.type === "say" && s.responseId && !this.responses.get(companyId, s.responseId)) bad("responseId", "bot.error.response_unknown");
      if (s.type === "ask" && s.field && !fieldKeys.has(s.field)) bad("field", worded("bot.error.field_unknown", { field: s.field }));
      if (s.type === "condition") {
        if (s.on === "field" && s.field && !fieldKeys.has(s.field)) bad("field", worded("bot.error.field_unknown", { field: s.field }));
        if (s.on === "tag" && s.tagId && this.tags.countOwned(companyId, [s.tagId]) !== 1) bad("tagId", "bot.error.tag_unknown");
        if (s.on === "channel" && s.channelId && !channelIds.has(s.channelId)) bad("channelId", "bot.error.channel_unknown");
      }
      if (s.type === "tag" && s.tagId && this.tags.countOwned(companyId, [s.tagId]) !== 1) bad("tagId", "bot.error.tag_unknown");
      if (s.type === "transfer") {
        if (s.queueId && !this.queues.get(companyId, s.queueId)) bad("queueId", "bot.error.queue_unknown");
        if (s.assigneeId) {
          const u = this.users.get(companyId, s.assigneeId);
          if (!u || !u.active) bad("assigneeId", "bot.error.agent_unknown");
        }
      }
    });
    return errors;
  }
}
