import { Cron } from "croner";
import type { AuthService } from "../auth/auth-service.ts";
import { loadConfig } from "../config.ts";
import { DataDirLock } from "../db/data-dir-lock.ts";
import type { Logger } from "../logger.ts";
import { startRuntime } from "../runtime.ts";
import type { Bootstrap } from "../system/bootstrap.ts";
import { T } from "../tokens.ts";
import type { InboxHub } from "../events/inbox-hub.tsx";
import type { DashboardHub } from "../reports/dashboard-hub.ts";
import type { Metrics } from "../observability/metrics.ts";
import { drainHttp } from "./shutdown.ts";

/** The largest request body the server reads at all: a 16 MB upload with its form. Route limits are smaller. */
export const MAX_REQUEST_BYTES = 20 * 1024 * 1024;

/**
 * `charla serve`: one server per DATA_DIR (a lock held while it runs), an
 * exclusive port (no SO_REUSEPORT: a second server on the same port fails to
 * start instead of silently sharing its traffic), first-run setup, optional demo
 * data, housekeeping.
 */
export async function serve(demo: boolean): Promise<number> {
  const config = loadConfig();
  const lock = DataDirLock.acquire(config.dataDir, "serve");
  let rt;
  try {
    rt = await startRuntime(config);
  } catch (e) {
    lock.release();
    throw e;
  }
  const { container, logger } = rt;
  watchProcess(logger);
  let deadline = Infinity;
  try {
    const bootstrap = container.resolve<Bootstrap>(T.Bootstrap);
    const first = await bootstrap.firstRun();
    if (demo) await bootstrap.demo(first?.companyId ?? 1);
    rt.startWorkers();
    try {
      rt.app.listen({ port: config.port, hostname: config.host, idleTimeout: 0, reusePort: false, maxRequestBodySize: MAX_REQUEST_BYTES });
    } catch (e) {
      throw new Error(`cannot listen on ${config.host}:${config.port} (${e instanceof Error ? e.message : String(e)}): is another server using that port?`);
    }
    const server = rt.app.server!;
    const sweep = new Cron("17 * * * *", { protect: true, catch: (error) => logger.error("session sweep failed", { error }) }, () => {
      const n = container.resolve<AuthService>(T.AuthService).sweepExpired();
      if (n) logger.info("expired sessions removed", { count: n });
    });

    console.log(`Charla is running at ${config.publicUrl} (listening on ${config.host}:${server.port}; data in ${config.dataDir})`);
    if (first) {
      console.log(
        first.generatedPassword
          ? `First start: sign in as "admin" with password: ${first.generatedPassword}  (shown once; change it with "charla admin reset-password --username admin")`
          : `First start: sign in as "admin" with the password from ADMIN_PASSWORD.`,
      );
    }
    if (demo) console.log(`Demo data loaded: users fulanito, supervisora, zutano (password demo1234).`);

    const signal = await new Promise<string>((resolve) => {
      process.once("SIGINT", () => resolve("SIGINT"));
      process.once("SIGTERM", () => resolve("SIGTERM"));
    });
    // A second signal means "now": the data is safe either way (every acknowledged write is committed).
    const now = (s: string) => () => {
      logger.warn("second signal during shutdown: exiting at once", { signal: s });
      process.exit(1);
    };
    process.once("SIGINT", now("SIGINT"));
    process.once("SIGTERM", now("SIGTERM"));
    deadline = Date.now() + config.shutdownGraceMs;
    logger.info("shutting down: no new connections; finishing requests and sends in flight", { signal, graceSeconds: config.shutdownGraceMs / 1000 });
    sweep.stop();
    await drainHttp(server, {
      streams: [container.resolve<InboxHub>(T.InboxHub), container.resolve<DashboardHub>(T.DashboardHub)],
      inFlight: () => container.resolve<Metrics>(T.Metrics).inFlight,
      deadline,
      logger,
    });
  } finally {
    await rt.shutdown(Math.max(0, deadline - Date.now()));
    lock.release();
  }
  logger.info("stopped");
  // Whatever a plugin or a cut-off request left scheduled must not keep a stopped server alive.
  setTimeout(() => process.exit(process.exitCode ?? 0), 250).unref();
  return 0;
}

/**
 * Last line of defence. Every background loop catches its own failures, so reaching
 * here is a bug worth reading: a promise nobody awaited is logged with what we know
 * and the server keeps serving; a synchronous throw nobody caught leaves the process
 * in an unknown state, so it is logged and the process exits (70) for its supervisor
 * (Docker, systemd) to restart it. Start-up then recovers whatever was in flight.
 */
function watchProcess(logger: Logger): void {
  process.on("unhandledRejection", (reason) => logger.error("unhandled promise rejection (bug): the server keeps running", { error: reason, stack: stackOf(reason) }));
  process.on("uncaughtException", (error) => {
    logger.error("uncaught exception (bug): exiting so the supervisor restarts a clean process", { error, stack: stackOf(error) });
    process.exit(70);
  });
}

function stackOf(e: unknown): string | undefined {
  return e instanceof Error ? e.stack?.split("\n").slice(0, 6).join(" | ") : undefined;
}
