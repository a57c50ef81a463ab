import type { Translate } from "../../core/i18n/index.ts";

/** A data table with a header row and an empty-state line. Cells are JSX (already escaped). */
export function Table(props: { t: Translate; head: JSX.Element[]; rows: JSX.Element[][]; id?: string }): JSX.Element {
  return (
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
              {props.t("common.empty")}
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
  );
}
