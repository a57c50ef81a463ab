import { normalizeKey } from "../responses/key-norm.ts";

/**
 * "Quiero hablar con un asesor", "pásame con una persona", "agente", "I want a
 * human": the customer asks for a person, and gets one without asking the model
 * (the model's hand-off tool catches the rest).
 */
const WORDS = ["asesor", "asesora", "agente", "humano", "humana", "operador", "operadora", "representante", "human", "agent", "representative", "operator"];
const PHRASES = [
  /\b(hablar|comunicar(me)?|pasar(me)?|pasame|atender(me)?|atienda|contactar|quiero|necesito|comuniqueme|comunicame)\b.{0,30}\b(persona|alguien|gente|ser humano)\b/,
  /\b(talk|speak|chat|connect|transfer)\b.{0,25}\b(person|someone|somebody|people|staff)\b/,
  /\breal person\b|\bpersona real\b/,
];

export function asksForPerson(text: string): boolean {
  const t = normalizeKey(text);
  if (!t || t.length > 300) return false;
  const words = new Set(t.split(" "));
  return WORDS.some((w) => words.has(w)) || PHRASES.some((p) => p.test(t));
}
