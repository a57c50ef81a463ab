import { loadConfig, type Config } from "./config.ts";
import { openDatabase } from "./db/database.ts";
import { migrate } from "./db/migrate.ts";
import { resolveMasterSecret } from "./crypto/secret-key.ts";
import { buildContainer } from "./container.ts";
import { Logger } from "./logger.ts";
import { PluginRegistry } from "./channels/registry.ts";
import { loadPlugins } from "./channels/loader.ts";
import { builtinPlugins } from "../plugins/index.ts";
import { buildApp } from "./app.ts";
import type { DependencyContainer } from "tsyringe";
import type { Database } from "bun:sqlite";
import type { Clock } from "./clock.ts";

export interface Runtime {
  config: Config;
  db: Database;
  logger: Logger;
  container: DependencyContainer;
  app: ReturnType<typeof buildApp>;
  close(): void;
}

/** Opens the database, migrates, loads plugins and wires the app: shared by `serve`, the CLI and tests. */
export async function startRuntime(
  config: Config = loadConfig(),
  opts: { plugins?: boolean; clock?: Clock } = {},
): Promise<Runtime> {
  const logger = new Logger(config.logLevel);
  const db = openDatabase(config.databasePath);
  migrate(db);
  const registry = new PluginRegistry();
  if (opts.plugins !== false) await loadPlugins(registry, builtinPlugins, config.pluginsDir, logger);
  const masterSecret = resolveMasterSecret(config.secret, config.dataDir);
  const container = buildContainer({ config, db, masterSecret, logger, registry, clock: opts.clock });
  const app = buildApp(container);
  return { config, db, logger, container, app, close: () => db.close() };
}
