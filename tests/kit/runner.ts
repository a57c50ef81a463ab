/**
 * runChannelConformance(plugin, adapter): registers one describe() with a test per
 * check. A check that does not apply (a capability the plugin lacks, or one the
 * adapter declares not applicable) is registered as a skipped test whose name says
 * why, so the output shows everything the plugin was not checked for.
 */
import { afterAll, beforeAll, describe, test } from "bun:test";
import type { ChannelPlugin } from "../../plugins/sdk/index.ts";
import type { CheckId, ConformanceAdapter } from "./adapter.ts";
import { CHECKS, notApplicable } from "./checks.ts";

export interface RunOptions {
  /** Only these checks (the others are not registered at all). */
  only?: CheckId[];
  /** Per-test timeout in ms (default 30 000). */
  timeoutMs?: number;
}

export function runChannelConformance<Config>(plugin: ChannelPlugin<Config>, adapter: ConformanceAdapter<Config>, options: RunOptions = {}): void {
  const name = adapter.name ?? plugin.manifest?.id ?? "plugin";
  describe(`channel conformance: ${name}`, () => {
    if (adapter.provider?.start) beforeAll(async () => void (await adapter.provider!.start!()));
    if (adapter.provider?.stop) afterAll(async () => void (await adapter.provider!.stop!()));
    for (const check of CHECKS) {
      if (options.only && !options.only.includes(check.id)) continue;
      const label = `[${check.id}] ${check.title}`;
      const reason = notApplicable(check, plugin, adapter);
      if (reason) test.skip(`${label} — not applicable: ${reason}`, () => {});
      else test(label, () => check.run(plugin, adapter), options.timeoutMs ?? 30_000);
    }
  });
}
