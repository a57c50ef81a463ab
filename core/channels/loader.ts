import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../logger.ts";
import { PLUGIN_API_VERSION, type ChannelPlugin } from "./contract.ts";
import type { PluginRegistry } from "./registry.ts";

const ENTRY_FILES = ["index.js", "index.ts", "index.mjs"];

/**
 * Loads the built-in plugins, then every plugin in `dir` (a folder with an index
 * file, or a single .js/.ts file). A plugin that throws while importing, exports
 * no valid plugin, or clashes with a loaded id is logged and skipped: one broken
 * plugin never stops the appliance from starting.
 */
export async function loadPlugins(
  registry: PluginRegistry,
  builtins: readonly ChannelPlugin[],
  dir: string,
  logger: Logger,
): Promise<void> {
  for (const plugin of builtins) registry.add(plugin, "builtin", `builtin:${plugin.manifest.id}`);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const entry = entryOf(join(dir, name));
    if (!entry) continue;
    try {
      const mod = (await import(entry)) as Record<string, unknown>;
      const plugin = checkPlugin(mod.default ?? mod.plugin);
      registry.add(plugin, "external", entry);
      logger.info("plugin loaded", { plugin: plugin.manifest.id, version: plugin.manifest.version, from: entry });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      registry.fail(entry, error);
      logger.error("plugin skipped", { from: entry, error });
    }
  }
}

function entryOf(path: string): string | null {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return null;
  if (st.isFile()) return /\.(m?js|ts)$/.test(path) ? path : null;
  for (const f of ENTRY_FILES) if (existsSync(join(path, f))) return join(path, f);
  return null;
}

function checkPlugin(value: unknown): ChannelPlugin {
  const p = value as Partial<ChannelPlugin> | undefined;
  const m = p?.manifest;
  if (!p || !m) throw new Error("the module exports no plugin (default export or `plugin`)");
  if (typeof m.id !== "string" || !/^[a-z][a-z0-9-]{1,39}$/.test(m.id)) throw new Error("manifest.id must be lowercase kebab-case");
  if (typeof m.name !== "string" || !m.name) throw new Error(`plugin ${m.id}: manifest.name is required`);
  if (typeof m.version !== "string") throw new Error(`plugin ${m.id}: manifest.version is required`);
  if (m.apiVersion !== PLUGIN_API_VERSION) {
    throw new Error(`plugin ${m.id}: apiVersion ${String(m.apiVersion)} is not supported (this Charla speaks ${PLUGIN_API_VERSION})`);
  }
  if (!Array.isArray(m.capabilities)) throw new Error(`plugin ${m.id}: manifest.capabilities must be a list`);
  if (typeof p.create !== "function") throw new Error(`plugin ${m.id}: create(ctx, config) is missing`);
  if (!p.configSchema || typeof p.configSchema !== "object") throw new Error(`plugin ${m.id}: configSchema is missing`);
  return p as ChannelPlugin;
}
