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
  status: ChannelStatus;
  statusReason: string | null;
  createdAt: number;
}

export interface ChannelInput {
  name: string;
  queueId: number | null;
  reopenWindowMinutes: number;
  /** Raw values from the form or the API; validated against the plugin's configSchema. */
  config: Record<string, unknown>;
}
