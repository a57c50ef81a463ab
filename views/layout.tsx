import type { PropsWithChildren } from "@kitajs/html";
import type { PageContext } from "./context.ts";
import { FlashMessage } from "./components/flash.tsx";
import { CompanySwitcher } from "./components/company-switcher.tsx";
import { MenuIcon } from "./components/icons.tsx";
import type { MessageKey } from "../core/i18n/index.ts";

export function Layout(props: PropsWithChildren<{ ctx: PageContext; title: string; wide?: boolean }>): JSX.Element {
  const { ctx } = props;
  const { t } = ctx;
  const v = ctx.assetVersion;
  return (
    <>
      {"<!doctype html>"}
      <html lang={t.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="csrf-token" content={ctx.csrf} />
          <meta name="htmx-config" content='{"defaultSettleDelay":0,"includeIndicatorCSS":false}' />
          <title safe>{`${props.title} · Charla`}</title>
          <link rel="stylesheet" href={`/assets/app.css?v=${v}`} />
          <script src={`/assets/htmx.js?v=${v}`} defer></script>
          <script src={`/assets/hx-sse.js?v=${v}`} defer></script>
          <script src={`/assets/hx-upsert.js?v=${v}`} defer></script>
          <script src={`/assets/app.js?v=${v}`} defer></script>
        </head>
        {/* Every form's submit buttons are disabled while its request is in flight: one click, one request. */}
        <body hx-boost:inherited="true" hx-disable:inherited="findAll [type=submit]" data-lang={t.lang}>
          {ctx.viewer ? <Header ctx={ctx} /> : ""}
          {ctx.viewer && ctx.nav.companyAdmin && isSettings(ctx.path) ? <SettingsNav ctx={ctx} /> : ""}
          {ctx.lowBalance ? (
            <div class="banner info" role="status" id="low-balance">
              <span safe>{t.plain("billing.low_banner", { balance: ctx.lowBalance })}</span> <a href="/admin/recharges">{t("billing.recharges")}</a>
            </div>
          ) : (
            ""
          )}
          {ctx.webhooksPaused && !ctx.path.startsWith("/admin/webhooks") ? (
            <div class="banner attention" role="alert" id="webhooks-paused-notice">
              {t("webhook.layout_banner")} <a href="/admin/webhooks">{t("nav.webhooks")}</a>
            </div>
          ) : (
            ""
          )}
          <main id="main" class={props.wide ? "wide" : undefined}>
            {props.children}
          </main>
          {/* Notices float above the page (never moving the layout) and fade by themselves. */}
          <div id="flash" class="toasts" aria-live="polite">
            {ctx.flash ? <FlashMessage flash={ctx.flash} /> : ""}
          </div>
        </body>
      </html>
    </>
  );
}

function Header({ ctx }: { ctx: PageContext }): JSX.Element {
  const { t, viewer } = ctx;
  if (!viewer) return "";
  const link = (href: string, label: JSX.Element) => (
    <a href={href} class={isActive(ctx.path, href) ? "active" : undefined}>
      {label}
    </a>
  );
  return (
    <header class="topbar">
      <a class="brand" href="/">
        {t("app.name")}
      </a>
      {/* On a phone the navigation folds behind this toggle (no script needed). */}
      <input type="checkbox" id="nav-toggle" class="nav-toggle" aria-label={t.plain("nav.menu")} />
      <label for="nav-toggle" class="nav-toggle-label" title={t.plain("nav.menu")}>
        <MenuIcon />
        <span>{t("nav.menu")}</span>
      </label>
      <nav class="mainnav">
        {link("/", t("nav.home"))}
        {ctx.nav.inbox ? link("/inbox", t("nav.inbox")) : ""}
        {ctx.nav.contacts ? link("/contacts", t("nav.contacts")) : ""}
        {ctx.nav.platform ? link("/admin/companies", t("nav.companies")) : ""}
        {ctx.nav.platform ? link("/admin/backups", t("backup.nav")) : ""}
        {ctx.nav.platform ? link("/admin/system", t("system.nav")) : ""}
        {ctx.nav.companyAdmin ? link("/admin", t("nav.settings")) : ""}
      </nav>
      <div class="who">
        {ctx.nav.platform ? <CompanySwitcher ctx={ctx} /> : <span class="company" safe>{viewer.companyName ?? ""}</span>}
        <a href="/account" class="user" title={t.plain("nav.account")} safe>
          {viewer.name}
        </a>
        <form method="post" action="/logout" class="inline">
          <input type="hidden" name="_csrf" value={ctx.csrf} />
          <button type="submit" class="link">
            {t("nav.logout")}
          </button>
        </form>
      </div>
    </header>
  );
}

/** The company's settings: one section each, the same list as the "Configuración" page. */
export const SETTINGS: readonly { href: string; label: MessageKey; help: MessageKey }[] = [
  { href: "/admin/queues", label: "nav.queues", help: "settings.queues" },
  { href: "/admin/users", label: "nav.users", help: "settings.users" },
  { href: "/admin/channels", label: "nav.channels", help: "settings.channels" },
  { href: "/admin/responses", label: "nav.responses", help: "settings.responses" },
  { href: "/admin/bots", label: "nav.bots", help: "settings.bots" },
  { href: "/admin/tags", label: "nav.tags", help: "settings.tags" },
  { href: "/admin/fields", label: "nav.fields", help: "settings.fields" },
  { href: "/admin/ai", label: "nav.ai", help: "settings.ai" },
  { href: "/admin/tokens", label: "nav.api", help: "settings.api" },
  { href: "/admin/webhooks", label: "nav.webhooks", help: "settings.webhooks" },
  { href: "/admin/recharges", label: "nav.recharges", help: "settings.recharges" },
  { href: "/admin/audit", label: "audit.nav", help: "audit.settings_help" },
];

/** The operator's own pages under /admin: not a company's settings (no settings bar). */
const PLATFORM_PAGES = ["/admin/companies", "/admin/backups", "/admin/system"];

function isSettings(path: string): boolean {
  return path === "/admin" || (path.startsWith("/admin/") && !PLATFORM_PAGES.some((p) => path === p || path.startsWith(`${p}/`)));
}

function isActive(path: string, href: string): boolean {
  if (href === "/admin") return isSettings(path);
  return path === href || (href !== "/" && path.startsWith(`${href}/`));
}

/** A second bar under the top one while in the settings: its sections side by side (scrolling sideways on a phone). */
function SettingsNav({ ctx }: { ctx: PageContext }): JSX.Element {
  const { t } = ctx;
  return (
    <nav class="settings-nav" aria-label={t.plain("nav.settings")}>
      {SETTINGS.map((s) => (
        <a href={s.href} class={ctx.path === s.href || ctx.path.startsWith(`${s.href}/`) ? "active" : undefined}>
          {t(s.label)}
        </a>
      ))}
    </nav>
  );
}
