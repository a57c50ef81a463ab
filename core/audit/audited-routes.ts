/**
 * Which requests leave an audit line, and what the line says. One table for the
 * panel and the API, so the same action reads the same whichever way it came
 * ("queue.updated" from the form or from PATCH /api/v1/queues/:id). The audit hook
 * (audit-hook.ts) writes a line after a request listed here succeeds; routes whose
 * service writes its own line (with figures only the service knows: how many
 * messages an erasure removed) say SERVICE. Every other state-changing route is in
 * NOT_AUDITED with the reason, and tests/audit/audit-log.test.ts fails when a new
 * route is in neither list.
 *
 * `keep` names the request fields copied into the line's details: names, kinds,
 * flags and ids, never a password, a token, a channel's settings or a message's
 * text (AuditTrail scrubs again underneath).
 */

export interface AuditInput {
  body: Record<string, unknown>;
  query: Record<string, string | undefined>;
  params: Record<string, string | undefined>;
}

export interface AuditRule {
  action: string | ((i: AuditInput) => string);
  target: string;
  keep?: readonly string[];
  details?: (i: AuditInput) => Record<string, unknown>;
  /** The company the line belongs to when it is not the caller's own (the operator's platform pages). */
  company?: (i: AuditInput) => number | null;
  /** The target's id when it is not `:id` (or the id a create answered with). */
  targetId?: (i: AuditInput) => number | null;
}

/** The route's service writes the line itself. */
export const SERVICE = "service";

const on = (field: string) => (i: AuditInput) => {
  const v = i.body[field];
  return v === true || v === "1" || v === "true" || v === "on";
};
const toggle = (kind: string, field = "enabled") => (i: AuditInput) => (on(field)(i) ? `${kind}.enabled` : `${kind}.disabled`);
const num = (v: unknown): number | null => {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};
const step = (i: AuditInput) => ({ step: num(i.params.n) ?? 0 });

const USER = ["username", "name", "role", "language", "extension", "queueIds"] as const;
const userDetails = (i: AuditInput) => ({ passwordChanged: typeof i.body.password === "string" && i.body.password !== "" });
const AI = ["enabled", "baseUrl", "model", "includeResponses", "temperature", "maxTokens", "monthlyTokenBudget", "maxTurns"] as const;
const aiDetails = (i: AuditInput) => ({
  keyChanged: typeof i.body.apiKey === "string" && i.body.apiKey !== "",
  keyRemoved: on("removeKey")(i),
});
const COMPANY = ["name", "slug", "country", "timeZone", "currency", "active"] as const;
const FIELD = ["key", "label", "type", "required", "display"] as const;
const RESPONSE = ["name", "key", "finalize", "automatic", "queueIds"] as const;

export const AUDITED: Readonly<Record<string, AuditRule | typeof SERVICE>> = {
  // Users
  "POST /admin/users/": { action: "user.created", target: "user", keep: USER },
  "POST /admin/users/:id": { action: "user.updated", target: "user", keep: USER, details: userDetails },
  "POST /admin/users/:id/activate": { action: "user.activated", target: "user" },
  "POST /admin/users/:id/deactivate": { action: "user.deactivated", target: "user" },
  "POST /admin/users/:id/reset-password": { action: "user.password_reset", target: "user" },
  "POST /api/v1/users": { action: "user.created", target: "user", keep: USER },
  "PATCH /api/v1/users/:id": { action: "user.updated", target: "user", keep: USER, details: userDetails },
  "DELETE /api/v1/users/:id": { action: "user.deactivated", target: "user" },
  "POST /api/v1/users/:id/activate": { action: "user.activated", target: "user" },
  "POST /api/v1/users/:id/deactivate": { action: "user.deactivated", target: "user" },
  "POST /api/v1/users/:id/reset-password": { action: "user.password_reset", target: "user" },
  // Queues
  "POST /admin/queues/": { action: "queue.created", target: "queue", keep: ["name", "strategy", "maxPerAgent"] },
  "POST /admin/queues/:id": { action: "queue.updated", target: "queue", keep: ["name", "strategy", "maxPerAgent"] },
  "POST /admin/queues/:id/delete": { action: "queue.deleted", target: "queue", keep: ["moveTo"] },
  "POST /api/v1/queues": { action: "queue.created", target: "queue", keep: ["name", "strategy", "maxPerAgent"] },
  "PATCH /api/v1/queues/:id": { action: "queue.updated", target: "queue", keep: ["name", "strategy", "maxPerAgent"] },
  "DELETE /api/v1/queues/:id": { action: "queue.deleted", target: "queue" },
  // Channels: the name and plugin, never the settings (tokens, app secrets).
  "POST /admin/channels/": { action: "channel.created", target: "channel", keep: ["name", "queueId"], details: (i) => ({ plugin: i.query.plugin ?? "" }) },
  "POST /admin/channels/:id": { action: "channel.updated", target: "channel", keep: ["name", "queueId", "reopenWindowMinutes"] },
  "POST /admin/channels/:id/delete": { action: "channel.deleted", target: "channel" },
  "POST /admin/channels/:id/enabled": { action: toggle("channel"), target: "channel" },
  "POST /admin/channels/:id/ai-mode": { action: "channel.ai_mode_changed", target: "channel", keep: ["aiMode"] },
  "POST /api/v1/channels": { action: "channel.created", target: "channel", keep: ["plugin", "name", "queueId"] },
  "PATCH /api/v1/channels/:id": { action: "channel.updated", target: "channel", keep: ["name", "queueId", "reopenWindowMinutes"], details: (i) => ({ settingsChanged: i.body.config !== undefined }) },
  "DELETE /api/v1/channels/:id": { action: "channel.deleted", target: "channel" },
  "POST /api/v1/channels/:id/enable": { action: "channel.enabled", target: "channel" },
  "POST /api/v1/channels/:id/disable": { action: "channel.disabled", target: "channel" },
  // API tokens: the name and scope; the token itself is shown once and never stored.
  "POST /admin/tokens/": { action: "token.created", target: "token", keep: ["name", "scope"] },
  "POST /admin/tokens/:id/revoke": { action: "token.revoked", target: "token" },
  // Canned responses: the name and shortcut, not the text.
  "POST /admin/responses": { action: "response.created", target: "response", keep: RESPONSE },
  "POST /admin/responses/:id": { action: "response.updated", target: "response", keep: RESPONSE },
  "POST /admin/responses/:id/delete": { action: "response.deleted", target: "response" },
  "POST /api/v1/responses": { action: "response.created", target: "response", keep: RESPONSE },
  "PATCH /api/v1/responses/:id": { action: "response.updated", target: "response", keep: RESPONSE },
  "DELETE /api/v1/responses/:id": { action: "response.deleted", target: "response" },
  // Bots
  "POST /admin/bots": { action: "bot.created", target: "bot", keep: ["name"] },
  "POST /admin/bots/:id": { action: "bot.updated", target: "bot", keep: ["name", "timeoutMinutes"] },
  "POST /admin/bots/:id/copy": { action: "bot.copied", target: "bot", details: (i) => ({ from: num(i.params.id) }) },
  "POST /admin/bots/:id/delete": { action: "bot.deleted", target: "bot" },
  "POST /admin/bots/:id/enabled": { action: toggle("bot"), target: "bot" },
  "POST /admin/bots/:id/holidays": { action: "bot.holidays_changed", target: "bot", keep: ["date", "observe"] },
  "POST /admin/bots/:id/publish": { action: "bot.published", target: "bot" },
  "POST /admin/bots/:id/steps": { action: "bot.step_added", target: "bot", keep: ["type"] },
  "POST /admin/bots/:id/steps/:n": { action: "bot.step_changed", target: "bot", keep: ["type"], details: step },
  "POST /admin/bots/:id/steps/:n/delete": { action: "bot.step_deleted", target: "bot", details: step },
  "POST /admin/bots/:id/steps/:n/move": { action: "bot.step_moved", target: "bot", keep: ["dir"], details: step },
  "POST /admin/bots/:id/versions/:versionId/restore": { action: "bot.version_restored", target: "bot", details: (i) => ({ version: num(i.params.versionId) }) },
  "POST /api/v1/bots": { action: "bot.created", target: "bot", keep: ["name", "channelIds"] },
  "PUT /api/v1/bots/:id": { action: "bot.updated", target: "bot", keep: ["name", "channelIds"] },
  "DELETE /api/v1/bots/:id": { action: "bot.deleted", target: "bot" },
  "POST /api/v1/bots/:id/copy": { action: "bot.copied", target: "bot", details: (i) => ({ from: num(i.params.id) }) },
  "POST /api/v1/bots/:id/enable": { action: "bot.enabled", target: "bot" },
  "POST /api/v1/bots/:id/disable": { action: "bot.disabled", target: "bot" },
  "POST /api/v1/bots/:id/publish": { action: "bot.published", target: "bot" },
  "POST /api/v1/bots/:id/versions/:versionId/restore": { action: "bot.version_restored", target: "bot", details: (i) => ({ version: num(i.params.versionId) }) },
  // Tags and the contact template
  "POST /admin/tags/": { action: "tag.created", target: "tag", keep: ["name", "color"] },
  "POST /admin/tags/:id": { action: "tag.updated", target: "tag", keep: ["name", "color"] },
  "POST /admin/tags/:id/delete": { action: "tag.deleted", target: "tag" },
  "POST /api/v1/tags": { action: "tag.created", target: "tag", keep: ["name", "color"] },
  "PATCH /api/v1/tags/:id": { action: "tag.updated", target: "tag", keep: ["name", "color"] },
  "DELETE /api/v1/tags/:id": { action: "tag.deleted", target: "tag" },
  "POST /admin/fields/": { action: "field.created", target: "field", keep: FIELD },
  "POST /admin/fields/:id": { action: "field.updated", target: "field", keep: FIELD },
  "POST /admin/fields/:id/move": { action: "field.moved", target: "field", keep: ["direction"] },
  "POST /admin/fields/:id/remove": { action: "field.removed", target: "field" },
  "POST /admin/fields/:id/purge": { action: "field.purged", target: "field" },
  "POST /api/v1/fields": { action: "field.created", target: "field", keep: FIELD },
  "PATCH /api/v1/fields/:id": { action: "field.updated", target: "field", keep: FIELD },
  "DELETE /api/v1/fields/:id": { action: "field.removed", target: "field" },
  "POST /api/v1/fields/:id/purge": { action: "field.purged", target: "field" },
  "PUT /api/v1/fields/order": { action: "field.moved", target: "field", keep: ["ids"] },
  // AI settings: whether the key changed, never the key.
  "POST /admin/ai": { action: "ai.settings_changed", target: "ai_settings", keep: AI, details: aiDetails },
  "PUT /api/v1/ai": { action: "ai.settings_changed", target: "ai_settings", keep: AI, details: aiDetails },
  // Companies, rates, recharges (the operator's), balance settings (admins')
  "POST /admin/companies/": { action: "company.created", target: "company", keep: COMPANY, company: () => null },
  "POST /admin/companies/:id": { action: "company.updated", target: "company", keep: COMPANY, company: (i) => num(i.params.id) },
  "POST /admin/rates": { action: "rate.changed", target: "rate", keep: ["kind", "amount", "country", "model", "currency", "freePerMonth", "companyId"], company: (i) => num(i.body.companyId) },
  "POST /admin/recharges": { action: "recharge.created", target: "recharge", keep: ["amount", "date", "method", "companyId"], company: (i) => num(i.body.companyId) },
  "POST /admin/recharges/:id/reverse": { action: "recharge.reversed", target: "recharge" },
  "POST /admin/recharges/settings": { action: "billing.settings_changed", target: "company", keep: ["threshold", "creditLimit"] },
  "PATCH /api/v1/balance": { action: "billing.settings_changed", target: "company", keep: ["lowBalanceThreshold"] },
  // Backups hold every company's data: taking one and, above all, downloading one.
  "POST /admin/backups/": { action: "backup.started", target: "backup", company: () => null },
  "GET /admin/backups/:name": { action: "backup.downloaded", target: "backup", company: () => null, details: (i) => ({ file: i.params.name ?? "" }) },
  // Outbound webhooks: the service logs its own changes; a redelivery is logged here.
  "POST /admin/webhooks/": SERVICE,
  "POST /admin/webhooks/:id": SERVICE,
  "POST /admin/webhooks/:id/delete": SERVICE,
  "POST /admin/webhooks/:id/rotate": SERVICE,
  "POST /admin/webhooks/:id/pause": SERVICE,
  "POST /admin/webhooks/:id/resume": SERVICE,
  "POST /admin/webhooks/:id/deliveries/:deliveryId/redeliver": { action: "webhook.redelivered", target: "webhook", details: (i) => ({ delivery: i.params.deliveryId ?? "" }) },
  "POST /api/v1/webhooks": SERVICE,
  "PATCH /api/v1/webhooks/:id": SERVICE,
  "DELETE /api/v1/webhooks/:id": SERVICE,
  "POST /api/v1/webhooks/:id/rotate": SERVICE,
  "POST /api/v1/webhooks/:id/pause": SERVICE,
  "POST /api/v1/webhooks/:id/resume": SERVICE,
  "POST /api/v1/webhooks/:id/deliveries/:deliveryId/redeliver": { action: "webhook.redelivered", target: "webhook", details: (i) => ({ delivery: i.params.deliveryId ?? "" }) },
  // Contacts: erasure, merges and blocking are logged by their services (with counts);
  // imports and exports of personal data here.
  "POST /contacts/:id/erase": SERVICE,
  "POST /contacts/:id/merge": SERVICE,
  "POST /contacts/:id/block": SERVICE,
  "DELETE /api/v1/contacts/:id": SERVICE,
  "POST /api/v1/contacts/:id/merge": SERVICE,
  "POST /api/v1/contacts/:id/block": SERVICE,
  "POST /api/v1/contacts/:id/unblock": SERVICE,
  "POST /contacts/:id/removed-values/erase": { action: "contact.removed_values_erased", target: "contact" },
  "DELETE /api/v1/contacts/:id/removed-values": { action: "contact.removed_values_erased", target: "contact" },
  "POST /contacts/import/:token/run": { action: "contact.import_started", target: "import", keep: ["duplicates"], details: (i) => ({ dryRun: on("dryRun")(i) }) },
  "POST /api/v1/contacts/import": { action: "contact.import_started", target: "import", details: (i) => ({ dryRun: on("dryRun")({ ...i, body: i.query }), duplicates: i.query.duplicates ?? "" }) },
  "GET /contacts/export": { action: "contact.exported", target: "contact", details: (i) => ({ filtered: Object.keys(i.query).some((k) => k !== "lang") }) },
  "GET /api/v1/contacts/export": { action: "contact.exported", target: "contact", details: (i) => ({ filtered: Object.keys(i.query).length > 0 }) },
};

/**
 * State-changing routes that leave no audit line, and why. Patterns match
 * "METHOD /path" as the router lists it.
 */
export const NOT_AUDITED: readonly { routes: RegExp; why: string }[] = [
  { routes: /^POST \/(login|logout|csp-report|session\/company)$/, why: "signing in and out, browser reports, choosing which company to look at: no setting changes" },
  { routes: /^POST \/account\//, why: "a user's own language and password (the admin's resets of others are audited)" },
  { routes: /^POST \/(webhooks|chat)\/:channelId/, why: "providers and web-chat visitors, not admins" },
  { routes: /^POST \/inbox\/|^POST \/api\/v1\/(conversations|messages)\//, why: "agents' conversation work: the conversation's own history records it" },
  { routes: /^POST \/contacts\/(:id)?$|^POST \/api\/v1\/contacts$|^PATCH \/api\/v1\/contacts\/:id$/, why: "everyday contact editing by agents (the contact shows its changes); erasure, merges, blocking, imports and exports are audited" },
  { routes: /^(POST|DELETE) (\/api\/v1)?\/contacts\/:id\/(notes|tags)/, why: "notes and tags on a person: agents' everyday work, and notes are content" },
  { routes: /^POST \/contacts\/import$/, why: "uploads a file for the preview; nothing is imported until the run, which is audited" },
  { routes: /\/test$|\/try$|\/ai\/test$/, why: "tries a connection or a bot without changing anything" },
  { routes: /\/templates\/sync$/, why: "refreshes the provider's approved templates; no setting changes" },
];
