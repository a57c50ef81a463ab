import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApiTokenService } from "../../core/api/api-token-service.ts";
import type { Clock } from "../../core/clock.ts";
import { loadConfig } from "../../core/config.ts";
import { startRuntime, type Runtime } from "../../core/runtime.ts";
import type { Bootstrap } from "../../core/system/bootstrap.ts";
import type { CompanyService } from "../../core/tenancy/company-service.ts";
import type { QueueService } from "../../core/queues/queue-service.ts";
import type { UserService } from "../../core/users/user-service.ts";
import { T } from "../../core/tokens.ts";
import { Client } from "./client.ts";

export const ADMIN_PASSWORD = "operator-pass-123";

/** A settable clock for expiry rules; time moves only when a test says so. */
export class TestClock implements Clock {
  constructor(public t = Date.UTC(2026, 0, 15, 12)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface TestApp extends Runtime {
  dir: string;
  companyId: number;
  client(): Client;
  /** Logged-in client for the platform operator ("admin"). */
  operator(): Promise<Client>;
  makeCompany(slug: string): number;
  makeUser(companyId: number, username: string, role?: string, queueIds?: number[], language?: "es" | "en"): Promise<number>;
  makeQueue(companyId: number, name: string): number;
  makeToken(companyId: number, scope?: "read" | "write"): string;
  close(): void;
}

/**
 * The real app on a real SQLite file in a fresh temp DATA_DIR, first-run done
 * (operator "admin" + company "mi-empresa"). Requests go through app.handle().
 */
export async function createTestApp(opts: { env?: Record<string, string>; clock?: Clock } = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), "charla-test-"));
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: "error", ADMIN_PASSWORD, ...opts.env });
  const rt = await startRuntime(config, { clock: opts.clock });
  const first = await rt.container.resolve<Bootstrap>(T.Bootstrap).firstRun();
  const scope = (companyId: number) => ({ companyId, userId: null, role: "admin" as const });
  const app: TestApp = {
    ...rt,
    dir,
    companyId: first!.companyId,
    client: () => new Client(rt.app),
    operator: async () => {
      const c = new Client(rt.app);
      await c.login("admin", ADMIN_PASSWORD);
      return c;
    },
    makeCompany: (slug) =>
      rt.container
        .resolve<CompanyService>(T.CompanyService)
        .create({ name: `Company ${slug}`, slug, country: "CO", timeZone: "America/Bogota", currency: "COP", active: true }).id,
    makeUser: async (companyId, username, role = "agent", queueIds = [], language = "es") =>
      (
        await rt.container.resolve<UserService>(T.UserService).create(scope(companyId), {
          username,
          name: `Name ${username}`,
          password: "password-123",
          passwordConfirm: "password-123",
          role,
          extension: "",
          queueIds,
          language,
        })
      ).id,
    makeQueue: (companyId, name) => rt.container.resolve<QueueService>(T.QueueService).create(scope(companyId), name).id,
    makeToken: (companyId, tokenScope = "write") =>
      rt.container.resolve<ApiTokenService>(T.ApiTokenService).create(companyId, "test", tokenScope, null).token,
    close: () => {
      rt.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return app;
}
