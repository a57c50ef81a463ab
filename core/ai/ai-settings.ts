/** A company's AI settings (ai_settings); the API key stays sealed, shown masked. */
export interface AiSettings {
  companyId: number;
  enabled: boolean;
  provider: string;
  baseUrl: string;
  model: string;
  apiKeySealed: string | null;
  instructions: string;
  knowledge: string;
  /** The canned responses are part of the knowledge. */
  includeResponses: boolean;
  temperature: number;
  maxTokens: number;
  /** Tokens (prompt + completion) a month; 0: no limit. */
  monthlyTokenBudget: number;
  /** AI answers in one conversation before it goes to a person. */
  maxTurns: number;
  /** What the customer reads when the AI hands them to a person (empty: the default, in Spanish). */
  handoffMessage: string;
  updatedAt: number;
}

export interface AiSettingsInput {
  enabled: boolean;
  baseUrl: string;
  model: string;
  /** undefined: keep the stored key; "": remove it. */
  apiKey?: string;
  instructions: string;
  knowledge: string;
  includeResponses: boolean;
  temperature: number;
  maxTokens: number;
  monthlyTokenBudget: number;
  maxTurns: number;
  handoffMessage: string;
}

export const AI_DEFAULTS: Omit<AiSettings, "companyId" | "updatedAt"> = {
  enabled: false,
  provider: "chatgpt",
  baseUrl: "https://api.openai.com/v1",
  model: "gpt-4o-mini",
  apiKeySealed: null,
  instructions: "",
  knowledge: "",
  includeResponses: false,
  temperature: 0.3,
  maxTokens: 400,
  monthlyTokenBudget: 0,
  maxTurns: 6,
  handoffMessage: "",
};
