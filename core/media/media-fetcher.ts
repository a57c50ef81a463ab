import { inject, injectable } from "tsyringe";
import type { ChannelRepository } from "../channels/channel-repository.ts";
import type { ChannelRuntime } from "../channels/channel-runtime.ts";
import type { MediaRef } from "../channels/contract.ts";
import type { Clock } from "../clock.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { backoffMs } from "../shared/backoff.ts";
import type { MessageRepository } from "../conversations/message-repository.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../logger.ts";
import { DueLoop } from "../shared/due-loop.ts";
import { T } from "../tokens.ts";
import type { MediaFetchRepository } from "./media-fetch-repository.ts";
import type { MediaRepository } from "./media-repository.ts";

const MAX_ATTEMPTS = 6;
const MAX_BYTES = 100 * 1024 * 1024;

/**
 * Downloads customers' files from the provider into the database right after the
 * webhook commits, attaches them to their message, and re-renders the bubble.
 * Failures retry with backoff; after the last attempt the message keeps its
 * "file could not be downloaded" state and the reason is logged.
 */
@injectable()
export class MediaFetcher {
  private readonly loop: DueLoop;

  constructor(
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.Logger) private readonly logger: Logger,
    @inject(T.MediaFetchRepository) private readonly mediaFetches: MediaFetchRepository,
    @inject(T.MediaRepository) private readonly media: MediaRepository,
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.ChannelRepository) private readonly channels: ChannelRepository,
    @inject(T.ChannelRuntime) private readonly runtime: ChannelRuntime,
    @inject(T.EventBus) private readonly bus: EventBus,
  ) {
    this.loop = new DueLoop({
      pass: () => this.pass(),
      nextDueAt: () => this.mediaFetches.nextDueAt(),
      now: () => this.clock.now(),
      wake: (kick) => this.bus.on("media.queued", kick),
      onError: (error, failures) => this.logger.error("media download pass failed; retrying", { error, failures }),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  idle(): Promise<void> {
    return this.loop.idle();
  }

  private async pass(): Promise<boolean> {
    const due = this.mediaFetches.due(this.clock.now(), 20);
    for (const job of due) {
      if (this.loop.isStopped) break;
      try {
        await this.fetchOne(job.messageId, job.channelId, job.attempts);
      } catch (error) {
        // Recording the outcome failed (database trouble): log, try this file again later, go on.
        this.logger.error("media download could not be recorded", { message: job.messageId, channel: job.channelId, error });
        this.defer(job.messageId, job.attempts, error);
      }
    }
    return due.length === 20;
  }

  private async fetchOne(messageId: number, channelId: number, attempts: number): Promise<void> {
    const channel = this.channels.byId(channelId);
    const message = channel ? this.messages.get(channel.companyId, messageId) : null;
    const ref = message?.payload?.ref as MediaRef | undefined;
    if (!channel || !message || !ref) {
      this.mediaFetches.remove(messageId);
      return;
    }
    try {
      const instance = await this.runtime.instance(channel);
      if (!instance.fetchMedia) throw new Error(`plugin ${channel.pluginId} cannot download media`);
      const blob = await instance.fetchMedia(ref);
      if (blob.size > MAX_BYTES) throw new Error(`file too large (${blob.size} bytes)`);
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const filename = (message.payload?.filename as string | null) ?? null;
      const mime = blob.type || ref.mimeType || "application/octet-stream";
      this.uow.run(() => {
        const mediaId = this.media.store(channel.companyId, mime.split(";")[0]!.trim(), filename, bytes, this.clock.now());
        this.messages.attachMedia(messageId, mediaId);
        this.mediaFetches.remove(messageId);
      });
      this.bus.emit("message.status", { companyId: channel.companyId, conversationId: message.conversationId, messageId });
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      const next = attempts + 1;
      this.logger.warn("media download failed", { message: messageId, channel: channelId, attempts: next, reason });
      if (next >= MAX_ATTEMPTS) this.mediaFetches.remove(messageId);
      else this.mediaFetches.retryLater(messageId, next, this.clock.now() + backoffMs(next), reason);
    }
  }

  private defer(messageId: number, attempts: number, error: unknown): void {
    try {
      this.mediaFetches.retryLater(messageId, attempts + 1, this.clock.now() + backoffMs(attempts + 1), error instanceof Error ? error.message : String(error));
    } catch (again) {
      this.logger.error("could not reschedule a media download", { message: messageId, error: again });
    }
  }
}
