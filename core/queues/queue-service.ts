import type { Database } from "bun:sqlite";
import { inject, injectable } from "tsyringe";
import type { Scope } from "../auth/access.ts";
import type { Clock } from "../clock.ts";
import { AppError } from "../errors.ts";
import { API_PAGE_SIZE, pageWindow, toPage, toSlice, type Page, type Slice } from "../shared/paging.ts";
import { T } from "../tokens.ts";
import type { Queue, QueueListItem } from "./queue.ts";
import type { QueueRepository } from "./queue-repository.ts";

const MAX_NAME = 60;

@injectable()
export class QueueService {
  constructor(
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.Database) private readonly db: Database,
    @inject(T.Clock) private readonly clock: Clock,
  ) {}

  page(scope: Scope, page: number): Page<QueueListItem> {
    const w = pageWindow(page);
    const { rows, total } = this.queues.page(scope.companyId, w.limit, w.offset);
    return toPage(rows, total, w.page);
  }

  slice(scope: Scope, after: number): Slice<QueueListItem> {
    return toSlice(this.queues.after(scope.companyId, after, API_PAGE_SIZE), API_PAGE_SIZE);
  }

  options(scope: Scope): { id: number; name: string }[] {
    return this.queues.options(scope.companyId);
  }

  get(scope: Scope, id: number): Queue {
    return this.queues.get(scope.companyId, id) ?? fail();
  }

  create(scope: Scope, rawName: string): Queue {
    const name = this.validName(scope, rawName, 0);
    return this.db.transaction(() => {
      const id = this.queues.insert(scope.companyId, name, this.clock.now());
      return this.queues.get(scope.companyId, id)!;
    }).immediate();
  }

  rename(scope: Scope, id: number, rawName: string): Queue {
    this.get(scope, id);
    const name = this.validName(scope, rawName, id);
    this.queues.rename(scope.companyId, id, name);
    return this.get(scope, id);
  }

  delete(scope: Scope, id: number): void {
    this.get(scope, id);
    this.queues.delete(scope.companyId, id);
  }

  private validName(scope: Scope, raw: string, exceptId: number): string {
    const name = raw.trim().replace(/\s+/g, " ");
    if (!name) throw AppError.invalid({ name: "queue.error.name_required" });
    if (name.length > MAX_NAME) throw AppError.invalid({ name: "queue.error.name_too_long" });
    if (this.queues.nameTaken(scope.companyId, name, exceptId)) throw AppError.invalid({ name: "queue.error.name_taken" });
    return name;
  }
}

function fail(): never {
  throw AppError.notFound();
}
