import type { ChannelPlugin, PluginManifest } from "./contract.ts";

export type PluginSource = "builtin" | "external";

export interface LoadedPlugin {
  plugin: ChannelPlugin;
  source: PluginSource;
  /** File or folder it came from (external plugins). */
  origin: string;
}

export interface FailedPlugin {
  origin: string;
  error: string;
}

/** Every channel plugin this process can use, and those that failed to load. */
export class PluginRegistry {
  private readonly plugins = new Map<string, LoadedPlugin>();
  private readonly failures: FailedPlugin[] = [];

  add(plugin: ChannelPlugin, source: PluginSource, origin: string): void {
    const id = plugin.manifest.id;
    if (this.plugins.has(id)) throw new Error(`a plugin with id "${id}" is already loaded from ${this.plugins.get(id)!.origin}`);
    this.plugins.set(id, { plugin, source, origin });
  }

  fail(origin: string, error: string): void {
    this.failures.push({ origin, error });
  }

  get(id: string): ChannelPlugin | null {
    return this.plugins.get(id)?.plugin ?? null;
  }

  list(): { manifest: PluginManifest; source: PluginSource; origin: string }[] {
    return [...this.plugins.values()]
      .map((p) => ({ manifest: p.plugin.manifest, source: p.source, origin: p.origin }))
      .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
  }

  failed(): readonly FailedPlugin[] {
    return this.failures;
  }
}
