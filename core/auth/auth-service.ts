import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import { randomToken, sha256 } from "../crypto/tokens.ts";
import { AppError } from "../errors.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { UserRepository } from "../users/user-repository.ts";
import type { Viewer } from "./access.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import { hashPassword, MAX_PASSWORD_LENGTH, verifyPassword } from "./password.ts";
import type { SessionRepository } from "./session-repository.ts";

@injectable()
export class AuthService {
  private readonly idleMs: number;
  /** Verified against when the user name is unknown, so both paths cost the same. */
  private decoyHash: Promise<string> | null = null;

  constructor(
    @inject(T.Config) config: Config,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.UserRepository) private readonly users: UserRepository,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.SessionRepository) private readonly sessions: SessionRepository,
    @inject(T.LoginThrottle) private readonly throttle: LoginThrottle,
  ) {
    this.idleMs = config.sessionIdleHours * 3_600_000;
  }

  /** Checks credentials and opens a session; returns the cookie token (only its hash is stored). */
  async login(username: string, password: string, address: string): Promise<{ token: string; viewer: Viewer }> {
    const name = username.trim();
    const wait = this.throttle.retryAfter(name, address);
    if (wait > 0) {
      throw new AppError(429, "too_many_attempts", "auth.error.throttled", { minutes: Math.ceil(wait / 60_000) });
    }
    // Over-long input never reaches argon2 (or the database): it cannot be anyone's password.
    if (name.length > 100 || password.length > MAX_PASSWORD_LENGTH) {
      this.throttle.fail(name.slice(0, 100), address);
      throw new AppError(401, "invalid_credentials", "auth.error.invalid");
    }
    const user = name ? this.users.credentials(name) : null;
    const ok = user
      ? await verifyPassword(password, user.passwordHash)
      : await verifyPassword(password, await (this.decoyHash ??= hashPassword(randomToken())));
    if (!user || !ok || !user.active || !user.companyActive) {
      this.throttle.fail(name, address);
      throw new AppError(401, "invalid_credentials", "auth.error.invalid");
    }
    this.throttle.succeed(name);
    const token = randomToken();
    const now = this.clock.now();
    // Operators start in the first company so company pages work right away.
    const activeCompany = user.companyId === null ? (this.companies.options()[0]?.id ?? null) : null;
    this.sessions.create(sha256(token), user.id, activeCompany, now, now + this.idleMs);
    return { token, viewer: this.viewer(token)! };
  }

  /** Resolves a cookie token; slides the idle expiry once half of it has passed. */
  viewer(token: string | undefined): Viewer | null {
    if (!token) return null;
    const id = sha256(token);
    const now = this.clock.now();
    const found = this.sessions.viewer(id, now);
    if (!found) return null;
    const { expiresAt, ...viewer } = found;
    if (expiresAt - now < this.idleMs / 2) this.sessions.extend(id, now + this.idleMs);
    return viewer;
  }

  /** The viewer as the session says now (role, language...), or null when it ended. Never extends it. */
  refresh(viewer: Viewer): Viewer | null {
    const found = this.sessions.viewer(viewer.sessionId, this.clock.now());
    if (!found) return null;
    const { expiresAt: _expires, ...current } = found;
    return current;
  }

  logout(viewer: Viewer): void {
    this.sessions.delete(viewer.sessionId);
  }

  selectCompany(viewer: Viewer, companyId: number): void {
    if (viewer.role !== "operator") throw AppError.forbidden();
    if (!this.companies.get(companyId)) throw AppError.notFound();
    this.sessions.selectCompany(viewer.sessionId, companyId);
  }

  sweepExpired(): number {
    return this.sessions.deleteExpired(this.clock.now());
  }
}
