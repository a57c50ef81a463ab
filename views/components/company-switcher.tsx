import type { PageContext } from "../context.ts";

/** The operator's "Seleccione Empresa": a plain form, so it works without JavaScript too. */
export function CompanySwitcher({ ctx }: { ctx: PageContext }): JSX.Element {
  const { t, viewer } = ctx;
  return (
    <form method="post" action="/session/company" class="inline switcher">
      <input type="hidden" name="_csrf" value={ctx.csrf} />
      <input type="hidden" name="back" value={ctx.path} />
      <label>
        <span class="sr-only">{t("nav.select_company")}</span>
        <select name="companyId" aria-label={t.plain("nav.select_company")} data-autosubmit>
          <option value="" disabled selected={viewer?.companyId == null}>
            {t("nav.select_company")}
          </option>
          {ctx.companies.map((c) => (
            <option value={String(c.id)} selected={c.id === viewer?.companyId} safe>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <noscript>
        <button type="submit">{t("nav.change")}</button>
      </noscript>
    </form>
  );
}
