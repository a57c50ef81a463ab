/**
 * Shared by the Meta Graph fake's own tests (tests/fakes/meta-graph-*.test.ts): the accounts they
 * use, one fake, and its base URL. No tests here.
 */
import { MetaGraphFake } from "../fakes/meta-graph.ts";
import { manageMetaGraphFake } from "./meta-graph-fake.ts";

export const PNID = "106540352242922";
export const WABA = "102290129340398";
export const TOKEN = "EAAG-wa-token";
export const PAGE = "1357924680";
export const PAGE_TOKEN = "EAAG-page-token";
export const V = "v24.0";

export const meta = new MetaGraphFake();
/** The fake's base URL while the calling file runs (a live binding: read it inside tests). */
export let base = "";

/** Runs the fake for the calling test file; before each test it holds just the number and the page above. */
export function useMetaGraphFake(): void {
  manageMetaGraphFake(meta, {
    started: (url) => void (base = url),
    accounts: () => {
      meta.addWhatsAppNumber({ phoneNumberId: PNID, wabaId: WABA, accessToken: TOKEN, displayPhoneNumber: "15550783881" });
      meta.addPage({ pageId: PAGE, pageAccessToken: PAGE_TOKEN, name: "Tienda Demo" });
    },
  });
}
