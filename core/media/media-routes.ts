import { Elysia } from "elysia";
import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import { actorOf, type ConversationService } from "../conversations/conversation-service.ts";
import { AppError } from "../errors.ts";
import { positiveInt } from "../http/forms.ts";
import type { Guard } from "../http/guard-provider.ts";
import { T } from "../tokens.ts";
import type { MediaInfo, MediaRepository } from "./media-repository.ts";
import type { MediaSigner } from "./media-signer.ts";
import type { MessageRepository } from "../conversations/message-repository.ts";

/** Stored files: for signed-in users who may see the conversation, or through a signed, expiring link. */
@injectable()
export class MediaRoutes {
  constructor(
    @inject(T.MessageRepository) private readonly messages: MessageRepository,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.MediaRepository) private readonly media: MediaRepository,
    @inject(T.MediaSigner) private readonly signer: MediaSigner,
    @inject(T.ConversationService) private readonly conversationService: ConversationService,
    @inject(T.Guard) private readonly guard: Guard,
  ) {}

  routes() {
    return new Elysia()
      .use(this.guard.plugin)
      .get(
        "/media/:id",
        ({ viewer, params }) => {
          const actor = actorOf(viewer);
          const info = this.media.info(actor.companyId, positiveInt(params.id));
          if (!info) throw AppError.notFound();
          // The file is visible exactly when a message carrying it is.
          const conversationId = this.messages.conversationOfMedia(actor.companyId, info.id);
          if (conversationId === null) throw AppError.notFound();
          this.conversationService.get(actor, conversationId);
          return this.file(info);
        },
        { panel: "inbox" },
      )
      .get("/media/public/:id", ({ params, query }) => {
        const id = positiveInt(params.id);
        if (!this.signer.verify(id, query.exp, query.sig, this.clock.now())) throw AppError.notFound();
        const info = this.media.infoById(id);
        if (!info) throw AppError.notFound();
        return this.file(info);
      });
  }

  private file(info: MediaInfo): Response {
    const name = (info.filename ?? `file-${info.id}`).replace(/["\\\r\n]/g, "_");
    const inline = /^(image|audio|video)\//.test(info.mimeType);
    return new Response(this.media.stream(info.id), {
      headers: {
        "content-type": info.mimeType,
        "content-length": String(info.size),
        "content-disposition": `${inline ? "inline" : "attachment"}; filename="${name}"`,
        "cache-control": "private, max-age=3600",
        // Uploaded HTML or SVG must never run as a page of ours.
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      },
    });
  }
}
