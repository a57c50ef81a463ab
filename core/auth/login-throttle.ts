import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import { T } from "../tokens.ts";

/**
 * Counts failed logins per user name and per client address in a sliding window.
 * In memory on purpose: Charla is one process, and a restart forgetting counts is
 * harmless next to a write per failed attempt.
 */
@injectable()
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly windowMs: number;
  private readonly maxPerUser: number;
  private readonly maxPerAddress: number;

  constructor(
    @inject(T.Config) config: Config,
    @inject(T.Clock) private readonly clock: Clock,
  ) {
    this.windowMs = config.loginWindowMinutes * 60_000;
    this.maxPerUser = config.loginMaxFailures;
    this.maxPerAddress = config.loginMaxFailures * 4;
  }

  /** Milliseconds until another attempt is allowed, or 0 when allowed now. */
  retryAfter(username: string, address: string): number {
    const now = this.clock.now();
    return Math.max(
      this.wait(`u:${username.toLowerCase()}`, this.maxPerUser, now),
      this.wait(`a:${address}`, this.maxPerAddress, now),
    );
  }

  fail(username: string, address: string): void {
    const now = this.clock.now();
    for (const key of [`u:${username.toLowerCase()}`, `a:${address}`]) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    if (this.failures.size > 10_000) this.prune(now);
  }

  succeed(username: string): void {
    this.failures.delete(`u:${username.toLowerCase()}`);
  }

  private wait(key: string, max: number, now: number): number {
    const list = this.recent(key, now);
    return list.length >= max ? list[list.length - max]! + this.windowMs - now : 0;
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }

  private prune(now: number): void {
    for (const [key, list] of this.failures) if (!list.some((t) => t > now - this.windowMs)) this.failures.delete(key);
  }
}
