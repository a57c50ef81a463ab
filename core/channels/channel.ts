export type ChannelStatus = "active" | "needs_attention" | "disabled";
/** When the company's AI answers this channel's customers first: never, always, or when nobody of its queue is online. */
export const AI_MODES = ["off", "always", "no_agents"] as const;
export type AiMode = (typeof AI_MODES)[number];

export interface Channel {
  id: number;
  companyId: number;
  pluginId: string;
  name: string;
  /** Non-secret settings. */
  config: Record<string, unknown>;
  /** Sealed JSON of the secret settings (see SecretBox), or null. */
  secretsSealed: string | null;
  queueId: number | null;
  reopenWindowMinutes: number;
  /** What the plugin reports about the account (token expired...), or disabled by an admin. */
  status: ChannelStatus;
  statusReason: string | null;
  /** The plugin itself failed (create or webhook handling threw); cleared by its next success. */
  pluginError: string | null;
  aiMode: AiMode;
  createdAt: number;
}

export interface ChannelInput {
  name: string;
  queueId: number | null;
  reopenWindowMinutes: number;
  /** Raw values from the form or the API (not yet known to be an object); validated against the plugin's configSchema. */
  config: unknown;
}
