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
import type { ChannelService } from "../../core/channels/channel-service.ts";

export const ADMIN_PASSWORD = "operator-pass-123";
/** Holds the http-relay test channel plugin (see tests/helpers/relay.ts). */
export const RELAY_PLUGINS_DIR = join(import.meta.dir, "../fixtures/channel-plugins");
export const RELAY_TOKEN = "relay-secret-token";

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
  makeQueue(companyId: number, name: string, strategy?: "round_robin" | "least_busy" | "manual", maxPerAgent?: number): number;
  makeToken(companyId: number, scope?: "read" | "write"): string;
  close(): Promise<void>;
  /** A channel of the http-relay test plugin sending to `endpoint`. */
  makeRelayChannel(companyId: number, endpoint: string, queueId?: number | null, reopenWindowMinutes?: number): number;
  /** Delivers a relay webhook as the provider would; returns the HTTP response. */
  webhook(channelId: number, body: unknown, token?: string): Promise<Response>;
}

/**
 * The real app on a real SQLite file in a fresh temp DATA_DIR, first-run done
 * (operator "admin" + company "mi-empresa"). Requests go through app.handle().
 */
export async function createTestApp(opts: { env?: Record<string, string>; clock?: Clock; dir?: string; keepDir?: boolean } = {}): Promise<TestApp> {
  // `dir`: open an existing DATA_DIR again (a restart); `keepDir`: leave it behind on close.
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "charla-test-"));
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: "error", ADMIN_PASSWORD, PLUGINS_DIR: RELAY_PLUGINS_DIR, ...opts.env });
  let rt: Runtime;
  try {
    rt = await startRuntime(config, { clock: opts.clock });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  rt.startWorkers();
  const first = await rt.container.resolve<Bootstrap>(T.Bootstrap).firstRun();
  const scope = (companyId: number) => ({ companyId, userId: null, role: "admin" as const });
  const app: TestApp = {
    ...rt,
    dir,
    companyId: first?.companyId ?? 1,
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
    makeQueue: (companyId, name, strategy = "round_robin", maxPerAgent = 0) =>
      rt.container.resolve<QueueService>(T.QueueService).create(scope(companyId), { name, strategy, maxPerAgent }).id,
    makeToken: (companyId, tokenScope = "write") =>
      rt.container.resolve<ApiTokenService>(T.ApiTokenService).create(companyId, "test", tokenScope, null).token,
    makeRelayChannel: (companyId, endpoint, queueId = null, reopenWindowMinutes = 0) =>
      rt.container
        .resolve<ChannelService>(T.ChannelService)
        .create(scope(companyId), "http-relay", { name: `relay ${companyId}`, queueId, reopenWindowMinutes, config: { endpoint, token: RELAY_TOKEN } }).id,
    webhook: (channelId, body, token = RELAY_TOKEN) =>
      rt.app.handle(
        new Request(`http://localhost/webhooks/${channelId}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-relay-token": token },
          body: typeof body === "string" ? body : JSON.stringify(body),
        }),
      ),
    close: async () => {
      await rt.shutdown();
      if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return app;
}
