/**
 * Charla's channel plugin conformance kit. Copy this folder (without selftest/)
 * beside your plugin and call runChannelConformance from a bun:test file; see
 * README.md. It imports only bun:test, web and node builtins, and types from the
 * plugin SDK (plugins/sdk).
 */
export { runChannelConformance, type RunOptions } from "./runner.ts";
export { CHECK_IDS, type Auth, type CheckId, type ConformanceAdapter, type KitEnv, type MediaSample, type Sample, type SendOutcome, type SendOverride, type StatusSample } from "./adapter.ts";
export { createKitContext, KIT_START, type KitContext, type KitContextOptions, type LogLine } from "./context.ts";
export { CHECKS, ConformanceError, bytesOf, checkById, notApplicable, openEnv, runCheck, type Check } from "./checks.ts";
export { coreConfig, manifestProblems, schemaFields } from "./rules.ts";
