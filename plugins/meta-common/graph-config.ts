import type { PluginContext, PluginLogger } from "../../core/channels/contract.ts";

/**
 * Graph API versions are named `v<major>.<minor>` (v24.0) and appear in every call's path.
 * https://developers.facebook.com/docs/graph-api/guides/versioning
 */
export const GRAPH_VERSION = /^v\d+\.\d+$/;
export const HTTP_URL = /^https?:\/\/\S+$/;

/** Where a channel's Graph calls go: `{graphBase}/{graphVersion}/...`. */
export interface GraphConfig {
  /** e.g. https://graph.facebook.com, without a trailing slash. */
  graphBase: string;
  /** e.g. v24.0 */
  graphVersion: string;
}

/**
 * Per-channel graphUrl / graphVersion override the platform defaults (META_GRAPH_URL /
 * META_GRAPH_VERSION). A value that is not usable is logged (prefixed with the plugin's
 * id) and the platform's is used instead, so a typo never takes a channel down.
 */
export function resolveGraphConfig(
  config: { graphUrl?: unknown; graphVersion?: unknown },
  platform: PluginContext["platform"],
  logger: PluginLogger | undefined,
  pluginId: string,
): GraphConfig {
  let graphBase = text(config.graphUrl);
  if (graphBase && !isHttpUrl(graphBase)) {
    logger?.warn(`${pluginId}: graphUrl is not an http(s) URL, using the platform default`, { graphUrl: graphBase });
    graphBase = "";
  }
  let graphVersion = text(config.graphVersion);
  if (graphVersion && !GRAPH_VERSION.test(graphVersion)) {
    logger?.warn(`${pluginId}: graphVersion is not like v24.0, using the platform default`, { graphVersion });
    graphVersion = "";
  }
  return {
    graphBase: (graphBase || platform.metaGraphUrl).replace(/\/+$/, ""),
    graphVersion: graphVersion || platform.metaGraphVersion,
  };
}

function text(v: unknown): string {
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
