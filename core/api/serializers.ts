import type { QueueListItem } from "../queues/queue.ts";
import type { UserListItem } from "../users/user.ts";

/** JSON shapes of the public API (CONTRACT.md): ISO 8601 UTC times, integer ids, no secrets. */
export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function queueJson(q: Pick<QueueListItem, "id" | "name" | "createdAt"> & { members?: number }) {
  return { id: q.id, name: q.name, members: q.members ?? 0, createdAt: iso(q.createdAt) };
}

export function userJson(u: UserListItem) {
  return {
    id: u.id,
    username: u.username,
    name: u.name,
    role: u.role,
    extension: u.extension,
    language: u.language,
    active: u.active,
    queueIds: u.queues.map((q) => q.id),
    createdAt: iso(u.createdAt),
  };
}
