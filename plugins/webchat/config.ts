import type { JsonSchema, PluginLogger } from "../../core/channels/contract.ts";

/** What an admin may set on a web chat channel; every field is optional. */
export interface WebchatConfig {
  title?: string;
  welcomeMessage?: string;
  welcomeMessageEn?: string;
  askName?: boolean;
  askPhone?: boolean;
  color?: string;
  allowedOrigins?: string;
}

export const DEFAULT_COLOR = "#0f766e";
const COLOR = /^#[0-9a-fA-F]{6}$/;

/** "https://a.com, http://b.com:8080" (a path-free origin each), or nothing. */
export const ORIGINS = /^\s*(https?:\/\/[^\s,;/]+\/?(\s*,\s*https?:\/\/[^\s,;/]+\/?)*)?\s*$/;

/**
 * JSON Schema the core renders the settings form from and validates with. Titles
 * are Spanish (the product's default language); `x-i18n` carries the English
 * wording for a form that wants it. Nothing here is secret.
 */
export const configSchema: JsonSchema = {
  type: "object",
  properties: {
    title: {
      type: "string",
      title: "Título de la ventana de chat",
      description: "Se muestra en la cabecera del chat.",
      default: "Chat",
      maxLength: 60,
      "x-i18n": { en: { title: "Chat window title", description: "Shown in the chat header." } },
    },
    welcomeMessage: {
      type: "string",
      title: "Mensaje de bienvenida",
      description: "Aparece al abrir el chat (visitantes en español). Vacío: «¡Hola! ¿En qué podemos ayudarle?».",
      maxLength: 500,
      "x-i18n": { en: { title: "Welcome message (Spanish)", description: "Shown to Spanish-speaking visitors when the chat opens. Empty: a default greeting." } },
    },
    welcomeMessageEn: {
      type: "string",
      title: "Mensaje de bienvenida en inglés",
      description: "Para visitantes con el navegador en inglés. Vacío: «Hi! How can we help you?».",
      maxLength: 500,
      "x-i18n": { en: { title: "Welcome message (English)", description: "For visitors whose browser is in English. Empty: a default greeting." } },
    },
    askName: {
      type: "boolean",
      title: "Pedir el nombre antes del primer mensaje",
      default: true,
      "x-i18n": { en: { title: "Ask for the name before the first message" } },
    },
    askPhone: {
      type: "boolean",
      title: "Pedir el teléfono antes del primer mensaje",
      default: false,
      "x-i18n": { en: { title: "Ask for the phone number before the first message" } },
    },
    color: {
      type: "string",
      title: "Color (#rrggbb)",
      description: "Color del botón y la cabecera.",
      default: DEFAULT_COLOR,
      pattern: COLOR.source,
      maxLength: 7,
      "x-error": { es: "Escriba el color como #1d4ed8 (# y seis cifras hexadecimales).", en: "Write the colour like #1d4ed8 (# and six hex digits)." },
      "x-i18n": { en: { title: "Colour (#rrggbb)", description: "Colour of the button and the header." } },
    },
    allowedOrigins: {
      type: "string",
      title: "Sitios que pueden insertar el chat",
      description: "Direcciones completas separadas por comas, p. ej. https://www.mitienda.com, https://mitienda.com. Vacío: cualquier sitio.",
      maxLength: 2000,
      pattern: ORIGINS.source,
      "x-error": {
        es: "Escriba cada sitio con https:// delante, p. ej. https://www.mitienda.com (separe varios con comas).",
        en: "Write each site with https:// in front, e.g. https://www.myshop.com (separate several with commas).",
      },
      "x-i18n": {
        en: { title: "Sites allowed to embed the chat", description: "Full addresses separated by commas, e.g. https://www.myshop.com, https://myshop.com. Empty: any site." },
      },
    },
  },
  required: [],
};

/** The config with defaults applied and origins normalised, as the instance uses it. */
export interface ResolvedConfig {
  title: string;
  /** By the visitor's language; null: the default greeting. */
  welcome: { es: string | null; en: string | null };
  askName: boolean;
  askPhone: boolean;
  color: string;
  /** Normalised origins ("https://shop.example"); empty means any site may embed. */
  allowedOrigins: string[];
}

export function resolveConfig(config: WebchatConfig, logger: PluginLogger): ResolvedConfig {
  const text = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim() : null);
  return {
    title: text(config.title) ?? "Chat",
    welcome: { es: text(config.welcomeMessage), en: text(config.welcomeMessageEn) },
    askName: typeof config.askName === "boolean" ? config.askName : true,
    askPhone: typeof config.askPhone === "boolean" ? config.askPhone : false,
    // The colour lands in a style attribute and the widget script: only a strict #rrggbb passes.
    color: typeof config.color === "string" && COLOR.test(config.color.trim()) ? config.color.trim() : DEFAULT_COLOR,
    allowedOrigins: parseOrigins(config.allowedOrigins ?? "", logger),
  };
}

/**
 * Origins are normalised through URL so a value can never smuggle extra CSP
 * directives (";" or spaces) into the frame-ancestors header.
 */
export function parseOrigins(raw: string, logger?: PluginLogger): string[] {
  const out = new Set<string>();
  for (const part of raw.split(/[\s,]+/)) {
    if (!part) continue;
    try {
      const url = new URL(part);
      if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("not http(s)");
      out.add(url.origin);
    } catch {
      logger?.warn("web chat: ignoring an allowed origin that is not a URL", { origin: part });
    }
  }
  return [...out];
}
