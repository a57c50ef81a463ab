import type { QueueListItem } from "../queues/queue.ts";
import type { UserListItem } from "../users/user.ts";
import type { ChannelView } from "../channels/channel-service.ts";
import type { ConversationListItem, Message } from "../conversations/conversation.ts";

/** JSON shapes of the public API (CONTRACT.md): ISO 8601 UTC times, integer ids, no secrets. */
export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function queueJson(q: Omit<QueueListItem, "members" | "companyId"> & { members?: number }) {
  return { id: q.id, name: q.name, strategy: q.strategy, maxPerAgent: q.maxPerAgent, members: q.members ?? 0, createdAt: iso(q.createdAt) };
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

export function conversationJson(c: ConversationListItem) {
  return {
    id: c.id,
    status: c.status,
    botStep: c.status === "bot" ? c.botStep : null,
    channelId: c.channelId,
    contact: { id: c.contactId, name: c.contactName, phone: c.contactPhone },
    queueId: c.queueId,
    assigneeId: c.assigneeId,
    lastMessageAt: iso(c.lastMessageAt),
    unansweredSince: iso(c.unansweredSince),
    unreadCount: c.unreadCount,
    createdAt: iso(c.createdAt),
    closedAt: iso(c.closedAt),
  };
}

export function messageJson(m: Message) {
  return {
    id: m.id,
    direction: m.direction,
    author: m.author,
    kind: m.kind,
    text: m.text,
    payload: m.payload,
    media: m.mediaId ? { id: m.mediaId, mimeType: m.mediaMime, filename: m.mediaName, size: m.mediaSize } : null,
    status: m.status,
    error: m.error,
    externalId: m.externalId,
    /** Sent again after an interrupted request the provider could not confirm: the customer may have it twice. */
    maybeDuplicate: m.maybeDuplicate,
    createdAt: iso(m.createdAt),
  };
}

export function channelJson(c: ChannelView) {
  return {
    id: c.id,
    plugin: c.pluginId,
    name: c.name,
    config: { ...c.config, ...c.maskedSecrets },
    queueId: c.queueId,
    reopenWindowMinutes: c.reopenWindowMinutes,
    aiMode: c.aiMode,
    webhookUrl: c.webhookUrl,
    status: c.status,
    statusReason: c.statusReason,
    createdAt: iso(c.createdAt),
  };
}

export function fieldJson(f: import("../contacts/contact.ts").ContactField) {
  return {
    id: f.id,
    key: f.key,
    label: f.label,
    type: f.type,
    required: f.required,
    options: f.type === "choice" ? f.options : null,
    min: f.min,
    max: f.max,
    display: f.display,
    position: f.position,
    createdAt: iso(f.createdAt),
  };
}

export function tagJson(t: import("../contacts/contact.ts").TagRef & { contacts?: number }) {
  return { id: t.id, name: t.name, color: t.color, ...(t.contacts !== undefined ? { contacts: t.contacts } : {}) };
}

/** A contact with its field values by key (fields of the current template only). */
export function contactJson(
  c: import("../contacts/contact.ts").Contact & {
    values: Map<number, string>;
    tags: import("../contacts/contact.ts").TagRef[];
    identities: { channelId: number; externalId: string }[];
  },
  template: import("../contacts/contact.ts").ContactField[],
) {
  return {
    id: c.id,
    name: c.name,
    phone: c.phone,
    email: c.email,
    fields: Object.fromEntries(template.filter((f) => c.values.has(f.id)).map((f) => [f.key, c.values.get(f.id)!])),
    tags: c.tags.map(tagJson),
    identities: c.identities.map((i) => ({ channelId: i.channelId, externalId: i.externalId })),
    blocked: c.blocked,
    lastContactAt: iso(c.lastContactAt),
    createdAt: iso(c.createdAt),
  };
}
