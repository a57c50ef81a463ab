/**
 * The contract between Charla and an AI provider plugin (plugins/chatgpt is the
 * first; an Anthropic or local-server plugin would implement the same). Types only,
 * like the channel contract: a plugin imports nothing else from core.
 */

/** The apiVersion this Charla speaks (a plugin writes the number in its manifest). */
export const AI_API_VERSION = 1;

export interface AiProviderManifest {
  id: string;
  name: string;
  version: string;
  apiVersion: number;
  /** Plugins of this kind are AI providers, not channels. */
  kind: "ai";
}

/** The company's settings the provider needs (the key already unsealed). */
export interface AiConnection {
  baseUrl: string;
  apiKey: string;
  model: string;
  /** Milliseconds before a call gives up (the caller then hands off). */
  timeoutMs: number;
}

export interface AiTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface AiMessage {
  role: "user" | "assistant";
  content: string;
}

export interface AiRequest {
  system: string;
  messages: AiMessage[];
  tools?: AiTool[];
  maxTokens: number;
  temperature: number;
}

export interface AiUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface AiResult {
  text: string;
  /** The model asked for a tool instead of (or besides) answering. */
  toolCall: { name: string; arguments: Record<string, unknown> } | null;
  usage: AiUsage;
  model: string;
  /** What the provider needed to answer (a fallback it had to take), for "Probar". */
  notes: string[];
}

/** Why a call failed, in terms the core acts on; `message` is the provider's own words. */
export type AiErrorCode = "auth" | "rate_limited" | "quota" | "timeout" | "unavailable" | "not_found" | "bad_request";

export interface AiFailure {
  code: AiErrorCode;
  message: string;
}

/** A provider answers with a result or a failure; it never throws (like channel sends). */
export type AiOutcome = ({ ok: true } & AiResult) | { ok: false; error: AiFailure };

export interface AiProvider {
  /** One answer (tools allowed). */
  complete(req: AiRequest): Promise<AiOutcome>;
  /** An answer streamed a piece at a time (no tools); resolves with the whole of it. */
  stream(req: AiRequest, onDelta: (text: string) => void): Promise<AiOutcome>;
}

export interface AiProviderPlugin {
  manifest: AiProviderManifest;
  create(connection: AiConnection): AiProvider;
}
