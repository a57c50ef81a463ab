import type { JsonSchema, PluginContext, PluginLogger } from "../../core/channels/contract.ts";

/** What an admin sets on a WhatsApp Cloud API channel (values arrive trimmed by the core). */
export interface WhatsAppCloudConfig {
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
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
 * Where each value lives in Meta's App Dashboard:
 * https://developers.facebook.com/docs/whatsapp/cloud-api/get-started
 */
export const configSchema: JsonSchema = {
  type: "object",
  properties: {
    phoneNumberId: {
      type: "string",
      title: "Identificador del número de teléfono (Phone number ID)",
      description: "App Dashboard → WhatsApp → Configuración de la API. No es el número en sí.",
      pattern: DIGITS.source,
      maxLength: 32,
      "x-i18n": { en: { title: "Phone number ID", description: "App Dashboard → WhatsApp → API Setup. Not the phone number itself." } },
    },
    wabaId: {
      type: "string",
      title: "Identificador de la cuenta de WhatsApp Business (WABA ID)",
      description: "Se usa para listar las plantillas de mensajes aprobadas.",
      pattern: DIGITS.source,
      maxLength: 32,
      "x-i18n": { en: { title: "WhatsApp Business Account ID (WABA ID)", description: "Used to list the approved message templates." } },
    },
    accessToken: {
      type: "string",
      title: "Token de acceso",
      description: "Token permanente de un usuario del sistema con permiso whatsapp_business_messaging.",
      secret: true,
      maxLength: 1000,
      "x-i18n": { en: { title: "Access token", description: "Permanent system-user token with the whatsapp_business_messaging permission." } },
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
  required: ["phoneNumberId", "wabaId", "accessToken", "appSecret"],
};

/** The config as the instance uses it: strings present, Graph base without a trailing slash. */
export interface ResolvedConfig {
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  graphBase: string;
  graphVersion: string;
}

/** Per-channel graphUrl / graphVersion override the platform defaults (META_GRAPH_URL / META_GRAPH_VERSION). */
export function resolveConfig(config: Partial<WhatsAppCloudConfig>, platform: PluginContext["platform"], logger?: PluginLogger): ResolvedConfig {
  const text = (v: unknown): string => (typeof v === "string" ? v.trim() : "");
  let graphBase = text(config.graphUrl);
  if (graphBase && !isHttpUrl(graphBase)) {
    logger?.warn("whatsapp-cloud: graphUrl is not an http(s) URL, using the platform default", { graphUrl: graphBase });
    graphBase = "";
  }
  let graphVersion = text(config.graphVersion);
  if (graphVersion && !GRAPH_VERSION.test(graphVersion)) {
    logger?.warn("whatsapp-cloud: graphVersion is not like v24.0, using the platform default", { graphVersion });
    graphVersion = "";
  }
  return {
    phoneNumberId: text(config.phoneNumberId),
    wabaId: text(config.wabaId),
    accessToken: text(config.accessToken),
    appSecret: text(config.appSecret),
    verifyToken: text(config.verifyToken),
    graphBase: (graphBase || platform.metaGraphUrl).replace(/\/+$/, ""),
    graphVersion: graphVersion || platform.metaGraphVersion,
  };
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}
