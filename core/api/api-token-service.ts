import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import { randomToken, sha256 } from "../crypto/tokens.ts";
import { AppError } from "../errors.ts";
import { T } from "../tokens.ts";
import { TOKEN_SCOPES, type ApiCaller, type ApiToken, type TokenScope } from "./api-token.ts";
import type { ApiTokenRepository } from "./api-token-repository.ts";

/**
 * Tokens look like `chk_<8 char prefix>_<secret>`. The prefix is stored in clear so
 * admins can tell tokens apart; the whole token only as a SHA-256 hash (it has 256
 * bits of entropy, so a fast hash is enough).
 */
@injectable()
export class ApiTokenService {
  constructor(
    @inject(T.ApiTokenRepository) private readonly apiTokens: ApiTokenRepository,
    @inject(T.Clock) private readonly clock: Clock,
  ) {}

  list(companyId: number): ApiToken[] {
    return this.apiTokens.list(companyId);
  }

  create(companyId: number, rawName: string, scope: string, createdBy: number | null): { token: string; id: number } {
    const name = rawName.trim();
    const errors: Record<string, "token.error.name_required" | "token.error.scope_invalid"> = {};
    if (!name || name.length > 60) errors.name = "token.error.name_required";
    if (!(TOKEN_SCOPES as readonly string[]).includes(scope)) errors.scope = "token.error.scope_invalid";
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    const prefix = randomToken(6).slice(0, 8);
    const token = `chk_${prefix}_${randomToken(32)}`;
    const id = this.apiTokens.insert(companyId, name, prefix, sha256(token), scope as TokenScope, createdBy, this.clock.now());
    return { token, id };
  }

  revoke(companyId: number, id: number): void {
    if (!this.apiTokens.revoke(companyId, id, this.clock.now())) throw AppError.notFound();
  }

  /** Resolves `Authorization: Bearer <token>`; null when absent, unknown or revoked. */
  authenticate(header: string | null | undefined): ApiCaller | null {
    const match = header?.match(/^Bearer\s+(chk_[A-Za-z0-9_-]+)$/);
    if (!match) return null;
    const caller = this.apiTokens.caller(sha256(match[1]!));
    if (caller) this.apiTokens.touch(caller.tokenId, this.clock.now());
    return caller;
  }
}
