/** Visitor-facing text of the web chat. Spanish is the default language. */
export type Lang = "es" | "en";

const es = {
  welcome: "¡Hola! ¿En qué podemos ayudarle?",
  conversation: "Conversación",
  prechatIntro: "Antes de empezar, cuéntenos quién es.",
  name: "Su nombre",
  phone: "Su teléfono",
  phoneHint: "Por ejemplo: +34 600 123 456",
  message: "Escriba un mensaje…",
  send: "Enviar",
  close: "Cerrar el chat",
  noscript: "Active JavaScript para usar el chat.",
  nobodyOnline: "En este momento no hay asesores conectados. Déjenos su mensaje: le responderemos apenas sea posible.",
  // Strings below are used by chat.js.
  sending: "Enviando…",
  sent: "Enviado",
  failed: "No enviado",
  retry: "Reintentar",
  rateLimited: "Está enviando mensajes muy rápido. Espere un momento y vuelva a intentarlo.",
  sendError: "No pudimos enviar su mensaje. Revíselo y vuelva a intentarlo.",
  sessionError: "Su sesión de chat caducó. Recargue la página para seguir.",
  sessionBlocked: "Este sitio no permite que el chat guarde su sesión (el navegador bloquea las cookies del chat sin HTTPS). Abra el chat en una pestaña nueva para escribirnos.",
  openInTab: "Abrir el chat en una pestaña",
  read: "Leído",
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
  nobodyOnline: "Nobody is online right now. Leave us your message: we will answer as soon as we can.",
  sending: "Sending…",
  sent: "Sent",
  failed: "Not sent",
  retry: "Retry",
  rateLimited: "You are sending messages too fast. Wait a moment and try again.",
  sendError: "We could not send your message. Check it and try again.",
  sessionError: "Your chat session expired. Reload the page to continue.",
  sessionBlocked: "This site does not let the chat keep your session (the browser blocks the chat's cookies without HTTPS). Open the chat in a new tab to write to us.",
  openInTab: "Open the chat in a tab",
  read: "Read",
  offline: "Offline. Reconnecting…",
  attachment: "Attachment",
};

export type Strings = typeof es;
export const STRINGS: Record<Lang, Strings> = { es, en };

/** The keys chat.js needs, passed to it in a data attribute. */
export const SCRIPT_KEYS = ["sending", "sent", "failed", "retry", "rateLimited", "sendError", "sessionError", "sessionBlocked", "openInTab", "read", "offline", "attachment"] as const;

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
