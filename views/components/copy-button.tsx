import type { Translate } from "../../core/i18n/index.ts";
import { CopyIcon } from "./icons.tsx";

/** Copies the text of the element `target` (a CSS selector) to the clipboard (app.js). */
export function CopyButton(props: { t: Translate; target: string }): JSX.Element {
  const { t } = props;
  return (
    <button type="button" class="copy" data-copy={props.target} data-copied={t.plain("common.copied")}>
      <CopyIcon />
      <span data-copy-label>{t("common.copy")}</span>
    </button>
  );
}
