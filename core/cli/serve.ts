import { Cron } from "croner";
import type { AuthService } from "../auth/auth-service.ts";
import { loadConfig } from "../config.ts";
import { startRuntime } from "../runtime.ts";
import type { Bootstrap } from "../system/bootstrap.ts";
import { T } from "../tokens.ts";

/** `charla serve`: first-run setup, optional demo data, HTTP listener, housekeeping. */
export async function serve(demo: boolean): Promise<number> {
  const rt = await startRuntime(loadConfig());
  const { config, container, logger } = rt;
  const bootstrap = container.resolve<Bootstrap>(T.Bootstrap);
  const first = await bootstrap.firstRun();
  if (demo) await bootstrap.demo(first?.companyId ?? 1);

  rt.startWorkers();
  rt.app.listen({ port: config.port, hostname: config.host, idleTimeout: 0 });
  const server = rt.app.server!;
  const sweep = new Cron("17 * * * *", () => {
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

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  sweep.stop();
  await rt.app.stop();
  await rt.shutdown();
  return 0;
}
