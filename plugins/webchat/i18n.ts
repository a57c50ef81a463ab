/** Visitor-facing text of the web chat. Spanish is the default language. */
export type Lang = "es" | "en";

const es = {
  welcome: "¡Hola! ¿En qué podemos ayudarte?",
  conversation: "Conversación",
  prechatIntro: "Antes de empezar, cuéntanos quién eres.",
  name: "Tu nombre",
  phone: "Tu teléfono",
  phoneHint: "Por ejemplo: +34 600 123 456",
  message: "Escribe un mensaje…",
  send: "Enviar",
  close: "Cerrar el chat",
  noscript: "Activa JavaScript para usar el chat.",
  // Strings below are used by chat.js.
  sending: "Enviando…",
  sent: "Enviado",
  failed: "No enviado",
  retry: "Reintentar",
  rateLimited: "Estás enviando mensajes muy rápido. Espera un momento y vuelve a intentarlo.",
  sendError: "No pudimos enviar tu mensaje. Revísalo y vuelve a intentarlo.",
  sessionError: "Tu sesión de chat caducó. Recarga la página para seguir.",
  offline: "Sin conexión. Reconectando…",
  attachment: "Archivo adjunto",
};

const en: typeof es = {
  welcome: "Hi! How can we help you?",
  conversation: "Conversation",
  prechatIntro: "Before we start, tell us who you are.",
  name: "Your name",
  phone: "Your phone",
  phoneHint: "For example: +1 555 123 4567",
  message: "Type a message…",
  send: "Send",
  close: "Close the chat",
  noscript: "Turn on JavaScript to use the chat.",
  sending: "Sending…",
  sent: "Sent",
  failed: "Not sent",
  retry: "Retry",
  rateLimited: "You are sending messages too fast. Wait a moment and try again.",
  sendError: "We could not send your message. Check it and try again.",
  sessionError: "Your chat session expired. Reload the page to continue.",
  offline: "Offline. Reconnecting…",
  attachment: "Attachment",
};

export type Strings = typeof es;
export const STRINGS: Record<Lang, Strings> = { es, en };

/** The keys chat.js needs, passed to it in a data attribute. */
export const SCRIPT_KEYS = ["sending", "sent", "failed", "retry", "rateLimited", "sendError", "sessionError", "offline", "attachment"] as const;

/** Spanish or English by the visitor's Accept-Language preference (q-values honoured); Spanish otherwise. */
export function pickLang(acceptLanguage: string | null): Lang {
  const prefs = (acceptLanguage ?? "")
    .split(",")
    .map((part, i) => {
      const [tag = "", ...params] = part.trim().toLowerCase().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) || 0 : 1, i };
    })
    .filter((p) => p.tag && p.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of prefs) {
    if (tag === "es" || tag.startsWith("es-")) return "es";
    if (tag === "en" || tag.startsWith("en-")) return "en";
  }
  return "es";
}
