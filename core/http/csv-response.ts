import Papa from "papaparse";

/** Rows as CSV a spreadsheet opens cleanly: CRLF, formulas neutralised (a cell starting with = stays text). */
export function toCsv(rows: (string | number | null)[][]): string {
  return `${Papa.unparse(rows, { escapeFormulae: true, newline: "\r\n" })}\r\n`;
}

/** A CSV download (with a BOM, so spreadsheet programs read the accents right). */
export function csvResponse(body: string, filename: string): Response {
  return new Response(`\uFEFF${body}`, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" } });
}
