import { inject, injectable } from "tsyringe";
import { DATABASE, type Database } from "../db/database.ts";

/** What the platform asks of storage itself (health checks). */
@injectable()
export class SystemRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  /** True when the database answers a trivial query. */
  ping(): boolean {
    try {
      this.db.query("SELECT 1").get();
      return true;
    } catch {
      return false;
    }
  }
}
