import { inject, injectable } from "tsyringe";
import type { Scope } from "../auth/access.ts";
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verifyPassword } from "../auth/password.ts";
import type { Viewer } from "../auth/access.ts";
import type { MessageKey } from "../i18n/index.ts";
import type { Language } from "../auth/roles.ts";
import type { SessionRepository } from "../auth/session-repository.ts";
import type { Clock } from "../clock.ts";
import type { UnitOfWork } from "../db/unit-of-work.ts";
import { generatePassword } from "../crypto/tokens.ts";
import { AppError, found } from "../errors.ts";
import type { QueueRepository } from "../queues/queue-repository.ts";
import { API_PAGE_SIZE, paged, toSlice, type Page, type Slice } from "../shared/paging.ts";
import { T } from "../tokens.ts";
import type { EventBus } from "../events/bus.ts";
import type { UserInput, UserListItem } from "./user.ts";
import type { UserRepository } from "./user-repository.ts";
import { USERNAME_PATTERN, validateUser } from "./user-validation.ts";

@injectable()
export class UserService {
  constructor(
    @inject(T.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(T.Clock) private readonly clock: Clock,
    @inject(T.UserRepository) private readonly users: UserRepository,
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.SessionRepository) private readonly sessions: SessionRepository,
    @inject(T.EventBus) private readonly bus: EventBus,
  ) {}

  page(scope: Scope, page: number): Page<UserListItem> {
    return paged(page, (limit, offset) => this.users.page(scope.companyId, limit, offset));
  }

  slice(scope: Scope, after: number, limit = API_PAGE_SIZE): Slice<UserListItem> {
    return toSlice(this.users.after(scope.companyId, after, limit + 1), limit);
  }

  get(scope: Scope, id: number): UserListItem {
    return found(this.users.get(scope.companyId, id));
  }

  async create(scope: Scope, input: UserInput): Promise<UserListItem> {
    const { value } = this.check(scope, input, true, 0);
    const hash = await hashPassword(input.password);
    // User and queue links in one transaction: a failure leaves nothing half-saved.
    const id = this.uow.run(() => {
      if (this.users.usernameTaken(value.username)) throw AppError.invalid({ username: "user.error.username_taken" });
      const id = this.users.insert(scope.companyId, value.role, value, hash, this.clock.now());
      this.users.replaceQueues(id, value.queueIds);
      return id;
    });
    return this.get(scope, id);
  }

  async update(scope: Scope, id: number, input: UserInput): Promise<UserListItem> {
    const current = this.get(scope, id);
    const { value } = this.check(scope, input, false, id);
    if (current.id === scope.userId && value.role !== current.role) {
      throw AppError.invalid({ role: "user.error.own_role" });
    }
    const hash = input.password ? await hashPassword(input.password) : null;
    const roleChanged = value.role !== current.role;
    const queuesChanged = !sameIds(value.queueIds, current.queues.map((q) => q.id));
    // A new password or a new role signs the user out everywhere (not the admin changing their own password).
    const signOut = (!!hash || roleChanged) && id !== scope.userId;
    this.uow.run(() => {
      const now = this.clock.now();
      this.users.update(scope.companyId, id, value, now);
      this.users.replaceQueues(id, value.queueIds);
      if (hash) this.users.setPassword(id, hash, now);
      if (signOut) this.sessions.deleteForUser(id);
    });
    // Queues alone keep the session: open streams reconnect with the new rights.
    if (signOut || queuesChanged) this.bus.emit("user.access_changed", { companyId: scope.companyId, userId: id });
    return this.get(scope, id);
  }

  /** Deactivation signs the user out everywhere; their history stays. */
  setActive(scope: Scope, id: number, active: boolean): UserListItem {
    const user = this.get(scope, id);
    if (user.id === scope.userId && !active) throw new AppError(409, "cannot_deactivate_self", "user.error.self_deactivate");
    this.uow.run(() => {
      this.users.setActive(scope.companyId, id, active, this.clock.now());
      if (!active) this.sessions.deleteForUser(id);
    });
    if (!active) this.bus.emit("user.access_changed", { companyId: scope.companyId, userId: id });
    return this.get(scope, id);
  }

  /** Returns the new password, shown once to the admin. */
  async resetPassword(scope: Scope, id: number): Promise<{ user: UserListItem; password: string }> {
    const user = this.get(scope, id);
    const password = generatePassword();
    const hash = await hashPassword(password);
    this.uow.run(() => {
      this.users.setPassword(id, hash, this.clock.now(), true);
      this.sessions.deleteForUser(id);
    });
    this.bus.emit("user.access_changed", { companyId: scope.companyId, userId: id });
    return { user, password };
  }

  /**
   * "Mi cuenta": the current password proves it is them; the new one follows the
   * usual rules. Other sessions of the user end; this one stays.
   */
  async changeOwnPassword(viewer: Viewer, current: string, next: string, confirm: string): Promise<void> {
    const errors: Record<string, MessageKey> = {};
    const hash = this.users.passwordHash(viewer.userId);
    if (!current || current.length > MAX_PASSWORD_LENGTH || !hash || !(await verifyPassword(current, hash))) errors.currentPassword = "account.error.current_wrong";
    if (next.length < MIN_PASSWORD_LENGTH) errors.password = "user.error.password_short";
    else if (next.length > MAX_PASSWORD_LENGTH) errors.password = "user.error.password_long";
    else if (next === current) errors.password = "account.error.same_password";
    else if (next !== confirm) errors.passwordConfirm = "user.error.password_mismatch";
    if (Object.keys(errors).length) throw AppError.invalid(errors);
    const newHash = await hashPassword(next);
    this.uow.run(() => {
      this.users.setPassword(viewer.userId, newHash, this.clock.now());
      this.sessions.deleteOthers(viewer.userId, viewer.sessionId);
    });
  }

  setOwnLanguage(userId: number, language: Language): void {
    this.users.setLanguage(userId, language, this.clock.now());
  }

  /** Platform staff, from the CLI and first start; not reachable from the panel. */
  async createOperator(username: string, password: string, language: Language = "es"): Promise<number> {
    if (!USERNAME_PATTERN.test(username)) throw AppError.invalid({ username: "user.error.username_format" });
    if (password.length < MIN_PASSWORD_LENGTH) throw AppError.invalid({ password: "user.error.password_short" });
    if (password.length > MAX_PASSWORD_LENGTH) throw AppError.invalid({ password: "user.error.password_long" });
    if (this.users.usernameTaken(username)) throw AppError.invalid({ username: "user.error.username_taken" });
    const hash = await hashPassword(password);
    return this.users.insert(null, "operator", { username, name: username, extension: null, language }, hash, this.clock.now());
  }

  /** CLI: reset any account by user name (operator recovery). */
  async resetByUsername(username: string): Promise<string> {
    const user = found(this.users.byUsername(username));
    const password = generatePassword();
    const hash = await hashPassword(password);
    this.uow.run(() => {
      this.users.setPassword(user.id, hash, this.clock.now());
      this.sessions.deleteForUser(user.id);
    });
    if (user.companyId !== null) this.bus.emit("user.access_changed", { companyId: user.companyId, userId: user.id });
    return password;
  }

  private check(scope: Scope, input: UserInput, creating: boolean, id: number) {
    const result = validateUser(input, creating);
    const errors = { ...result.errors };
    if (!errors.username && this.users.usernameTaken(result.value.username, id)) errors.username = "user.error.username_taken";
    if (this.queues.countOwned(scope.companyId, result.value.queueIds) !== result.value.queueIds.length) {
      errors.queueIds = "user.error.queue_invalid";
    }
    if (Object.keys(errors).length > 0) throw AppError.invalid(errors);
    return result;
  }
}

function sameIds(a: number[], b: number[]): boolean {
  return a.length === b.length && [...a].sort().join(",") === [...b].sort().join(",");
}
