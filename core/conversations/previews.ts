import type { InboundContent } from "../channels/contract.ts";

/** Storage shape of normalized inbound content: the text column (searchable) and kind-specific JSON. */
export function storedContent(content: InboundContent): { kind: string; text: string | null; payload: Record<string, unknown> | null } {
  switch (content.kind) {
    case "text":
      return { kind: "text", text: content.text, payload: null };
    case "media":
      return {
        kind: "media",
        text: content.caption ?? null,
        payload: { mediaType: content.mediaType, ref: content.ref, filename: content.filename ?? null },
      };
    case "location":
      return { kind: "location", text: content.name ?? content.address ?? null, payload: { ...content } };
    case "contacts":
      return { kind: "contacts", text: content.contacts.map((c) => c.name).join(", "), payload: { contacts: content.contacts } };
    case "interactive_reply":
      return { kind: "interactive_reply", text: content.title, payload: { id: content.id } };
    case "reaction":
      return { kind: "reaction", text: content.emoji, payload: { target: content.targetExternalId } };
    case "unsupported":
      return { kind: "unsupported", text: null, payload: { raw: content.raw } };
  }
}

/** One line for the inbox list; language-neutral symbols where there is no text. */
export function preview(kind: string, text: string | null, payload: Record<string, unknown> | null): string {
  const t = (text ?? "").replace(/\s+/g, " ").trim();
  const label: Record<string, string> = {
    media: `📎 ${String(payload?.mediaType ?? "")}`.trim(),
    location: "📍",
    contacts: "👤",
    reaction: "",
    unsupported: "⚠",
    template: "📄",
  };
  const head = label[kind] ?? "";
  return `${head}${head && t ? " " : ""}${t}`.slice(0, 140);
}
