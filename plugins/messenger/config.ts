import type { JsonSchema, PluginContext, PluginLogger } from "../../core/channels/contract.ts";

/** What an admin sets on a Messenger channel (values arrive trimmed by the core). */
export interface MessengerConfig {
  pageId: string;
  pageAccessToken: string;
  appSecret: string;
  verifyToken?: string;
  graphUrl?: string;
  graphVersion?: string;
}

const DIGITS = /^\d+$/;
const GRAPH_VERSION = /^v\d+\.\d+$/;
const HTTP_URL = /^https?:\/\/\S+$/;

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
    appSecret: {
      type: "string",
      title: "Clave secreta de la app (App secret)",
      description: "App Dashboard → Configuración → Básica. Verifica la firma de cada webhook.",
      secret: true,
      maxLength: 200,
      "x-i18n": { en: { title: "App secret", description: "App Dashboard → Settings → Basic. Verifies every webhook's signature." } },
    },
    verifyToken: {
      type: "string",
      title: "Token de verificación del webhook",
      description: "Pégalo en Meta junto a la URL del webhook. Vacío: se genera uno.",
      generate: "token",
      maxLength: 200,
      "x-i18n": { en: { title: "Webhook verify token", description: "Paste it in Meta next to the webhook URL. Empty: one is generated." } },
    },
    graphUrl: {
      type: "string",
      title: "URL de la Graph API (opcional)",
      description: "Vacío: la de la plataforma (META_GRAPH_URL).",
      pattern: HTTP_URL.source,
      maxLength: 300,
      "x-i18n": { en: { title: "Graph API URL (optional)", description: "Empty: the platform's (META_GRAPH_URL)." } },
    },
    graphVersion: {
      type: "string",
      title: "Versión de la Graph API (opcional)",
      description: "Por ejemplo v24.0. Vacío: la de la plataforma (META_GRAPH_VERSION).",
      pattern: GRAPH_VERSION.source,
      maxLength: 10,
      "x-i18n": { en: { title: "Graph API version (optional)", description: "E.g. v24.0. Empty: the platform's (META_GRAPH_VERSION)." } },
    },
  },
  required: ["pageId", "pageAccessToken", "appSecret"],
};

/** The config as the instance uses it: strings present, Graph base without a trailing slash. */
export interface ResolvedConfig {
  pageId: string;
  pageAccessToken: string;
  appSecret: string;
  /** Empty: no handshake can succeed (the core normally generates one). */
  verifyToken: string;
  graphBase: string;
  graphVersion: string;
}

/** Per-channel graphUrl / graphVersion override the platform defaults (META_GRAPH_URL / META_GRAPH_VERSION). */
export function resolveConfig(config: Partial<MessengerConfig>, platform: PluginContext["platform"], logger?: PluginLogger): ResolvedConfig {
  let graphBase = text(config.graphUrl);
  if (graphBase && !isHttpUrl(graphBase)) {
    logger?.warn("messenger: graphUrl is not an http(s) URL, using the platform default", { graphUrl: graphBase });
    graphBase = "";
  }
  let graphVersion = text(config.graphVersion);
  if (graphVersion && !GRAPH_VERSION.test(graphVersion)) {
    logger?.warn("messenger: graphVersion is not like v24.0, using the platform default", { graphVersion });
    graphVersion = "";
  }
  const resolved: ResolvedConfig = {
    pageId: text(config.pageId),
    pageAccessToken: text(config.pageAccessToken),
    appSecret: text(config.appSecret),
    verifyToken: text(config.verifyToken),
    graphBase: (graphBase || platform.metaGraphUrl).replace(/\/+$/, ""),
    graphVersion: graphVersion || platform.metaGraphVersion,
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

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}
