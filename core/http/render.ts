import { inject, injectable } from "tsyringe";
import { can, type Viewer } from "../auth/access.ts";
import type { Language } from "../auth/roles.ts";
import type { FieldError, MessageKey } from "../i18n/index.ts";
import { AppError } from "../errors.ts";
import { pickLanguage, translator } from "../i18n/index.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import { T } from "../tokens.ts";
import type { WebhookSubscriptionRepository } from "../outbound-webhooks/subscription-repository.ts";
import type { Config } from "../config.ts";
import type { Flash, PageContext } from "../../views/context.ts";
import { CSRF_COOKIE, FLASH_COOKIE, LANG_COOKIE, readCookie, serializeCookie as serialize } from "./cookies.ts";
import { randomToken } from "../crypto/tokens.ts";
import { ASSET_VERSION } from "./assets.ts";
import type { BillingService } from "../billing/billing-service.ts";
import { formatMoney } from "../billing/money.ts";

export interface StoredFlash {
  kind: "ok" | "error";
  key: MessageKey;
  params?: Record<string, string | number>;
}

/**
 * Turns a view into a Response: builds the shell context (language, CSRF token,
 * navigation, flash) and sets the cookies that go with it.
 */
@injectable()
export class Renderer {
  constructor(
    @inject(T.Config) private readonly config: Config,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.BillingService) private readonly billing: BillingService,
    @inject(T.WebhookSubscriptionRepository) private readonly webhooks: WebhookSubscriptionRepository,
  ) {}

  page(request: Request, viewer: Viewer | null, view: (ctx: PageContext) => JSX.Element, status = 200, lang?: Language): Response {
    const headers = new Headers({ "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    const ctx = this.context(request, viewer, headers, lang);
    return new Response(view(ctx) as string, { status, headers });
  }

  /**
   * A form shown again with its errors (422). The address bar then shows the form's
   * own address (`url`), not the URL it was posted to, so a reload shows the form
   * instead of resending it or landing on a list.
   */
  formErrors(request: Request, viewer: Viewer | null, view: (ctx: PageContext) => JSX.Element, url: string): Response {
    const res = this.page(request, viewer, view, 422);
    if (request.headers.get("hx-request") === "true") res.headers.set("hx-push-url", url);
    return res;
  }

  /**
   * A form's save: what `save` answers (usually a redirect), or, when it refuses the
   * input (422), the form again with its per-field errors at the form's own address.
   */
  submit(
    request: Request,
    viewer: Viewer | null,
    save: () => Response,
    form: (errors: Record<string, FieldError>) => (ctx: PageContext) => JSX.Element,
    url: string,
  ): Response {
    try {
      return save();
    } catch (e) {
      if (!(e instanceof AppError && e.status === 422)) throw e;
      return this.formErrors(request, viewer, form(e.fields), url);
    }
  }

  context(request: Request, viewer: Viewer | null, headers: Headers, lang?: Language): PageContext {
    const cookieHeader = request.headers.get("cookie");
    let csrf = readCookie(cookieHeader, CSRF_COOKIE);
    if (!csrf) {
      csrf = randomToken();
      headers.append("set-cookie", serialize(CSRF_COOKIE, csrf, this.config.secureCookies));
    }
    const t = translator(lang ?? this.language(request, viewer));
    let flash: Flash | null = null;
    const rawFlash = readCookie(cookieHeader, FLASH_COOKIE);
    if (rawFlash) {
      headers.append("set-cookie", serialize(FLASH_COOKIE, "", this.config.secureCookies, 0));
      try {
        const f = JSON.parse(rawFlash) as StoredFlash;
        flash = { kind: f.kind === "error" ? "error" : "ok", text: t.plain(f.key, f.params) };
      } catch {
        flash = null;
      }
    }
    return {
      t,
      viewer,
      csrf,
      path: new URL(request.url).pathname,
      nav: {
        platform: !!viewer && can(viewer, "platform"),
        companyAdmin: !!viewer && can(viewer, "company.admin"),
        inbox: !!viewer && viewer.companyId !== null && can(viewer, "inbox"),
        contacts: !!viewer && viewer.companyId !== null && can(viewer, "contacts"),
        contactsAdmin: !!viewer && viewer.companyId !== null && can(viewer, "contacts.admin"),
      },
      companies: viewer?.role === "operator" ? this.companies.options() : [],
      flash,
      lowBalance: this.lowBalance(viewer, t.lang),
      webhooksPaused: viewer?.role === "admin" && viewer.companyId !== null && this.webhooks.pausedForFailures(viewer.companyId) > 0,
      assetVersion: ASSET_VERSION,
    };
  }

  /** Admins of a company see its balance when it is low (the threshold they set). */
  private lowBalance(viewer: Viewer | null, lang: Language): string | null {
    if (!viewer || viewer.role !== "admin" || viewer.companyId === null) return null;
    const low = this.billing.lowBalance(viewer.companyId);
    return low ? formatMoney(low.balance, low.currency, lang === "en" ? "en-US" : "es-CO") : null;
  }

  language(request: Request, viewer: Viewer | null): Language {
    if (viewer) return viewer.language;
    const chosen = readCookie(request.headers.get("cookie"), LANG_COOKIE);
    if (chosen === "es" || chosen === "en") return chosen;
    return pickLanguage(request.headers.get("accept-language"));
  }

  /** 303 to `location`, optionally carrying a one-shot message to show there. */
  redirect(location: string, flash?: StoredFlash): Response {
    const headers = new Headers({ location });
    if (flash) headers.append("set-cookie", serialize(FLASH_COOKIE, JSON.stringify(flash), this.config.secureCookies, 60));
    return new Response(null, { status: 303, headers });
  }

  cookie(name: string, value: string, maxAgeSeconds?: number): string {
    return serialize(name, value, this.config.secureCookies, maxAgeSeconds);
  }
}
