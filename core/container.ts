import "reflect-metadata";
import type { Database } from "./db/database.ts";
import { registerStorage } from "./db/storage.ts";
import { SystemRepository } from "./system/system-repository.ts";
import { container as root, type DependencyContainer } from "tsyringe";
import { ApiTokenRepository } from "./api/api-token-repository.ts";
import { ApiTokenService } from "./api/api-token-service.ts";
import { AuthService } from "./auth/auth-service.ts";
import { LoginThrottle } from "./auth/login-throttle.ts";
import { SessionRepository } from "./auth/session-repository.ts";
import { PluginRegistry } from "./channels/registry.ts";
import { systemClock, type Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import { SecretBox } from "./crypto/secret-box.ts";
import { Guard } from "./http/guard-provider.ts";
import { Renderer } from "./http/render.ts";
import { Logger } from "./logger.ts";
import { QueueRepository } from "./queues/queue-repository.ts";
import { QueueService } from "./queues/queue-service.ts";
import { Bootstrap } from "./system/bootstrap.ts";
import { CompanyRepository } from "./tenancy/company-repository.ts";
import { CompanyService } from "./tenancy/company-service.ts";
import { T } from "./tokens.ts";
import { UserRepository } from "./users/user-repository.ts";
import { UserService } from "./users/user-service.ts";
import { ChannelRepository } from "./channels/channel-repository.ts";
import { ChannelService } from "./channels/channel-service.ts";
import { ChannelRuntime } from "./channels/channel-runtime.ts";
import { ChannelSetup } from "./channels/channel-setup.ts";
import { ContactRepository } from "./contacts/contact-repository.ts";
import { ContactFieldRepository } from "./contacts/contact-field-repository.ts";
import { TagRepository } from "./contacts/tag-repository.ts";
import { NoteRepository } from "./contacts/note-repository.ts";
import { MergeRepository } from "./contacts/merge-repository.ts";
import { ErasureRepository } from "./contacts/erasure-repository.ts";
import { ImportJobRepository } from "./contacts/import-job-repository.ts";
import { AuditRepository } from "./audit/audit-repository.ts";
import { ContactIndex } from "./contacts/contact-index.ts";
import { ContactService } from "./contacts/contact-service.ts";
import { ContactFieldService } from "./contacts/contact-field-service.ts";
import { TagService } from "./contacts/tag-service.ts";
import { MergeService } from "./contacts/merge-service.ts";
import { ErasureService } from "./contacts/erasure-service.ts";
import { ContactImportService } from "./contacts/import-service.ts";
import { ContactExportService } from "./contacts/export-service.ts";
import { ContactPanels } from "./contacts/contact-panels.ts";
import { UploadStore } from "./contacts/upload-store.ts";
import { Availability } from "./routing/availability.ts";
import { ResponseRepository } from "./responses/response-repository.ts";
import { ResponseService } from "./responses/response-service.ts";
import { InboundResponder } from "./responses/inbound-responder.ts";
import { AiProviders } from "./ai/ai-providers.ts";
import { AiSettingsRepository } from "./ai/ai-settings-repository.ts";
import { AiCallRepository } from "./ai/ai-call-repository.ts";
import { AiSettingsService } from "./ai/ai-settings-service.ts";
import { AiAssistant } from "./ai/ai-assistant.ts";
import { AiGate } from "./ai/ai-gate.ts";
import { AiAutoAnswer } from "./ai/ai-auto-answer.ts";
import { builtinAiProviders } from "../plugins/index.ts";
import { ConversationRepository } from "./conversations/conversation-repository.ts";
import { MessageRepository } from "./conversations/message-repository.ts";
import { OutboxRepository } from "./conversations/outbox-repository.ts";
import { IngestService } from "./conversations/ingest-service.ts";
import { ConversationService } from "./conversations/conversation-service.ts";
import { ReplyService } from "./conversations/reply-service.ts";
import { ReadReceipts } from "./conversations/read-receipts.ts";
import { OutboxDispatcher } from "./conversations/outbox-dispatcher.ts";
import { MediaRepository } from "./media/media-repository.ts";
import { MediaSigner } from "./media/media-signer.ts";
import { MediaFetchRepository } from "./media/media-fetch-repository.ts";
import { MediaFetcher } from "./media/media-fetcher.ts";
import { TemplateRepository } from "./channels/template-repository.ts";
import { TemplateService } from "./channels/template-service.ts";
import { EventBus } from "./events/bus.ts";
import { InboxHub } from "./events/inbox-hub.tsx";
import { InboxViews } from "./conversations/inbox-views.ts";
import { PresenceService } from "./routing/presence-service.ts";
import { AssignmentService } from "./routing/assignment-service.ts";

import { BotContextFactory } from "./bot/bot-context.ts";
import { BotRepository } from "./bot/bot-repository.ts";
import { BotRunner } from "./bot/bot-runner.ts";
import { BotService } from "./bot/bot-service.ts";
import { BotTry } from "./bot/bot-try.ts";
import { HolidayCalendar } from "./bot/holidays.ts";
import { BotSessionRepository } from "./bot/session-repository.ts";
export interface Infrastructure {
  config: Config;
  db: Database;
  masterSecret: string;
  logger?: Logger;
  clock?: Clock;
  registry?: PluginRegistry;
  aiProviders?: AiProviders;
}

/**
 * The composition root: every registration of the application in one place.
 * Each call builds a child container, so tests can run several apps side by side.
 */
export function buildContainer(infra: Infrastructure): DependencyContainer {
  const c = root.createChildContainer();
  c.register(T.Config, { useValue: infra.config });
  registerStorage(c, infra.db, T.UnitOfWork);
  const logger = infra.logger ?? new Logger(infra.config.logLevel);
  c.register(T.Logger, { useValue: logger });
  c.register(T.Clock, { useValue: infra.clock ?? systemClock });
  c.register(T.SecretBox, { useValue: new SecretBox(infra.masterSecret) });
  c.register(T.PluginRegistry, { useValue: infra.registry ?? new PluginRegistry() });
  c.register(T.MediaSigner, { useValue: new MediaSigner(infra.masterSecret, infra.config.publicUrl) });
  c.register(T.UploadStore, { useValue: new UploadStore() });
  c.register(T.AiProviders, { useValue: infra.aiProviders ?? new AiProviders(builtinAiProviders) });
  c.register(T.HolidayCalendar, { useValue: new HolidayCalendar() });
  c.register(T.EventBus, { useValue: new EventBus((event, error) => logger.error("event handler failed", { event, error })) });

  const singleton = <X>(token: symbol, cls: new (...args: never[]) => X) =>
    c.register(token, { useFactory: instanceOnce(cls) });

  singleton(T.CompanyRepository, CompanyRepository);
  singleton(T.UserRepository, UserRepository);
  singleton(T.QueueRepository, QueueRepository);
  singleton(T.SessionRepository, SessionRepository);
  singleton(T.ApiTokenRepository, ApiTokenRepository);
  singleton(T.ChannelRepository, ChannelRepository);
  singleton(T.ContactRepository, ContactRepository);
  singleton(T.ContactFieldRepository, ContactFieldRepository);
  singleton(T.TagRepository, TagRepository);
  singleton(T.NoteRepository, NoteRepository);
  singleton(T.MergeRepository, MergeRepository);
  singleton(T.ErasureRepository, ErasureRepository);
  singleton(T.ImportJobRepository, ImportJobRepository);
  singleton(T.AuditRepository, AuditRepository);
  singleton(T.ResponseRepository, ResponseRepository);
  singleton(T.AiSettingsRepository, AiSettingsRepository);
  singleton(T.AiCallRepository, AiCallRepository);
  singleton(T.ConversationRepository, ConversationRepository);
  singleton(T.MessageRepository, MessageRepository);
  singleton(T.OutboxRepository, OutboxRepository);
  singleton(T.MediaRepository, MediaRepository);
  singleton(T.MediaFetchRepository, MediaFetchRepository);
  singleton(T.TemplateRepository, TemplateRepository);
  singleton(T.SystemRepository, SystemRepository);
  singleton(T.BotRepository, BotRepository);
  singleton(T.BotSessionRepository, BotSessionRepository);

  singleton(T.CompanyService, CompanyService);
  singleton(T.UserService, UserService);
  singleton(T.QueueService, QueueService);
  singleton(T.LoginThrottle, LoginThrottle);
  singleton(T.AuthService, AuthService);
  singleton(T.ApiTokenService, ApiTokenService);
  singleton(T.Bootstrap, Bootstrap);
  singleton(T.ChannelService, ChannelService);
  singleton(T.ChannelRuntime, ChannelRuntime);
  singleton(T.ChannelSetup, ChannelSetup);
  singleton(T.PresenceService, PresenceService);
  singleton(T.AssignmentService, AssignmentService);
  singleton(T.IngestService, IngestService);
  singleton(T.ConversationService, ConversationService);
  singleton(T.ReplyService, ReplyService);
  singleton(T.ReadReceipts, ReadReceipts);
  singleton(T.OutboxDispatcher, OutboxDispatcher);
  singleton(T.InboxHub, InboxHub);
  singleton(T.InboxViews, InboxViews);
  singleton(T.MediaFetcher, MediaFetcher);
  singleton(T.TemplateService, TemplateService);
  singleton(T.ContactIndex, ContactIndex);
  singleton(T.ContactService, ContactService);
  singleton(T.ContactFieldService, ContactFieldService);
  singleton(T.TagService, TagService);
  singleton(T.MergeService, MergeService);
  singleton(T.ErasureService, ErasureService);
  singleton(T.ContactImportService, ContactImportService);
  singleton(T.ContactExportService, ContactExportService);
  singleton(T.ContactPanels, ContactPanels);
  singleton(T.Availability, Availability);
  singleton(T.ResponseService, ResponseService);
  singleton(T.AiSettingsService, AiSettingsService);
  singleton(T.AiAssistant, AiAssistant);
  singleton(T.AiGate, AiGate);
  singleton(T.AiAutoAnswer, AiAutoAnswer);
  singleton(T.InboundResponder, InboundResponder);
  singleton(T.BotContextFactory, BotContextFactory);
  singleton(T.BotRunner, BotRunner);
  singleton(T.BotService, BotService);
  singleton(T.BotTry, BotTry);

  singleton(T.Renderer, Renderer);
  singleton(T.Guard, Guard);
  return c;
}

/** One instance per container, built on first use with the container's own registrations. */
function instanceOnce<X>(cls: new (...args: never[]) => X) {
  let instance: X | undefined;
  return (dc: DependencyContainer): X => (instance ??= dc.resolve(cls as unknown as new () => X));
}
