import type { Translate } from "../../core/i18n/index.ts";

/**
 * A data table with a header row and an empty-state line (what to do next, when
 * the caller says). Cells are JSX (already escaped). It scrolls inside its own box
 * on a narrow screen instead of widening the page.
 */
export function Table(props: { t: Translate; head: JSX.Element[]; rows: JSX.Element[][]; id?: string; empty?: JSX.Element }): JSX.Element {
  const empty: JSX.Element = props.empty ?? props.t("common.empty");
  return (
    <div class="table-wrap">
    <table class="grid" id={props.id}>
      <thead>
        <tr>
          {props.head.map((h) => (
            <th>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.length === 0 ? (
          <tr>
            <td colspan={String(props.head.length)} class="empty">
              {empty}
            </td>
          </tr>
        ) : (
          props.rows.map((cells) => (
            <tr>
              {cells.map((c) => (
                <td>{c}</td>
              ))}
            </tr>
          ))
        )}
      </tbody>
    </table>
    </div>
  );
}
