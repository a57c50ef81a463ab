import type { Translate } from "../../core/i18n/index.ts";

/** "Página 1 de N" with previous/next links. */
export function Pager(props: { t: Translate; page: number; pages: number; href: (page: number) => string }): JSX.Element {
  const { t, page, pages } = props;
  return (
    <nav class="pager" aria-label={t.plain("common.page_of", { page, pages })}>
      {page > 1 ? (
        <a href={props.href(page - 1)} rel="prev">
          {t("common.previous")}
        </a>
      ) : (
        <span class="disabled">{t("common.previous")}</span>
      )}
      <span class="page-of">{t("common.page_of", { page, pages })}</span>
      {page < pages ? (
        <a href={props.href(page + 1)} rel="next">
          {t("common.next")}
        </a>
      ) : (
        <span class="disabled">{t("common.next")}</span>
      )}
    </nav>
  );
}
