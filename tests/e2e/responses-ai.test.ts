import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { OpenAiFake } from "../fakes/openai.ts";
import { api } from "../helpers/client.ts";
import { HAS_CHROMIUM, launchBrowser, signIn } from "../helpers/browser.ts";
import { startLiveServer } from "../helpers/live-server.ts";

/** The composer's "/" canned responses and the AI assist buttons, in real Chromium. */
describe.skipIf(!HAS_CHROMIUM)("canned responses and AI assist in the composer (Chromium)", () => {
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let ai: OpenAiFake;
  let browser: Browser;
  let page: Page;
  let relay: number;
  let token: string;
  const errors: string[] = [];
  let n = 0;
  const conversationWith = async (from: string, text: string) => {
    await server.webhook(relay, { messages: [{ id: `e${++n}`, from, text, name: `Cliente ${from}` }] });
    return server.db.query<{ id: number }, [string]>("SELECT conversation_id AS id FROM messages WHERE external_id = ?").get(`e${n}`)!.id;
  };

  beforeAll(async () => {
    ai = new OpenAiFake({ apiKey: "sk-e2e" });
    const base = await ai.start();
    server = await startLiveServer();
    const q = server.makeQueue(server.companyId, "ventas");
    relay = server.makeRelayChannel(server.companyId, "http://127.0.0.1:9/x", q);
    await server.makeUser(server.companyId, "ana", "agent", [q], "es");
    token = server.makeToken(server.companyId);
    for (const r of [
      { name: "saludo", key: "sl", text: "Hola, {{contact.name}}. ¿En qué le puedo ayudar?" },
      { name: "saldo pendiente", key: "sld", text: "Su saldo pendiente es el de la factura adjunta." },
      { name: "despedida", key: "chao", text: "Gracias por escribirnos.\n¡Feliz día!", finalize: true },
    ]) {
      expect((await api(server.app, "POST", "/api/v1/responses", token, r)).status).toBe(201);
    }
    expect((await api(server.app, "PUT", "/api/v1/ai", token, { enabled: true, baseUrl: base, model: "gpt-4o-mini", apiKey: "sk-e2e" })).status).toBe(200);
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    await signIn(page, server.url, "ana", "password-123");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await ai?.stop();
  });

  test("typing /sl offers the responses; the keyboard picks 'saludo', the agent edits it and sends", async () => {
    const id = await conversationWith("573001", "Buenas tardes");
    await page.goto(`${server.url}/inbox/${id}`);
    const area = page.locator('#composer textarea[name="text"]');
    await area.click();
    await area.pressSequentially("/sl", { delay: 30 });
    await page.waitForSelector("#response-suggestions:not([hidden]) [role=option]");
    const names = await page.locator("#response-suggestions [role=option] strong").allTextContents();
    expect(names).toEqual(["saludo", "saldo pendiente"]);
    await page.keyboard.press("ArrowDown");
    expect(await page.getAttribute("#response-suggestions [role=option]:nth-child(2)", "aria-selected")).toBe("true");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("Enter");
    // Filled in, not sent: the agent edits first.
    expect(await area.inputValue()).toBe("Hola, Cliente 573001. ¿En qué le puedo ayudar?");
    expect(await page.isHidden("#response-suggestions")).toBe(true);
    expect(server.db.query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ? AND direction = 'out'").get(id)!.n).toBe(0);
    await area.press("End");
    await area.pressSequentially(" Soy Ana.");
    await area.press("Enter");
    await page.waitForFunction(() => (document.querySelector('#composer textarea[name="text"]') as HTMLTextAreaElement).value === "");
    const sent = server.db.query<{ text: string; author: string }, [number]>("SELECT text, author FROM messages WHERE conversation_id = ? AND direction = 'out'").all(id);
    expect(sent).toEqual([{ text: "Hola, Cliente 573001. ¿En qué le puedo ayudar? Soy Ana.", author: "agent" }]);
  });

  test("a FINALIZAR response says so before sending, and the conversation leaves the open list", async () => {
    const id = await conversationWith("573002", "Gracias, eso era todo");
    await page.goto(`${server.url}/inbox/${id}?tab=all`);
    await page.waitForSelector(`#conv-${id}`);
    const area = page.locator('#composer textarea[name="text"]');
    await area.click();
    await area.pressSequentially("/cha", { delay: 30 });
    await page.waitForSelector("#response-suggestions:not([hidden]) [role=option]");
    await page.click("#response-suggestions [role=option]");
    expect(await area.inputValue()).toBe("Gracias por escribirnos.\n¡Feliz día!");
    expect(await page.isVisible("#response-note [data-finalize-note]")).toBe(true);
    expect(await page.textContent("#response-note")).toContain("Al enviarla, la conversación se finaliza.");
    await page.click('#composer button[type="submit"]');
    await page.waitForFunction((cid) => !document.querySelector(`#conv-${cid}`), id, { timeout: 5000 });
    expect(server.db.query<{ status: string }, [number]>("SELECT status FROM conversations WHERE id = ?").get(id)!.status).toBe("closed");
    const out = server.db.query<{ text: string }, [number]>("SELECT text FROM messages WHERE conversation_id = ? AND direction = 'out' AND author = 'agent'").get(id)!;
    expect(out.text).toBe("Gracias por escribirnos.\n¡Feliz día!");
  });

  test("'Sugerir respuesta' streams a draft into the composer and sends nothing; 'Resumir' shows a summary beside it", async () => {
    const id = await conversationWith("573003", "¿Tienen el modelo azul en talla M?");
    await page.goto(`${server.url}/inbox/${id}`);
    const draft = "Sí, tenemos el modelo azul en talla M. ¿Desea que se lo apartemos?";
    ai.next({ text: draft });
    await page.click("#ai-suggest");
    await page.waitForFunction((d) => (document.querySelector('#composer textarea[name="text"]') as HTMLTextAreaElement).value === d, draft, { timeout: 5000 });
    const req = ai.completions().at(-1)!.body as { stream: boolean; messages: { role: string; content: string }[] };
    expect(req.stream).toBe(true);
    expect(req.messages.at(-1)).toEqual({ role: "user", content: "¿Tienen el modelo azul en talla M?" });
    expect(server.db.query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ? AND direction = 'out'").get(id)!.n).toBe(0);

    ai.next({ text: "La clienta pregunta por el modelo azul en talla M. Pendiente: confirmar existencias." });
    await page.click("#ai-summarize");
    await page.waitForSelector("#ai-summary .summary-text");
    expect(await page.textContent("#ai-summary .summary-text")).toBe("La clienta pregunta por el modelo azul en talla M. Pendiente: confirmar existencias.");
    const summaryReq = ai.completions().at(-1)!.body as { messages: { role: string; content: string }[] };
    expect(summaryReq.messages[0]!.content).toContain("in Spanish");
    expect(server.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM ai_calls WHERE kind IN ('suggest', 'summarize')").get()!.n).toBe(2);
    expect(errors).toEqual([]);
  });
});
