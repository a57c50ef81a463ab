/**
 * The channel plugin contract lives in plugins/sdk (a folder an outside author can
 * copy without the core's sources); the core reads it from here.
 */
export * from "../../plugins/sdk/index.ts";
