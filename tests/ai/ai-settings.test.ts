import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { AiSettingsService } from "../../core/ai/ai-settings-service.ts";
import { T } from "../../core/tokens.ts";
import { OpenAiFake } from "../fakes/openai.ts";
import { api, type Client } from "../helpers/client.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

/** "Inteligencia artificial": settings with a sealed key, "Probar" with readable errors, the API. */
describe("AI settings and Probar", () => {
  let app: TestApp;
  let ai: OpenAiFake;
  let base: string;
  let admin: Client;
  let token: string;
  const form = (over: Record<string, string> = {}) => ({
    enabled: "1",
    baseUrl: base,
    model: "gpt-4o-mini",
    apiKey: "sk-test-key-1234",
    instructions: "Sea breve.",
    knowledge: "Abrimos a las 8.",
    temperature: "0,3",
    maxTokens: "300",
    maxTurns: "4",
    monthlyTokenBudget: "100000",
    handoffMessage: "",
    ...over,
  });
  const test_ = async () => (await (await admin.post("/admin/ai/test", {}, { headers: { "hx-request": "true", "hx-request-type": "partial" } })).text());

  beforeAll(async () => {
    ai = new OpenAiFake({ apiKey: "sk-test-key-1234" });
    base = await ai.start();
    app = await createTestApp();
    app.container.resolve<AiSettingsService>(T.AiSettingsService).timeoutMs = 300;
    await app.makeUser(app.companyId, "gerente", "admin");
    admin = app.client();
    await admin.login("gerente", "password-123");
    token = app.makeToken(app.companyId);
  });
  afterAll(async () => {
    await app.close();
    await ai.stop();
  });

  test("the page says nothing is sent while AI is off; saving keeps the key sealed and masked", async () => {
    const page = await admin.html("/admin/ai");
    expect(page).toContain("Nada de las conversaciones se envía al proveedor de IA mientras la IA esté desactivada");
    const res = await admin.post("/admin/ai", form());
    expect(res.status).toBe(303);
    const stored = app.db.query<{ api_key_sealed: string; temperature: number }, []>("SELECT api_key_sealed, temperature FROM ai_settings").get()!;
    expect(stored.api_key_sealed).not.toContain("sk-test-key");
    expect(stored.temperature).toBe(0.3);
    const again = await admin.html("/admin/ai");
    expect(again).not.toContain("sk-test-key-1234");
    expect(again).toContain("••••1234");
    const json = (await (await api(app.app, "GET", "/api/v1/ai", token)).json()) as Record<string, unknown>;
    expect(json).toMatchObject({ enabled: true, baseUrl: base, model: "gpt-4o-mini", apiKey: "••••1234", maxTurns: 4, monthlyTokenBudget: 100000 });
    // Saving without typing the key keeps it.
    expect((await admin.post("/admin/ai", form({ apiKey: "", instructions: "Sea muy breve." }))).status).toBe(303);
    expect(((await (await api(app.app, "GET", "/api/v1/ai", token)).json()) as { apiKey: string }).apiKey).toBe("••••1234");
  });

  test("bad values are refused field by field", async () => {
    const res = await admin.post("/admin/ai", form({ baseUrl: "ftp://x", temperature: "3", maxTokens: "5", maxTurns: "0", model: "" }));
    expect(res.status).toBe(422);
    const html = await res.text();
    for (const text of ["Escriba una URL que empiece con http:// o https://", "Entre 0 y 2", "Entre 16 y 4000", "Entre 1 y 50", "Escriba el nombre del modelo"]) expect(html).toContain(text);
    const apiRes = await api(app.app, "PUT", "/api/v1/ai", token, { enabled: true, baseUrl: "nada", model: "m" });
    expect(apiRes.status).toBe(422);
  });

  test("Probar shows the model's answer, or a readable error for a bad key, an unknown model, an unreachable URL, a timeout", async () => {
    ai.next({ text: "¡Hola!" });
    const ok = await test_();
    expect(ok).toContain("Respondió gpt-4o-mini en");
    expect(ok).toContain("¡Hola!");
    const sent = ai.completions().at(-1)!;
    expect(sent.authorization).toBe("Bearer sk-test-key-1234");

    await admin.post("/admin/ai", form({ apiKey: "sk-wrong" }));
    expect(await test_()).toContain("La clave de API no es válida o no tiene permiso (401)");
    await admin.post("/admin/ai", form({ model: "gpt-9000" }));
    const unknown = await test_();
    expect(unknown).toContain("Ese modelo no existe en el servidor (404)");
    expect(unknown).toContain("The model `gpt-9000` does not exist");
    await admin.post("/admin/ai", form({ baseUrl: "http://127.0.0.1:9/v1" }));
    expect(await test_()).toContain("No se pudo usar el servidor de IA");
    await admin.post("/admin/ai", form());
    ai.next({ hang: true }, { hang: true });
    expect(await test_()).toContain("El servidor de IA no respondió a tiempo");
    // A server refusing tool_choice: the answer comes, and the fallback is said.
    ai.refuseToolChoice = true;
    ai.next({ text: "Hola desde vLLM" });
    const fallback = await test_();
    ai.refuseToolChoice = false;
    expect(fallback).toContain("Hola desde vLLM");
    expect(fallback).toContain("El servidor no acepta «tool_choice»");
    // Each test call is in the usage too.
    expect(app.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM ai_calls WHERE kind = 'test'").get()!.n).toBe(6);
  });

  test("agents and supervisors cannot open the AI settings; the channel's AI mode is set in the panel too", async () => {
    await app.makeUser(app.companyId, "ana", "agent");
    const ana = app.client();
    await ana.login("ana", "password-123");
    expect((await ana.get("/admin/ai")).status).toBe(403);
    expect((await ana.post("/admin/ai/test", {})).status).toBe(403);
    const webchat = app.db.query<{ id: number }, []>("SELECT id FROM channels WHERE plugin_id = 'webchat'").get()!.id;
    expect((await admin.post(`/admin/channels/${webchat}/ai-mode`, { aiMode: "no_agents" })).status).toBe(303);
    expect(((await (await api(app.app, "GET", `/api/v1/channels/${webchat}`, token)).json()) as { aiMode: string }).aiMode).toBe("no_agents");
    expect((await admin.post(`/admin/channels/${webchat}/ai-mode`, { aiMode: "sometimes" })).status).toBe(422);
    expect((await api(app.app, "PATCH", `/api/v1/channels/${webchat}`, token, { aiMode: "sometimes" })).status).toBe(422);
  });
});
