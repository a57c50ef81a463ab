import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { AppError } from "../errors.ts";
import { T } from "../tokens.ts";
import type { IdempotencyOwner, IdempotencyRepository } from "./idempotency-repository.ts";

/** How long a key's first answer is replayed. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A request still "in flight" after this long was cut off (the process died): its key may start over. */
export const ABANDONED_AFTER_MS = 10 * 60 * 1000;
export const MAX_KEY_LENGTH = 200;

export type IdempotencyStart = { kind: "new" } | { kind: "replay"; status: number; body: string | null };

/**
 * `Idempotency-Key` on POSTs of the API: the first request with a key runs and its
 * answer (2xx status and JSON body) is kept 24 h per company, token and key; the
 * same key with the same request replays that answer and does nothing else; with
 * another request it is a 422; while the first one still runs, a 409. An answer
 * that is an error is not kept: the key is free again for a corrected retry.
 */
@injectable()
export class IdempotencyService {
  constructor(
    @inject(T.IdempotencyRepository) private readonly keys: IdempotencyRepository,
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
  ) {}

  /** The header's value, checked: 1 to 200 printable ASCII characters, else a 400. */
  static checkKey(raw: string): string {
    if (raw.length === 0 || raw.length > MAX_KEY_LENGTH || !/^[\x20-\x7e]+$/.test(raw) || raw.trim() === "") {
      throw new AppError(400, "idempotency_key_invalid", "apidocs.error.key_invalid", { max: MAX_KEY_LENGTH });
    }
    return raw;
  }

  begin(owner: IdempotencyOwner, fingerprint: string): IdempotencyStart {
    const now = this.clock.now();
    const expiresAt = now + IDEMPOTENCY_TTL_MS;
    return this.uow.run((): IdempotencyStart => {
      this.keys.purgeExpired(now, 100);
      if (this.keys.claim(owner, fingerprint, now, expiresAt)) return { kind: "new" };
      const earlier = this.keys.find(owner)!;
      const abandoned = earlier.status === null && earlier.createdAt <= now - ABANDONED_AFTER_MS;
      if (earlier.expiresAt <= now || abandoned) {
        this.keys.restart(owner, fingerprint, now, expiresAt);
        return { kind: "new" };
      }
      // A 422 like every other (CONTRACT.md): `fields` names the header.
      if (earlier.fingerprint !== fingerprint) throw new AppError(422, "validation_failed", "apidocs.error.key_reused", {}, { "Idempotency-Key": "apidocs.error.key_reused_field" });
      if (earlier.status === null) throw new AppError(409, "idempotency_in_flight", "apidocs.error.key_in_flight");
      return { kind: "replay", status: earlier.status, body: earlier.body };
    });
  }

  complete(owner: IdempotencyOwner, status: number, body: string | null): void {
    this.keys.complete(owner, status, body);
  }

  release(owner: IdempotencyOwner): void {
    this.keys.release(owner);
  }
}
