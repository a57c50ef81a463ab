/**
 * The kit restates a few of the core's rules so it runs without Charla's sources
 * (tests/kit/rules.ts). This file, which does import the core, keeps them in step:
 * the same settings give the same values and errors as core/channels/config-schema.ts,
 * and the loader refuses what manifestProblems() refuses. Leave it out when copying
 * the kit beside a plugin of your own.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { checkConfig } from "../../../core/channels/config-schema.ts";
import { loadPlugins } from "../../../core/channels/loader.ts";
import { PluginRegistry } from "../../../core/channels/registry.ts";
import { Logger } from "../../../core/logger.ts";
import { builtinPlugins } from "../../../plugins/index.ts";
import { acmeChat } from "../../fixtures/kit/acme-chat/index.ts";
import { coreConfig, manifestProblems, schemaFields } from "../rules.ts";

const plugins = [...builtinPlugins, acmeChat()];

const INPUTS: Record<string, unknown>[] = [
  {},
  { phoneNumberId: " 106540352242922 ", wabaId: "1022", accessToken: "tok", appSecret: "s", verifyToken: "v" },
  { phoneNumberId: "+57 300", wabaId: "x", accessToken: "", appSecret: null, graphUrl: "ftp://x", graphVersion: "24" },
  { pageId: "104729375212345", pageAccessToken: "t".repeat(1001), appSecret: "s", verifyToken: "v", graphVersion: "v24.0" },
  { title: "Chat", askName: "false", askPhone: "on", color: "#12345", allowedOrigins: "https://a.com, http://b.com:8080" },
  { title: "x".repeat(61), askName: true, askPhone: "1", color: "#1d4ed8", allowedOrigins: "a.com;" },
  { apiUrl: "https://api.acme.test", accountId: "Panaderia", apiToken: "tok", webhookSecret: "sec" },
  { apiUrl: "https://api.acme.test", accountId: "panaderia-lola", apiToken: " tok ", webhookSecret: "sec", extra: 5 },
];

describe("the kit's copy of the core's settings rules", () => {
  for (const plugin of plugins) {
    test(`${plugin.manifest.id}: values and errors match core checkConfig`, () => {
      expect(schemaFields(plugin.configSchema).problems).toEqual([]);
      for (const raw of INPUTS) {
        // Generated tokens are random: give them, so both sides see the same input.
        const filled = { ...raw };
        for (const f of schemaFields(plugin.configSchema).fields) if (f.generate && !filled[f.key]) filled[f.key] = "generated-token";
        const core = checkConfig(plugin.configSchema, filled);
        const kit = coreConfig(plugin.configSchema, filled);
        expect(kit.value).toEqual(core.value);
        // The kit spells an x-error as "format: <english words>"; the core keeps the wording object.
        const coreErrors = Object.fromEntries(Object.entries(core.errors).map(([k, e]) => [k, typeof e === "string" ? e : `format: ${e.en}`]));
        expect(kit.errors).toEqual(coreErrors);
      }
    });
  }

  test("the loader refuses what manifestProblems() refuses, and loads what it passes", async () => {
    const registry = new PluginRegistry();
    await loadPlugins(registry, [], join(import.meta.dir, "../../fixtures/plugins"), new Logger("error"));
    expect(registry.list().map((p) => p.manifest.id)).toEqual(["echo-test"]);
    const badVersion = (await import("../../fixtures/plugins/bad-version/index.ts")).default;
    expect(manifestProblems(badVersion).join("\n")).toContain("apiVersion is 99");
    expect(manifestProblems((await import("../../fixtures/plugins/good-echo/index.ts")).default)).toEqual([]);
    for (const p of plugins) expect(manifestProblems(p)).toEqual([]);
    expect(manifestProblems(acmeChat(["bad-manifest"])).join("\n")).toContain("must be lowercase kebab-case");
  });
});
