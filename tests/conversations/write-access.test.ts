import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Client } from "../helpers/client.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/** Who may write into a conversation, and how often one submission is stored. */
describe("writing into a conversation", () => {
  let app: TestApp;
  let conversation: number;
  const c: Record<string, Client> = {};
  const outs = () => app.db.query<{ text: string }, [number]>("SELECT text FROM messages WHERE conversation_id = ? AND direction = 'out' AND author <> 'system' ORDER BY id").all(conversation).map((r) => r.text);

  beforeAll(async () => {
    app = await createTestApp();
    const q = app.makeQueue(app.companyId, "ventas", "manual");
    const channel = app.makeRelayChannel(app.companyId, "http://127.0.0.1:9/x", q);
    for (const [u, role] of [["ana", "agent"], ["beto", "agent"], ["sofia", "supervisor"]] as const) {
      await app.makeUser(app.companyId, u, role, [q]);
      c[u] = app.client();
      await c[u]!.login(u, "password-123");
    }
    await app.webhook(channel, { messages: [{ id: "wa1", from: "573111", text: "hola" }] });
    conversation = app.db.query<{ id: number }, []>("SELECT id FROM conversations").get()!.id;
  });
  afterAll(() => app.close());

  test("the same composer submission twice stores one message", async () => {
    for (let i = 0; i < 3; i++) expect((await c.ana!.post(`/inbox/${conversation}/messages`, { text: "una vez", submission: "sub-123" })).status).toBe(303);
    expect(outs()).toEqual(["una vez"]);
    expect((await c.ana!.post(`/inbox/${conversation}/messages`, { text: "otra", submission: "sub-456" })).status).toBe(303);
    expect(outs()).toEqual(["una vez", "otra"]);
  });

  test("another agent must take it first (409 with who has it); a supervisor must confirm", async () => {
    const beto = await c.beto!.post(`/inbox/${conversation}/messages`, { text: "me meto" });
    expect(beto.status).toBe(409);
    expect(await beto.text()).toContain("Name ana atiende esta conversación: tómela antes de escribir.");
    const page = await c.beto!.html(`/inbox/${conversation}`);
    expect(page).toContain('id="take-first"');
    expect(page).not.toContain('id="composer"');
    const sofia = await c.sofia!.post(`/inbox/${conversation}/messages`, { text: "sin confirmar" });
    expect(sofia.status).toBe(409);
    expect((await c.sofia!.post(`/inbox/${conversation}/messages`, { text: "confirmado", intervene: "1" })).status).toBe(303);
    expect(outs()).toEqual(["una vez", "otra", "confirmado"]);
    // Taking it lets Beto write.
    expect((await c.beto!.post(`/inbox/${conversation}/take`)).status).toBe(303);
    expect((await c.beto!.post(`/inbox/${conversation}/messages`, { text: "ahora sí" })).status).toBe(303);
    expect(outs().at(-1)).toBe("ahora sí");
  });
});
