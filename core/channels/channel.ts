export type ChannelStatus = "active" | "needs_attention" | "disabled";

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
  createdAt: number;
}

export interface ChannelInput {
  name: string;
  queueId: number | null;
  reopenWindowMinutes: number;
  /** Raw values from the form or the API (not yet known to be an object); validated against the plugin's configSchema. */
  config: unknown;
}
