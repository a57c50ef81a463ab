import type { TemplateInfo } from "../../core/channels/contract.ts";
import { describeError } from "./errors.ts";
import type { GraphClient } from "./graph-client.ts";
import { obj, str } from "./parse-message.ts";

/** Enough for any real account (250 templates per WABA by default), and a stop against a cursor loop. */
const MAX_PAGES = 50;

/**
 * The account's message templates, every page.
 * https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/message_templates/
 * Paging uses the `after` cursor while `paging.next` says there is more; the `next`
 * URL itself is followed only when no cursor is given and it points at our Graph host.
 */
export async function listTemplates(graph: GraphClient, wabaId: string): Promise<TemplateInfo[]> {
  const out: TemplateInfo[] = [];
  let url: URL | null = graph.url(`${wabaId}/message_templates`, { limit: "100" });
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const res = await graph.get<{ data?: unknown; paging?: unknown }>(url);
    if (!res.ok) throw new Error(`WhatsApp templates: ${describeError(res.error)}`);
    for (const raw of Array.isArray(res.data.data) ? res.data.data : []) out.push(toTemplateInfo(raw));
    url = nextPage(url, obj(res.data.paging));
  }
  return out;
}

function nextPage(current: URL, paging: Record<string, unknown>): URL | null {
  const next = str(paging.next);
  if (!next) return null;
  const after = str(obj(paging.cursors).after);
  if (after) {
    const url = new URL(current);
    if (url.searchParams.get("after") === after) return null; // the same cursor again: stop
    url.searchParams.set("after", after);
    return url;
  }
  try {
    const url = new URL(next);
    // Our Bearer token only goes to the Graph host we were configured with.
    return url.origin === current.origin && url.href !== current.href ? url : null;
  } catch {
    return null;
  }
}

export function toTemplateInfo(raw: unknown): TemplateInfo {
  const t = obj(raw);
  const components = Array.isArray(t.components) ? t.components.map(obj) : [];
  const body = str(components.find((c) => String(c.type).toUpperCase() === "BODY")?.text, false) ?? "";
  return {
    name: str(t.name) ?? "",
    language: str(t.language) ?? "",
    category: str(t.category) ?? "",
    status: str(t.status) ?? "",
    body,
    parameterCount: parameterCount(body),
    raw,
  };
}

/**
 * Distinct placeholders: "{{1}} ... {{2}} ... {{1}}" takes 2. Named ones ({{first_name}},
 * parameter_format NAMED) count too, so the agent is asked for every value Meta will check.
 */
export function parameterCount(body: string): number {
  return new Set([...body.matchAll(/\{\{\s*([^{}\s]+)\s*\}\}/g)].map((m) => m[1])).size;
}
