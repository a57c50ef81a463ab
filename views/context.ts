import type { Viewer } from "../core/auth/access.ts";
import type { Translate } from "../core/i18n/index.ts";

export interface Flash {
  kind: "ok" | "error";
  text: string;
}

/** Everything the shell needs besides the page's own data; built per request by core/http/render.ts. */
export interface PageContext {
  t: Translate;
  viewer: Viewer | null;
  csrf: string;
  path: string;
  /** Navigation entries the viewer may open. */
  nav: { platform: boolean; companyAdmin: boolean; inbox: boolean; contacts: boolean; contactsAdmin: boolean };
  /** Operator's company switcher. */
  companies: { id: number; name: string }[];
  flash: Flash | null;
  /** The company's balance, already formatted, when it is at or below the admins' threshold. */
  lowBalance: string | null;
  /** Admins: a webhook was paused after a day of failures (the email-free notice). */
  webhooksPaused: boolean;
  assetVersion: string;
}
