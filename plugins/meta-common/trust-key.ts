import { createHash } from "node:crypto";

/**
 * A ChannelPlugin `trustKey` from the app secret. Channels of the same Meta app share
 * its secret, so a webhook signed for one is genuine for all of them. Only a hash
 * leaves the plugin: the secret itself never does. null without a secret.
 */
export function appSecretTrustKey(appSecret: unknown): string | null {
  const secret = typeof appSecret === "string" ? appSecret.trim() : "";
  return secret ? createHash("sha256").update(secret).digest("hex") : null;
}
