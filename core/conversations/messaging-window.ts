import type { PluginManifest } from "../channels/contract.ts";

/**
 * What may be sent to a customer now, from the channel's window rules
 * (WhatsApp: free-form only within 24 h of the customer's last message, else
 * approved templates; Messenger: 24 h, then a person may answer with the
 * HUMAN_AGENT tag for up to 7 days).
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#customer-service-windows
 */
export type WindowState =
  | { kind: "none" } // the channel has no window (web chat)
  | { kind: "open"; closesAt: number }
  | { kind: "human_agent"; closesAt: number }
  | { kind: "templates_only" }
  | { kind: "closed" };

export function windowState(manifest: PluginManifest, lastInboundAt: number | null, now: number): WindowState {
  const hours = manifest.messagingWindowHours;
  if (!hours) return { kind: "none" };
  const h = 3_600_000;
  if (lastInboundAt !== null && now < lastInboundAt + hours * h) return { kind: "open", closesAt: lastInboundAt + hours * h };
  const human = manifest.humanAgentWindowHours;
  if (human && lastInboundAt !== null && now < lastInboundAt + human * h) return { kind: "human_agent", closesAt: lastInboundAt + human * h };
  return manifest.capabilities.includes("templates") ? { kind: "templates_only" } : { kind: "closed" };
}

/** Free text (and files) may go out. */
export function allowsFreeText(w: WindowState): boolean {
  return w.kind === "none" || w.kind === "open" || w.kind === "human_agent";
}

export function allowsTemplates(manifest: PluginManifest, w: WindowState): boolean {
  return manifest.capabilities.includes("templates") && w.kind !== "closed";
}
