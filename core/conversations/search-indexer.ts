import { inject, injectable } from "tsyringe";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../logger.ts";
import { T } from "../tokens.ts";
import { INDEX_BATCH, type ConversationRepository } from "./conversation-repository.ts";

/**
 * Commits that land within this long share one indexing transaction. FTS5's cost
 * is mostly per transaction: a message alone costs about 65 us to index, fifty
 * together about 4 us each. Nothing waits for it (a search catches up by itself).
 */
const COALESCE_MS = 10;
/** After a failure (the disk full, the file locked), the next try; a search still catches up by itself. */
const RETRY_MS = 5_000;

/**
 * Moves message text into the full-text index off the webhook's path: a message
 * commits with a small "to index" row (migration 0017) and this job indexes it
 * right after that commit (within COALESCE_MS), in batches. At
 * start-up it indexes whatever a crash or an upgrade left waiting. A search never
 * waits for it: it indexes what is still pending first (ConversationRepository.list).
 */
@injectable()
export class SearchIndexer {
  private scheduled = false;
  private stopped = false;
  private retry: ReturnType<typeof setTimeout> | null = null;

  constructor(
    @inject(T.ConversationRepository) private readonly conversations: ConversationRepository,
    @inject(T.EventBus) private readonly bus: EventBus,
    @inject(T.Logger) private readonly logger: Logger,
  ) {}

  start(): () => void {
    this.stopped = false;
    const off = this.bus.on("message.created", () => this.schedule());
    this.schedule(true);
    return () => {
      this.stopped = true;
      off();
      if (this.retry) clearTimeout(this.retry);
    };
  }

  /** Indexes everything committed so far (tests; a search does the same by itself). */
  catchUp(): void {
    while (this.conversations.indexPending(INDEX_BATCH) === INDEX_BATCH);
  }

  /**
   * One indexing pass however many commits ask meanwhile: the webhooks of a busy
   * moment are indexed together, after their 200s are on their way.
   */
  private schedule(soon = false): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    if (soon) setImmediate(() => this.run());
    else setTimeout(() => this.run(), COALESCE_MS);
  }

  private run(): void {
    this.scheduled = false;
    if (this.stopped) return;
    try {
      // A long backlog (an upgrade) goes one batch per turn, so requests keep being served in between.
      if (this.conversations.indexPending(INDEX_BATCH) === INDEX_BATCH) this.schedule(true);
    } catch (error) {
      this.logger.error("indexing messages for search failed; retrying", { error });
      this.retry ??= setTimeout(() => {
        this.retry = null;
        this.schedule();
      }, RETRY_MS);
    }
  }
}
