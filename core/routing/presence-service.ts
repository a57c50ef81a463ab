import { inject, injectable } from "tsyringe";
import type { Clock } from "../clock.ts";
import type { EventBus } from "../events/bus.ts";
import { T } from "../tokens.ts";
import type { UserRepository } from "../users/user-repository.ts";

export const PRESENCE_GRACE_MS = 45_000;

/**
 * Conectado / Desconectado. The agent's choice is stored; whether they are really
 * there is known from their live inbox streams. A closed browser counts as
 * disconnected once the grace period passes without a stream coming back (a page
 * navigation reconnects well within it).
 */
@injectable()
export class PresenceService {
  private readonly streams = new Map<number, number>();
  private readonly lastSeen = new Map<number, number>();
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  graceMs = PRESENCE_GRACE_MS;

  constructor(
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.EventBus) private readonly bus: EventBus,
    @inject(T.UserRepository) private readonly users: UserRepository,
  ) {}

  /** The agent's own switch. Turning it on counts as being seen now. */
  setChosen(companyId: number, userId: number, online: boolean): void {
    const before = this.isOnline(userId);
    this.users.setPresence(companyId, userId, online);
    if (online) this.lastSeen.set(userId, this.clock.now());
    this.announce(companyId, userId, before);
  }

  chosen(userId: number): boolean {
    return this.users.choseOnline(userId);
  }

  isOnline(userId: number): boolean {
    return this.isOnlineGiven(userId, this.chosen(userId));
  }

  /** The same, when the caller already read the user's choice (lists of agents). */
  isOnlineGiven(userId: number, choseOnline: boolean): boolean {
    if (!choseOnline) return false;
    if ((this.streams.get(userId) ?? 0) > 0) return true;
    return this.clock.now() - (this.lastSeen.get(userId) ?? 0) < this.graceMs;
  }

  streamOpened(companyId: number, userId: number): void {
    const before = this.isOnline(userId);
    this.streams.set(userId, (this.streams.get(userId) ?? 0) + 1);
    this.lastSeen.set(userId, this.clock.now());
    clearTimeout(this.timers.get(userId));
    this.announce(companyId, userId, before);
  }

  streamClosed(companyId: number, userId: number): void {
    const left = (this.streams.get(userId) ?? 1) - 1;
    if (left > 0) {
      this.streams.set(userId, left);
      return;
    }
    this.streams.delete(userId);
    this.lastSeen.set(userId, this.clock.now());
    clearTimeout(this.timers.get(userId));
    // Re-check after the grace period: still no stream means the agent left.
    this.timers.set(
      userId,
      setTimeout(() => {
        this.timers.delete(userId);
        if (!this.isOnline(userId)) this.bus.emit("presence.changed", { companyId, userId, online: false });
      }, this.graceMs + 50),
    );
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private announce(companyId: number, userId: number, before: boolean): void {
    const now = this.isOnline(userId);
    if (now !== before) this.bus.emit("presence.changed", { companyId, userId, online: now });
  }
}
