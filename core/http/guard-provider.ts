import { inject, injectable } from "tsyringe";
import type { ApiTokenService } from "../api/api-token-service.ts";
import type { AuthService } from "../auth/auth-service.ts";
import { IdempotencyHooks } from "../api/idempotency-hooks.ts";
import type { IdempotencyService } from "../api/idempotency-service.ts";
import { T } from "../tokens.ts";
import { guard } from "./guard.ts";

/** Builds the guard plugin once; every feature's routes `.use()` it. */
@injectable()
export class Guard {
  readonly plugin: ReturnType<typeof guard>;
  constructor(
    @inject(T.AuthService) authService: AuthService,
    @inject(T.ApiTokenService) apiTokenService: ApiTokenService,
    @inject(T.IdempotencyService) idempotencyService: IdempotencyService,
  ) {
    this.plugin = guard(authService, apiTokenService, new IdempotencyHooks(idempotencyService));
  }
}
