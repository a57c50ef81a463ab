import type { Database } from "bun:sqlite";
import { Elysia } from "elysia";

/** `{"status":"ok"}` with 200 when the database answers; 503 otherwise. */
export function healthRoutes(db: Database) {
  return new Elysia().get("/healthz", ({ set }) => {
    try {
      db.query("SELECT 1").get();
      return { status: "ok" };
    } catch {
      set.status = 503;
      return { status: "unavailable" };
    }
  });
}
