import type { JsonSchema, PluginContext, PluginLogger } from "../../core/channels/contract.ts";
import { resolveGraphConfig, type GraphConfig } from "../meta-common/graph-config.ts";
import { DIGITS, metaAppSchemaFields, type MetaAppConfig } from "../meta-common/schema-fields.ts";

/** What an admin sets on a WhatsApp Cloud API channel (values arrive trimmed by the core). */
export interface WhatsAppCloudConfig extends MetaAppConfig {
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
}

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
      "x-error": { es: "El id del número son solo dígitos (no es el número de teléfono): cópielo de WhatsApp → Configuración de la API.", en: "The phone number ID is digits only (it is not the phone number): copy it from WhatsApp → API Setup." },
      "x-i18n": { en: { title: "Phone number ID", description: "App Dashboard → WhatsApp → API Setup. Not the phone number itself." } },
    },
    wabaId: {
      type: "string",
      title: "Identificador de la cuenta de WhatsApp Business (WABA ID)",
      description: "Se usa para listar las plantillas de mensajes aprobadas.",
      pattern: DIGITS.source,
      maxLength: 32,
      "x-error": { es: "El id de la cuenta de WhatsApp Business son solo dígitos.", en: "The WhatsApp Business Account ID is digits only." },
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
    ...metaAppSchemaFields,
  },
  required: ["phoneNumberId", "wabaId", "accessToken", "appSecret"],
};

/** The config as the instance uses it: strings present, Graph base without a trailing slash. */
export interface ResolvedConfig extends GraphConfig {
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
}

/** Per-channel graphUrl / graphVersion override the platform defaults (META_GRAPH_URL / META_GRAPH_VERSION). */
export function resolveConfig(config: Partial<WhatsAppCloudConfig>, platform: PluginContext["platform"], logger?: PluginLogger): ResolvedConfig {
  const text = (v: unknown): string => (typeof v === "string" ? v.trim() : "");
  const graph = resolveGraphConfig(config, platform, logger, "whatsapp-cloud");
  return {
    phoneNumberId: text(config.phoneNumberId),
    wabaId: text(config.wabaId),
    accessToken: text(config.accessToken),
    appSecret: text(config.appSecret),
    verifyToken: text(config.verifyToken),
    ...graph,
  };
}
