import { loadConfig, type Config } from "./config.ts";
import { openDatabase, type Database } from "./db/database.ts";
import { migrate } from "./db/migrate.ts";
import { WalCheckpointer } from "./db/wal-checkpointer.ts";
import { checkpointAndClose } from "./db/close.ts";
import { backupBeforeMigrations } from "./db/backup.ts";
import type { BackupService } from "./backups/backup-service.ts";
import type { ReplicationSupervisor } from "./backups/replication-supervisor.ts";
import { resolveMasterSecret } from "./crypto/secret-key.ts";
import { buildContainer } from "./container.ts";
import { Logger } from "./logger.ts";
import { PluginRegistry } from "./channels/registry.ts";
import { loadPlugins } from "./channels/loader.ts";
import { builtinPlugins } from "../plugins/index.ts";
import { buildApp } from "./app.ts";
import type { DependencyContainer } from "tsyringe";
import type { Clock } from "./clock.ts";
import { T } from "./tokens.ts";
import type { AssignmentService } from "./routing/assignment-service.ts";
import type { PresenceService } from "./routing/presence-service.ts";
import type { InboxHub } from "./events/inbox-hub.tsx";
import type { DashboardHub } from "./reports/dashboard-hub.ts";
import type { OutboxDispatcher } from "./conversations/outbox-dispatcher.ts";
import type { ChannelRuntime } from "./channels/channel-runtime.ts";
import type { MediaFetcher } from "./media/media-fetcher.ts";
import type { ReadReceipts } from "./conversations/read-receipts.ts";
import type { SearchIndexer } from "./conversations/search-indexer.ts";
import type { TemplateService } from "./channels/template-service.ts";
import type { ContactImportService } from "./contacts/import-service.ts";
import type { InboundResponder } from "./responses/inbound-responder.ts";
import type { BotRunner } from "./bot/bot-runner.ts";
import type { WebhookEventRecorder } from "./outbound-webhooks/event-recorder.ts";
import type { WebhookDispatcher } from "./outbound-webhooks/webhook-dispatcher.ts";

export interface Runtime {
  config: Config;
  db: Database;
  logger: Logger;
  container: DependencyContainer;
  app: ReturnType<typeof buildApp>;
  /** Starts the outbox dispatcher, routing triggers and the live inbox hub. */
  startWorkers(): void;
  /**
   * Stops the workers (waiting for in-flight sends, up to `graceMs`), checkpoints
   * and closes the database. Work still running at the end of the grace is cut
   * off; it is on record (an outbox row marked in flight) and resumes at the next start.
   */
  shutdown(graceMs?: number): Promise<void>;
  close(): void;
}

/** Opens the database, migrates, loads plugins and wires the app: shared by `serve`, the CLI and tests. */
export async function startRuntime(
  config: Config = loadConfig(),
  opts: { plugins?: boolean; clock?: Clock } = {},
): Promise<Runtime> {
  const logger = new Logger(config.logLevel);
  const db = openDatabase(config.databasePath);
  const upgradeBackup = backupBeforeMigrations(db, config.databasePath, config.backupDir);
  if (upgradeBackup) logger.info("backup taken before migrating", { file: upgradeBackup });
  migrate(db);
  const registry = new PluginRegistry();
  if (opts.plugins !== false) await loadPlugins(registry, builtinPlugins, config.pluginsDir, logger);
  const masterSecret = resolveMasterSecret(config.secret, config.dataDir);
  const container = buildContainer({ config, db, masterSecret, logger, registry, clock: opts.clock });
  const app = buildApp(container);
  const stops: (() => void | Promise<void>)[] = [];
  const startWorkers = () => {
    // First started, last stopped: the others' final writes are still checkpointed off their path.
    const checkpointer = new WalCheckpointer(db, config.databasePath, logger);
    checkpointer.start();
    stops.push(() => checkpointer.stop());
    // Pushed first so it runs last: the plugins stay up until every send through them has finished.
    stops.push(() => container.resolve<ChannelRuntime>(T.ChannelRuntime).disposeAll());
    stops.push(container.resolve<AssignmentService>(T.AssignmentService).start());
    stops.push(container.resolve<ReadReceipts>(T.ReadReceipts).start());
    stops.push(container.resolve<SearchIndexer>(T.SearchIndexer).start());
    const hub = container.resolve<InboxHub>(T.InboxHub);
    hub.start();
    stops.push(() => hub.stop());
    const dashboard = container.resolve<DashboardHub>(T.DashboardHub);
    dashboard.start();
    stops.push(() => dashboard.stop());
    const dispatcher = container.resolve<OutboxDispatcher>(T.OutboxDispatcher);
    dispatcher.start();
    stops.push(() => dispatcher.stop());
    const fetcher = container.resolve<MediaFetcher>(T.MediaFetcher);
    fetcher.start();
    stops.push(() => fetcher.stop());
    stops.push(container.resolve<TemplateService>(T.TemplateService).schedule());
    stops.push(container.resolve<ContactImportService>(T.ContactImportService).start());
    stops.push(container.resolve<InboundResponder>(T.InboundResponder).start());
    stops.push(container.resolve<BotRunner>(T.BotRunner).start());
    stops.push(container.resolve<WebhookEventRecorder>(T.WebhookEventRecorder).start());
    const webhooks = container.resolve<WebhookDispatcher>(T.WebhookDispatcher);
    webhooks.start();
    stops.push(() => webhooks.stop());
    stops.push(() => container.resolve<PresenceService>(T.PresenceService).stop());
    stops.push(container.resolve<BackupService>(T.BackupService).start());
    container.resolve<ReplicationSupervisor>(T.ReplicationSupervisor).start();
  };
  const shutdown = async (graceMs = Infinity) => {
    const stopping = (async () => {
      for (const stop of stops.splice(0).reverse()) await stop();
    })();
    if (!(await settlesWithin(stopping, graceMs))) logger.warn("workers still busy when the shutdown grace ended: what they were doing resumes at the next start", { graceMs });
    const { walFrames, left } = checkpointAndClose(db);
    logger.debug("database checkpointed and closed", { walFrames, left });
    // Last: litestream ships the final writes and the close's checkpoint before it exits.
    await container.resolve<ReplicationSupervisor>(T.ReplicationSupervisor).stop();
  };
  return { config, db, logger, container, app, startWorkers, shutdown, close: () => db.close() };
}

/** True when `work` settles within `ms`; a failure counts as settled (each stop logs its own). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = work.then(
    () => true,
    () => true,
  );
  if (!Number.isFinite(ms)) return settled;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}
