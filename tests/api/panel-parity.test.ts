import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/**
 * Every action of the panel (each of its POST routes) and its place in /api/v1,
 * or why a company token has none. A panel action added later fails here until
 * someone decides: an API route, or a reason.
 */
const NOT_FOR_TOKENS = {
  session: "signing in and out, choosing the company to administer: a person's session",
  person: "a person's own account, presence or password: a token is no person",
  operator: "the platform operator's (companies, rates, recording and reversing recharges, backups of the whole database): panel and CLI, never a company token",
  tokens: "tokens are made and revoked in the panel and with charla token create: a token that mints tokens would outlive its own revocation",
  provider: "called by channel providers and web chat visitors, not by integrations",
  browser: "the browser's own reports",
} as const;

/** Panel route -> its API route, or why there is none. */
const PARITY: Record<string, string> = {
  "POST /csp-report": NOT_FOR_TOKENS.browser,
  "POST /login": NOT_FOR_TOKENS.session,
  "POST /logout": NOT_FOR_TOKENS.session,
  "POST /session/company": NOT_FOR_TOKENS.session,
  "POST /account/language": NOT_FOR_TOKENS.person,
  "POST /account/password": NOT_FOR_TOKENS.person,
  "POST /inbox/presence": NOT_FOR_TOKENS.person,
  "POST /admin/companies": NOT_FOR_TOKENS.operator,
  "POST /admin/companies/:id": NOT_FOR_TOKENS.operator,
  "POST /admin/rates": NOT_FOR_TOKENS.operator,
  "POST /admin/backups": NOT_FOR_TOKENS.operator,
  "POST /admin/recharges": NOT_FOR_TOKENS.operator,
  "POST /admin/recharges/:id/reverse": NOT_FOR_TOKENS.operator,
  "POST /admin/tokens": NOT_FOR_TOKENS.tokens,
  "POST /admin/tokens/:id/revoke": NOT_FOR_TOKENS.tokens,
  "POST /webhooks/:channelId": NOT_FOR_TOKENS.provider,
  "POST /chat/:channelId/*": NOT_FOR_TOKENS.provider,

  "POST /admin/queues": "POST /api/v1/queues",
  "POST /admin/queues/:id": "PATCH /api/v1/queues/:id",
  "POST /admin/queues/:id/delete": "DELETE /api/v1/queues/:id",
  "POST /admin/users": "POST /api/v1/users",
  "POST /admin/users/:id": "PATCH /api/v1/users/:id",
  "POST /admin/users/:id/deactivate": "POST /api/v1/users/:id/deactivate",
  "POST /admin/users/:id/activate": "POST /api/v1/users/:id/activate",
  "POST /admin/users/:id/reset-password": "POST /api/v1/users/:id/reset-password",
  "POST /admin/channels": "POST /api/v1/channels",
  "POST /admin/channels/:id": "PATCH /api/v1/channels/:id",
  "POST /admin/channels/:id/test": "POST /api/v1/channels/:id/test",
  "POST /admin/channels/:id/enabled": "POST /api/v1/channels/:id/enable",
  "POST /admin/channels/:id/ai-mode": "PATCH /api/v1/channels/:id",
  "POST /admin/channels/:id/templates/sync": "POST /api/v1/channels/:id/templates/sync",
  "POST /admin/channels/:id/delete": "DELETE /api/v1/channels/:id",
  "POST /inbox/:id/messages": "POST /api/v1/conversations/:id/messages",
  "POST /inbox/messages/:id/retry": "POST /api/v1/messages/:id/retry",
  "POST /inbox/:id/template": "POST /api/v1/conversations/:id/template",
  "POST /inbox/messages/:id/react": "POST /api/v1/messages/:id/reactions",
  "POST /inbox/:id/take": "POST /api/v1/conversations/:id/take",
  "POST /inbox/:id/transfer": "POST /api/v1/conversations/:id/transfer",
  "POST /inbox/:id/close": "POST /api/v1/conversations/:id/close",
  "POST /inbox/:id/reopen": "POST /api/v1/conversations/:id/reopen",
  "POST /inbox/:id/ai/suggest": "POST /api/v1/conversations/:id/suggest",
  "POST /inbox/:id/ai/summary": "POST /api/v1/conversations/:id/summarize",
  "POST /contacts/import": "POST /api/v1/contacts/import",
  "POST /contacts/import/:token/run": "POST /api/v1/contacts/import",
  "POST /contacts": "POST /api/v1/contacts",
  "POST /contacts/:id": "PATCH /api/v1/contacts/:id",
  "POST /contacts/:id/block": "POST /api/v1/contacts/:id/block",
  "POST /contacts/:id/tags": "POST /api/v1/contacts/:id/tags",
  "POST /contacts/:id/tags/:tagId/remove": "DELETE /api/v1/contacts/:id/tags/:tagId",
  "POST /contacts/:id/notes": "POST /api/v1/contacts/:id/notes",
  "POST /contacts/:id/notes/:noteId/delete": "DELETE /api/v1/contacts/:id/notes/:noteId",
  "POST /contacts/:id/removed-values/erase": "DELETE /api/v1/contacts/:id/removed-values",
  "POST /contacts/:id/merge": "POST /api/v1/contacts/:id/merge",
  "POST /contacts/:id/erase": "DELETE /api/v1/contacts/:id",
  "POST /inbox/:id/contact/fields/:key": "PATCH /api/v1/contacts/:id",
  "POST /inbox/:id/contact/tags": "POST /api/v1/contacts/:id/tags",
  "POST /inbox/:id/contact/tags/:tagId/remove": "DELETE /api/v1/contacts/:id/tags/:tagId",
  "POST /inbox/:id/contact/notes": "POST /api/v1/contacts/:id/notes",
  "POST /inbox/:id/contact/notes/:noteId/delete": "DELETE /api/v1/contacts/:id/notes/:noteId",
  "POST /admin/tags": "POST /api/v1/tags",
  "POST /admin/tags/:id": "PATCH /api/v1/tags/:id",
  "POST /admin/tags/:id/delete": "DELETE /api/v1/tags/:id",
  "POST /admin/fields": "POST /api/v1/fields",
  "POST /admin/fields/:id": "PATCH /api/v1/fields/:id",
  "POST /admin/fields/:id/move": "PUT /api/v1/fields/order",
  "POST /admin/fields/:id/remove": "DELETE /api/v1/fields/:id",
  "POST /admin/fields/:id/purge": "POST /api/v1/fields/:id/purge",
  "POST /admin/responses": "POST /api/v1/responses",
  "POST /admin/responses/:id": "PATCH /api/v1/responses/:id",
  "POST /admin/responses/:id/delete": "DELETE /api/v1/responses/:id",
  "POST /admin/ai": "PUT /api/v1/ai",
  "POST /admin/ai/test": "POST /api/v1/ai/test",
  "POST /admin/bots": "POST /api/v1/bots",
  "POST /admin/bots/:id": "PUT /api/v1/bots/:id",
  "POST /admin/bots/:id/publish": "POST /api/v1/bots/:id/publish",
  "POST /admin/bots/:id/copy": "POST /api/v1/bots/:id/copy",
  "POST /admin/bots/:id/enabled": "POST /api/v1/bots/:id/enable",
  "POST /admin/bots/:id/delete": "DELETE /api/v1/bots/:id",
  "POST /admin/bots/:id/holidays": "PUT /api/v1/bots/:id",
  "POST /admin/bots/:id/versions/:versionId/restore": "POST /api/v1/bots/:id/versions/:versionId/restore",
  "POST /admin/bots/:id/steps": "PUT /api/v1/bots/:id",
  "POST /admin/bots/:id/steps/:n": "PUT /api/v1/bots/:id",
  "POST /admin/bots/:id/steps/:n/move": "PUT /api/v1/bots/:id",
  "POST /admin/bots/:id/steps/:n/delete": "PUT /api/v1/bots/:id",
  "POST /admin/bots/:id/try": "POST /api/v1/bots/:id/try",
  "POST /admin/recharges/settings": "PATCH /api/v1/balance",
  "POST /admin/webhooks": "POST /api/v1/webhooks",
  "POST /admin/webhooks/:id": "PATCH /api/v1/webhooks/:id",
  "POST /admin/webhooks/:id/test": "POST /api/v1/webhooks/:id/test",
  "POST /admin/webhooks/:id/rotate": "POST /api/v1/webhooks/:id/rotate",
  "POST /admin/webhooks/:id/pause": "POST /api/v1/webhooks/:id/pause",
  "POST /admin/webhooks/:id/resume": "POST /api/v1/webhooks/:id/resume",
  "POST /admin/webhooks/:id/delete": "DELETE /api/v1/webhooks/:id",
  "POST /admin/webhooks/:id/deliveries/:deliveryId/redeliver": "POST /api/v1/webhooks/:id/deliveries/:deliveryId/redeliver",
};

/** What the panel shows that is data, read through the API. */
const READS: Record<string, string> = {
  "GET /inbox": "GET /api/v1/conversations",
  "GET /inbox/:id": "GET /api/v1/conversations/:id/messages",
  "GET /contacts": "GET /api/v1/contacts",
  "GET /contacts/export": "GET /api/v1/contacts/export",
  "GET /contacts/imports/:id": "GET /api/v1/imports/:id",
  "GET /admin/queues": "GET /api/v1/queues",
  "GET /admin/users": "GET /api/v1/users",
  "GET /admin/channels": "GET /api/v1/channels",
  "GET /admin/channels/:id": "GET /api/v1/channels/:id/templates",
  "GET /admin/tags": "GET /api/v1/tags",
  "GET /admin/fields": "GET /api/v1/fields",
  "GET /admin/responses": "GET /api/v1/responses",
  "GET /admin/ai": "GET /api/v1/ai",
  "GET /admin/bots": "GET /api/v1/bots",
  "GET /admin/recharges": "GET /api/v1/recharges",
  "GET /admin/statement": "GET /api/v1/statement",
  "GET /": "GET /api/v1/reports/activity",
  "GET /admin/webhooks": "GET /api/v1/webhooks",
};

describe("the panel's actions and their API routes", () => {
  let app: TestApp;
  let routes: Set<string>;
  const norm = (method: string, path: string) => `${method} ${path.length > 1 ? path.replace(/\/$/, "") : path}`;

  beforeAll(async () => {
    app = await createTestApp();
    routes = new Set(app.app.routes.map((r) => norm(r.method, r.path)));
  });
  afterAll(() => app.close());

  test("every POST of the panel has its API route or a reason not to", () => {
    const panel = [...routes].filter((r) => r.startsWith("POST ") && !r.startsWith("POST /api/")).sort();
    expect(panel.filter((r) => !(r in PARITY))).toEqual([]);
    expect(Object.keys(PARITY).filter((r) => !routes.has(r))).toEqual([]);
    const missing = Object.values(PARITY).filter((to) => to.includes(" /api/v1/") && !routes.has(to));
    expect(missing).toEqual([]);
  });

  test("the panel's lists are read through the API too", () => {
    expect(Object.keys(READS).filter((r) => !routes.has(r))).toEqual([]);
    expect(Object.values(READS).filter((r) => !routes.has(r))).toEqual([]);
  });
});
