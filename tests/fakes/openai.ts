/**
 * A faithful stand-in for OpenAI's chat completions API, served on 127.0.0.1:
 * `POST /v1/chat/completions` (JSON, or `stream: true` as SSE with a final usage
 * chunk when `stream_options.include_usage`), tool calls (`finish_reason:
 * "tool_calls"`, arguments as a JSON string), `GET /v1/models`, and OpenAI's error
 * envelopes: 401 invalid_api_key, 404 model_not_found, 429 with retry-after, 500,
 * a 400 for servers that refuse `tool_choice`, and a hang for timeouts. Every
 * request body is recorded so tests can assert what Charla sent.
 *   const ai = new OpenAiFake({ apiKey: "sk-test" }); const base = await ai.start();
 *   ai.next({ text: "Hola" }); ai.next({ toolCall: { name: "handoff_to_human", arguments: { reason: "x" } } });
 */

export type Behaviour =
  | { text: string; delayMs?: number; /** Token counts to report instead of the estimate. */ usage?: { prompt_tokens: number; completion_tokens: number } }
  | { toolCall: { name: string; arguments: Record<string, unknown> }; text?: string }
  | { error: 400 | 401 | 404 | 429 | 500; message?: string; code?: string; type?: string }
  | { hang: true };

export interface RecordedRequest {
  path: string;
  authorization: string | null;
  body: Record<string, unknown>;
  at: number;
}

export class OpenAiFake {
  readonly requests: RecordedRequest[] = [];
  private readonly script: Behaviour[] = [];
  private server: ReturnType<typeof Bun.serve> | null = null;
  private readonly hanging = new Set<() => void>();
  /** What an unscripted request answers. */
  fallback: (body: Record<string, unknown>) => Behaviour = () => ({ text: "Con gusto le ayudo." });
  /** Models /v1/models lists and completions accept. */
  models = ["gpt-4o-mini", "llama3.1"];
  /** Servers like vLLM without --enable-auto-tool-choice refuse tool_choice with a 400. */
  refuseToolChoice = false;

  constructor(private readonly opts: { apiKey?: string } = {}) {}

  async start(): Promise<string> {
    this.server = Bun.serve({ port: 0, hostname: "127.0.0.1", idleTimeout: 0, fetch: (req) => this.handle(req) });
    return `http://127.0.0.1:${this.server.port}/v1`;
  }

  async stop(): Promise<void> {
    for (const release of this.hanging) release();
    this.hanging.clear();
    await this.server?.stop(true);
  }

  /** The next request answers like this (in order; then the fallback). */
  next(...b: Behaviour[]): void {
    this.script.push(...b);
  }

  completions(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === "/v1/chat/completions");
  }

  async waitForRequests(n: number, timeoutMs = 5000): Promise<RecordedRequest[]> {
    const until = Date.now() + timeoutMs;
    while (this.completions().length < n) {
      if (Date.now() > until) throw new Error(`expected ${n} completion requests, got ${this.completions().length}`);
      await Bun.sleep(5);
    }
    return this.completions();
  }

  private async handle(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    const authorization = req.headers.get("authorization");
    if (this.opts.apiKey && authorization !== `Bearer ${this.opts.apiKey}`) {
      if (req.method === "POST") this.requests.push({ path, authorization, body: await req.json().catch(() => ({})), at: Date.now() });
      return error(401, "Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_api_key", "invalid_request_error");
    }
    if (req.method === "GET" && path === "/v1/models") {
      return Response.json({ object: "list", data: this.models.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "fake" })) });
    }
    if (req.method !== "POST" || path !== "/v1/chat/completions") return error(404, `Unknown request URL: ${req.method} ${path}`, "unknown_url", "invalid_request_error");
    const body = (await req.json()) as Record<string, unknown>;
    this.requests.push({ path, authorization, body, at: Date.now() });
    if (!this.models.includes(String(body.model))) {
      return error(404, `The model \`${String(body.model)}\` does not exist or you do not have access to it.`, "model_not_found", "invalid_request_error");
    }
    if (this.refuseToolChoice && body.tool_choice !== undefined) {
      return error(400, '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set', null, "BadRequestError");
    }
    const b = this.script.shift() ?? this.fallback(body);
    if ("hang" in b) {
      return new Promise<Response>((resolve) => {
        const release = () => resolve(new Response("", { status: 504 }));
        this.hanging.add(release);
        req.signal.addEventListener("abort", () => {
          this.hanging.delete(release);
          release();
        });
      });
    }
    if ("error" in b) {
      const headers: Record<string, string> = b.error === 429 ? { "retry-after-ms": "10", "x-should-retry": "false" } : { "x-should-retry": "false" };
      const defaults: Record<number, [string, string, string]> = {
        400: ["Invalid request", "invalid_request", "invalid_request_error"],
        401: ["Incorrect API key provided.", "invalid_api_key", "invalid_request_error"],
        404: ["Not found", "model_not_found", "invalid_request_error"],
        429: ["Rate limit reached for gpt-4o-mini in organization org-test on tokens per min (TPM).", "rate_limit_exceeded", "tokens"],
        500: ["The server had an error while processing your request.", "server_error", "server_error"],
      };
      const [m, c, t] = defaults[b.error]!;
      return error(b.error, b.message ?? m, b.code ?? c, b.type ?? t, headers);
    }
    if ("delayMs" in b && b.delayMs) await Bun.sleep(b.delayMs);
    const text = "text" in b ? (b.text ?? "") : "";
    const toolCall = "toolCall" in b ? b.toolCall : null;
    const given = "usage" in b ? b.usage : undefined;
    const promptTokens = given?.prompt_tokens ?? Math.ceil(JSON.stringify(body.messages ?? []).length / 4);
    const completionTokens = given?.completion_tokens ?? Math.max(1, Math.ceil(text.length / 4) + (toolCall ? 12 : 0));
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const id = `chatcmpl-${this.requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const model = String(body.model);
    if (body.stream) return this.stream(id, created, model, text, usage, (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true);
    const message: Record<string, unknown> = { role: "assistant", content: toolCall ? text || null : text, refusal: null };
    if (toolCall) message.tool_calls = [{ id: `call_${this.requests.length}`, type: "function", function: { name: toolCall.name, arguments: JSON.stringify(toolCall.arguments) } }];
    return Response.json({
      id,
      object: "chat.completion",
      created,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: toolCall ? "tool_calls" : "stop" }],
      usage,
      system_fingerprint: "fp_fake",
    });
  }

  /** SSE as OpenAI sends it: role first, content in pieces, the finish, usage last (when asked), [DONE]. */
  private stream(id: string, created: number, model: string, text: string, usage: Record<string, number>, includeUsage: boolean): Response {
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_fake", choices, ...extra })}\n\n`;
    const pieces = text.match(/.{1,6}/gsu) ?? [];
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode(chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }])));
        for (const p of pieces) {
          controller.enqueue(encoder.encode(chunk([{ index: 0, delta: { content: p }, finish_reason: null }])));
          await Bun.sleep(2);
        }
        controller.enqueue(encoder.encode(chunk([{ index: 0, delta: {}, finish_reason: "stop" }])));
        if (includeUsage) controller.enqueue(encoder.encode(chunk([], { usage })));
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        controller.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
  }
}

function error(status: number, message: string, code: string | null, type: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { message, type, param: null, code } }, { status, headers });
}
