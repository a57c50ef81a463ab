const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("windows-1252");

/**
 * The text of an uploaded CSV. Excel in Latin America saves "CSV" in Windows-1252
 * (Latin-1 with a few extras) unless told "CSV UTF-8": bytes that are not valid
 * UTF-8 are read as that, so "Bogotá" arrives as "Bogotá" either way.
 */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: "utf-8" | "windows-1252" } {
  let text: string;
  let encoding: "utf-8" | "windows-1252" = "utf-8";
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    text = latin1.decode(bytes);
    encoding = "windows-1252";
  }
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, encoding };
}

/** Export protects cells from being run as spreadsheet formulas with a leading '; import takes it off again. */
export function unescapeCell(cell: string): string {
  return cell.length > 1 && cell[0] === "'" && "=+-@\t\r".includes(cell[1]!) ? cell.slice(1) : cell;
}
