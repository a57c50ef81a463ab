import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { Role } from "../auth/roles.ts";
import type { User, UserListItem, ValidUser } from "./user.ts";

type Row = Omit<User, "active"> & { active: number };
type ListRow = Row & { companyName: string | null; queuesJson: string };
const COLUMNS = `u.id, u.company_id AS companyId, u.username, u.name, u.role, u.extension, u.language,
  u.active, u.created_at AS createdAt`;
const toUser = (r: Row): User => ({ ...r, active: r.active === 1 });
const toListItem = ({ queuesJson, companyName, ...r }: ListRow): UserListItem => ({
  ...toUser(r),
  companyName: companyName ?? "",
  queues: (JSON.parse(queuesJson) as { id: number; name: string }[]).filter((q) => q.id !== null),
});
// Queue names ride along as JSON so a users page is one query, not one per row.
const LIST_SELECT = `SELECT ${COLUMNS}, c.name AS companyName,
  COALESCE((SELECT json_group_array(json_object('id', q.id, 'name', q.name))
    FROM user_queues uq JOIN queues q ON q.id = uq.queue_id WHERE uq.user_id = u.id), '[]') AS queuesJson
  FROM users u LEFT JOIN companies c ON c.id = u.company_id`;

export interface Credentials extends User {
  passwordHash: string;
  companyActive: boolean;
}

@injectable()
export class UserRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  page(companyId: number, limit: number, offset: number): { rows: UserListItem[]; total: number } {
    const rows = this.db
      .query<ListRow, [number, number, number]>(
        `${LIST_SELECT} WHERE u.company_id = +? ORDER BY u.username COLLATE NOCASE LIMIT +? OFFSET +?`,
      )
      .all(companyId, limit, offset);
    const total = this.db
      .query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM users WHERE company_id = ?")
      .get(companyId)!.n;
    return { rows: rows.map(toListItem), total };
  }

  after(companyId: number, afterId: number, limit: number): UserListItem[] {
    return this.db
      .query<ListRow, [number, number, number]>(`${LIST_SELECT} WHERE u.company_id = +? AND u.id > ? ORDER BY u.id LIMIT +?`)
      .all(companyId, afterId, limit)
      .map(toListItem);
  }

  /** Active users of a company, for pickers (transfer to an agent, agent filter). */
  activeOptions(companyId: number): { id: number; name: string }[] {
    return this.db
      .query<{ id: number; name: string }, [number]>("SELECT id, name FROM users WHERE company_id = +? AND active = 1 ORDER BY name COLLATE NOCASE, id")
      .all(companyId);
  }

  /** Active agents of a company with their chosen presence, for "transfer to an agent". */
  agentOptions(companyId: number): { id: number; name: string; choseOnline: boolean }[] {
    return this.db
      .query<{ id: number; name: string; presence: string }, [number]>(
        "SELECT id, name, presence FROM users WHERE company_id = +? AND active = 1 AND role = 'agent' ORDER BY name COLLATE NOCASE, id",
      )
      .all(companyId)
      .map((r) => ({ id: r.id, name: r.name, choseOnline: r.presence === "online" }));
  }

  get(companyId: number, id: number): UserListItem | null {
    const row = this.db
      .query<ListRow, [number, number]>(`${LIST_SELECT} WHERE u.company_id = +? AND u.id = +?`)
      .get(companyId, id);
    return row ? toListItem(row) : null;
  }

  byId(id: number): User | null {
    const row = this.db.query<Row, [number]>(`SELECT ${COLUMNS} FROM users u WHERE u.id = ?`).get(id);
    return row ? toUser(row) : null;
  }

  credentials(username: string): Credentials | null {
    const row = this.db
      .query<Row & { passwordHash: string; companyActive: number | null }, [string]>(
        `SELECT ${COLUMNS}, u.password_hash AS passwordHash, c.active AS companyActive
         FROM users u LEFT JOIN companies c ON c.id = u.company_id WHERE u.username = +?`,
      )
      .get(username);
    if (!row) return null;
    const { passwordHash, companyActive, ...user } = row;
    return { ...toUser(user), passwordHash, companyActive: companyActive === null || companyActive === 1 };
  }

  usernameTaken(username: string, exceptId = 0): boolean {
    return !!this.db.query("SELECT 1 FROM users WHERE username = ? AND id <> ?").get(username, exceptId);
  }

  insert(companyId: number | null, role: Role, user: Omit<ValidUser, "role" | "queueIds">, passwordHash: string, now: number): number {
    const r = this.db
      .query(
        `INSERT INTO users (company_id, username, name, password_hash, role, extension, language, active, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
      )
      .run(companyId, user.username, user.name, passwordHash, role, user.extension, user.language, now, now);
    return Number(r.lastInsertRowid);
  }

  update(companyId: number, id: number, user: ValidUser, now: number): void {
    this.db
      .query(
        `UPDATE users SET username = ?, name = ?, role = ?, extension = ?, language = ?, updated_at = ?
         WHERE company_id = ? AND id = ?`,
      )
      .run(user.username, user.name, user.role, user.extension, user.language, now, companyId, id);
  }

  replaceQueues(userId: number, queueIds: number[]): void {
    this.db.query("DELETE FROM user_queues WHERE user_id = ?").run(userId);
    const add = this.db.query("INSERT INTO user_queues (user_id, queue_id) VALUES (?, ?)");
    for (const q of queueIds) add.run(userId, q);
  }

  setActive(companyId: number, id: number, active: boolean, now: number): void {
    this.db
      .query("UPDATE users SET active = ?, updated_at = ? WHERE company_id = ? AND id = ?")
      .run(active ? 1 : 0, now, companyId, id);
  }

  /** `mustChange`: set by an admin's reset, cleared when the user picks their own. */
  setPassword(id: number, passwordHash: string, now: number, mustChange = false): void {
    this.db.query("UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE id = ?").run(passwordHash, mustChange ? 1 : 0, now, id);
  }

  passwordHash(id: number): string | null {
    return this.db.query<{ h: string }, [number]>("SELECT password_hash AS h FROM users WHERE id = ?").get(id)?.h ?? null;
  }

  setLanguage(id: number, language: string, now: number): void {
    this.db.query("UPDATE users SET language = ?, updated_at = ? WHERE id = ?").run(language, now, id);
  }

  byUsername(username: string): User | null {
    const row = this.db.query<Row, [string]>(`SELECT ${COLUMNS} FROM users u WHERE u.username = ?`).get(username);
    return row ? toUser(row) : null;
  }

  /** Conectado / Desconectado as the agent chose it. */
  setPresence(companyId: number, userId: number, online: boolean): void {
    this.db.query("UPDATE users SET presence = ? WHERE id = ? AND company_id = ?").run(online ? "online" : "offline", userId, companyId);
  }

  /** True when the user is active and chose Conectado. */
  choseOnline(userId: number): boolean {
    return this.db.query<{ p: string }, [number]>("SELECT presence AS p FROM users WHERE id = ? AND active = 1").get(userId)?.p === "online";
  }
}
