import OpenAI from "openai";
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import type { AiConnection, AiErrorCode, AiFailure, AiOutcome, AiProvider, AiProviderPlugin, AiRequest } from "../../core/ai/contract.ts";

/**
 * ChatGPT, and any server speaking OpenAI's chat completions (Ollama, vLLM,
 * llama.cpp, LM Studio): the base URL decides. Chat completions with tools for
 * answers, streaming for drafts. Some compatible servers break on tools: a 400
 * that names tool_choice is retried without it, one that names tools is retried
 * without tools (the hand-off then rests on the core's own rules), and "Probar"
 * says which fallback was needed. Facts: ../shared/design/META-AND-OPENAI.md.
 */
const plugin: AiProviderPlugin = {
  manifest: { id: "chatgpt", name: "ChatGPT (OpenAI-compatible)", version: "1.0.0", apiVersion: 1, kind: "ai" },
  create(connection) {
    return new ChatGptProvider(connection);
  },
};
export default plugin;

class ChatGptProvider implements AiProvider {
  private readonly client: OpenAI;

  constructor(private readonly connection: AiConnection) {
    this.client = new OpenAI({
      apiKey: connection.apiKey || "none",
      baseURL: connection.baseUrl,
      // One quick retry of 408/409/429/5xx, then the core hands off: a customer never waits minutes.
      maxRetries: 1,
      timeout: connection.timeoutMs,
    });
  }

  async complete(req: AiRequest): Promise<AiOutcome> {
    const notes: string[] = [];
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: this.connection.model,
      messages: messagesOf(req),
      max_tokens: req.maxTokens,
      temperature: req.temperature,
    };
    if (req.tools?.length) {
      body.tools = req.tools.map((t): ChatCompletionTool => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.parameters } }));
      body.tool_choice = "auto";
    }
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(body);
    } catch (e) {
      const retry = toolFallback(e, body);
      if (!retry) return failed(e);
      notes.push(retry.note);
      try {
        completion = await this.client.chat.completions.create(retry.body);
      } catch (again) {
        const last = toolFallback(again, retry.body);
        if (!last) return failed(again);
        notes.push(last.note);
        try {
          completion = await this.client.chat.completions.create(last.body);
        } catch (third) {
          return failed(third);
        }
      }
    }
    const choice = completion.choices[0];
    const call = choice?.message.tool_calls?.find((c) => c.type === "function");
    return {
      ok: true,
      text: choice?.message.content ?? "",
      toolCall: call && call.type === "function" ? { name: call.function.name, arguments: parseArguments(call.function.arguments) } : null,
      usage: { promptTokens: completion.usage?.prompt_tokens ?? 0, completionTokens: completion.usage?.completion_tokens ?? 0 },
      model: completion.model || this.connection.model,
      notes,
    };
  }

  async stream(req: AiRequest, onDelta: (text: string) => void): Promise<AiOutcome> {
    let text = "";
    let usage = { promptTokens: 0, completionTokens: 0 };
    let model = this.connection.model;
    try {
      const stream = await this.client.chat.completions.create({
        model: this.connection.model,
        messages: messagesOf(req),
        max_tokens: req.maxTokens,
        temperature: req.temperature,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream) {
        if (chunk.model) model = chunk.model;
        const delta = chunk.choices[0]?.delta?.content;
        if (delta) {
          text += delta;
          onDelta(delta);
        }
        if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
      }
    } catch (e) {
      return failed(e);
    }
    // A stream cut short never sends its usage chunk: count what came, roughly, rather than nothing.
    if (usage.completionTokens === 0 && text) usage = { ...usage, completionTokens: Math.ceil(text.length / 4) };
    return { ok: true, text, toolCall: null, usage, model, notes: [] };
  }
}

function messagesOf(req: AiRequest): ChatCompletionMessageParam[] {
  return [{ role: "system", content: req.system }, ...req.messages.map((m): ChatCompletionMessageParam => ({ role: m.role, content: m.content }))];
}

function parseArguments(raw: string): Record<string, unknown> {
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A server that refuses tool_choice (vLLM without its flags) or tools at all: the same request, simpler. */
function toolFallback(e: unknown, body: ChatCompletionCreateParamsNonStreaming): { body: ChatCompletionCreateParamsNonStreaming; note: string } | null {
  if (!(e instanceof OpenAI.BadRequestError) || !body.tools) return null;
  const message = e.message.toLowerCase();
  // vLLM says: "auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set.
  if (body.tool_choice !== undefined && /tool[_ -]?choice/.test(message)) {
    const { tool_choice: _, ...rest } = body;
    return { body: rest, note: "tool_choice" };
  }
  if (message.includes("tool")) {
    const { tools: _t, tool_choice: _c, ...rest } = body;
    return { body: rest, note: "tools" };
  }
  return null;
}

function failed(e: unknown): AiOutcome {
  return { ok: false, error: failureOf(e) };
}

function failureOf(e: unknown): AiFailure {
  if (e instanceof OpenAI.APIConnectionTimeoutError) return { code: "timeout", message: "the AI server did not answer in time" };
  if (e instanceof OpenAI.APIConnectionError) return { code: "unavailable", message: `the AI server could not be reached (${e.message})` };
  if (e instanceof OpenAI.APIError) {
    const body = (e.error ?? {}) as { message?: string; code?: string; type?: string };
    const message = body.message ?? e.message;
    const code: AiErrorCode =
      e.status === 401 || e.status === 403
        ? "auth"
        : e.status === 404
          ? "not_found"
          : e.status === 429
            ? body.code === "insufficient_quota" || body.type === "insufficient_quota"
              ? "quota"
              : "rate_limited"
            : e.status === 400 || e.status === 422
              ? "bad_request"
              : "unavailable";
    return { code, message };
  }
  return { code: "unavailable", message: e instanceof Error ? e.message : String(e) };
}
