/**
 * The life of a MetaGraphFake around one test file. No tests here.
 *
 * Call `manageMetaGraphFake()` once at the top level of each test file (directly or through a
 * harness function): bun shares imported modules between test files, so hooks a shared module
 * registered at its own top level would only reach the first file that imports it.
 */
import { afterAll, beforeAll, beforeEach } from "bun:test";
import type { MetaGraphFake } from "../fakes/meta-graph.ts";

export interface MetaGraphFakeHooks {
  /** Gets the fake's base URL once it listens (before the file's first test). */
  started(baseUrl: string): void;
  /** Registers the numbers, pages, profiles... every test of the file starts with. */
  accounts(): void;
}

/**
 * Starts `meta` before the calling file's tests and stops it after them. Before each test it
 * forgets what the previous one left (recorded requests, sends, failNext rules, and every number,
 * page, profile, media item and template) and registers `accounts()` again.
 */
export function manageMetaGraphFake(meta: MetaGraphFake, hooks: MetaGraphFakeHooks): void {
  beforeAll(async () => {
    hooks.started(await meta.start());
  });
  afterAll(() => meta.stop());
  beforeEach(() => {
    meta.clear();
    for (const registry of [meta.numbers, meta.pages, meta.profiles, meta.media, meta.templates]) registry.clear();
    hooks.accounts();
  });
}
