import type { AiProviderPlugin } from "./contract.ts";

/** The AI provider plugins this process can use (plugins/chatgpt is built in). */
export class AiProviders {
  private readonly plugins = new Map<string, AiProviderPlugin>();

  constructor(plugins: readonly AiProviderPlugin[] = []) {
    for (const p of plugins) this.add(p);
  }

  add(plugin: AiProviderPlugin): void {
    if (this.plugins.has(plugin.manifest.id)) throw new Error(`an AI provider with id "${plugin.manifest.id}" is already loaded`);
    this.plugins.set(plugin.manifest.id, plugin);
  }

  get(id: string): AiProviderPlugin | null {
    return this.plugins.get(id) ?? null;
  }

  list(): AiProviderPlugin[] {
    return [...this.plugins.values()];
  }
}
