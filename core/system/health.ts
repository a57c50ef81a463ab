import { Elysia } from "elysia";
import type { SystemRepository } from "./system-repository.ts";

/** `{"status":"ok"}` with 200 when the database answers; 503 otherwise. */
export function healthRoutes(system: SystemRepository) {
  return new Elysia().get("/healthz", ({ set }) => {
    if (system.ping()) return { status: "ok" };
    set.status = 503;
    return { status: "unavailable" };
  });
}
