import type { JsonSchema, PluginContext, PluginLogger } from "../../core/channels/contract.ts";
import { resolveGraphConfig, type GraphConfig } from "../meta-common/graph-config.ts";
import { DIGITS, metaAppSchemaFields, type MetaAppConfig } from "../meta-common/schema-fields.ts";

/** What an admin sets on a Messenger channel (values arrive trimmed by the core). */
export interface MessengerConfig extends MetaAppConfig {
  pageId: string;
  pageAccessToken: string;
}

/**
 * Titles are Spanish (the product's default language); `x-i18n` carries the English
 * wording. Secrets are sealed at rest and never shown again by the core.
 * Where each value lives: https://developers.facebook.com/docs/messenger-platform/getting-started/app-setup
 */
export const configSchema: JsonSchema = {
  type: "object",
  properties: {
    pageId: {
      type: "string",
      title: "Identificador de la página de Facebook (Page ID)",
      description: "Página → Información → Transparencia de la página, o App Dashboard → Messenger → Configuración.",
      pattern: DIGITS.source,
      maxLength: 32,
      "x-error": { es: "El id de la página son solo dígitos (no es su nombre ni su dirección).", en: "The Page ID is digits only (not its name or address)." },
      "x-i18n": { en: { title: "Facebook Page ID", description: "Page → About → Page transparency, or App Dashboard → Messenger → Settings." } },
    },
    pageAccessToken: {
      type: "string",
      title: "Token de acceso de la página",
      description: "Token de la página con los permisos pages_messaging y pages_manage_metadata.",
      secret: true,
      maxLength: 1000,
      "x-i18n": { en: { title: "Page access token", description: "Page token with the pages_messaging and pages_manage_metadata permissions." } },
    },
    ...metaAppSchemaFields,
  },
  required: ["pageId", "pageAccessToken", "appSecret"],
};

/** The config as the instance uses it: strings present, Graph base without a trailing slash. */
export interface ResolvedConfig extends GraphConfig {
  pageId: string;
  pageAccessToken: string;
  appSecret: string;
  /** Empty: no handshake can succeed (the core normally generates one). */
  verifyToken: string;
}

/** Per-channel graphUrl / graphVersion override the platform defaults (META_GRAPH_URL / META_GRAPH_VERSION). */
export function resolveConfig(config: Partial<MessengerConfig>, platform: PluginContext["platform"], logger?: PluginLogger): ResolvedConfig {
  const graph = resolveGraphConfig(config, platform, logger, "messenger");
  const resolved: ResolvedConfig = {
    pageId: text(config.pageId),
    pageAccessToken: text(config.pageAccessToken),
    appSecret: text(config.appSecret),
    verifyToken: text(config.verifyToken),
    ...graph,
  };
  // The core validates against configSchema before create(); this guards direct callers.
  const missing = (["pageId", "pageAccessToken", "appSecret"] as const).filter((k) => !resolved[k]);
  if (missing.length) throw new Error(`messenger: missing ${missing.join(", ")}`);
  if (!DIGITS.test(resolved.pageId)) throw new Error("messenger: pageId must be digits");
  return resolved;
}

export function text(v: unknown): string {
  return typeof v === "string" ? v.trim() : "";
}
