/**
 * Reads SQL the way tests/static/stable-plans.test.ts needs it: the string and
 * template literals of a source file, the file's own constants interpolated, and
 * the bare parameters that make SQLite 3.54 compile a statement again on every run.
 */
export interface Literal {
  /** Text with `${...}` kept as written. */
  text: string;
  line: number;
  /** Where the text sits in the file (between the quotes). */
  start: number;
  /** `const NAME = <literal>` at the start of a line (a fragment other statements interpolate). */
  constName?: string;
}

/**
 * The string and template literals of a TypeScript file, comments skipped. A
 * template's `${...}` stays in its text (nested literals are read as well).
 */
export function literals(src: string): Literal[] {
  const out: Literal[] = [];
  let i = 0;
  let line = 1;
  let prev = "";
  const lineOf = (to: number) => {
    for (; i < to; i++) if (src[i] === "\n") line++;
  };
  const readQuoted = (q: string): string => {
    let j = i + 1;
    while (j < src.length && src[j] !== q) j += src[j] === "\\" ? 2 : 1;
    const s = src.slice(i + 1, j);
    lineOf(j + 1);
    return s;
  };
  const readTemplate = (): string => {
    const start = i + 1;
    let j = start;
    while (j < src.length && src[j] !== "`") {
      if (src[j] === "\\") j += 2;
      else if (src[j] === "$" && src[j + 1] === "{") {
        let depth = 1;
        j += 2;
        while (j < src.length && depth > 0) {
          const c = src[j]!;
          if (c === "{") depth++;
          else if (c === "}") depth--;
          else if (c === '"' || c === "'" || c === "`") {
            // A literal inside the interpolation: skip it whole (its braces are not code).
            const q = c;
            j++;
            while (j < src.length && src[j] !== q) j += src[j] === "\\" ? 2 : 1;
          }
          j++;
        }
      } else j++;
    }
    const s = src.slice(start, j);
    lineOf(j + 1);
    return s;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === "/" && src[i + 1] === "/") {
      const e = src.indexOf("\n", i);
      lineOf(e < 0 ? src.length : e);
      continue;
    }
    if (c === "/" && src[i + 1] === "*") {
      const e = src.indexOf("*/", i + 2);
      lineOf(e < 0 ? src.length : e + 2);
      continue;
    }
    if (c === "/" && /[(,=:[!&|?{};]|^$/.test(prev)) {
      // A regular expression literal.
      let j = i + 1;
      let cls = false;
      while (j < src.length && (cls || src[j] !== "/")) {
        if (src[j] === "\\") j++;
        else if (src[j] === "[") cls = true;
        else if (src[j] === "]") cls = false;
        j++;
      }
      lineOf(j + 1);
      prev = "/";
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      const at = line;
      const start = i + 1;
      const head = src.slice(src.lastIndexOf("\n", i - 1) + 1, i);
      const constName = /^(?:export\s+)?const\s+([A-Z][A-Z0-9_]*)\s*=\s*$/.exec(head)?.[1];
      const text = c === "`" ? readTemplate() : readQuoted(c);
      out.push({ text, line: at, start, constName });
      prev = "x";
      continue;
    }
    if (!/\s/.test(c)) prev = c;
    lineOf(i + 1);
  }
  return out;
}

/** `${NAME}` of the file's own constants replaced by their text; any other `${...}` becomes `${?}` (unknown). */
export function resolve(text: string, consts: Map<string, string>, depth = 0): string {
  return text.replace(/\$\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}/g, (_, expr: string) => {
    const name = expr.trim();
    const c = consts.get(name);
    return c !== undefined && depth < 5 ? resolve(c, consts, depth + 1) : "${?}";
  });
}

const PARAM = String.raw`(?:\?\d*|[$:@][A-Za-z_]\w*)`;
/** A parameter the planner looks at: compared with =, ==, IS, LIKE, GLOB (either side), or the LIMIT/OFFSET. */
const BARE = new RegExp(
  String.raw`(?:(?<![<>!=])==?|\bIS(?:\s+NOT)?|\bLIKE|\bGLOB)\s*${PARAM}(?!\w)|(?<![\w+])${PARAM}\s*==?\s*[A-Za-z_(]|\b(?:LIMIT|OFFSET)\s+${PARAM}(?!\w)`,
  "g",
);
/** What makes a statement's plan depend on a compared value. */
const SENSITIVE = /\bJOIN\b|\bORDER\s+BY\b|\bGROUP\s+BY\b|\bDISTINCT\b|\(\s*SELECT\b|\$\{\?\}/;
const STATEMENT = /^\s*(SELECT|WITH|UPDATE|DELETE|INSERT)\b/;

/**
 * Bare parameters that make SQLite compile this literal's statement again on
 * every run. A whole statement is judged by what it contains (an interpolated
 * fragment nobody can see here counts as sorting); a fragment (a WHERE term pushed
 * onto a list, a shared scope) may end up in any statement, so it is always judged.
 * An UPDATE's SET assignments are not comparisons: only its WHERE is read.
 */
export function bareParams(text: string): string[] {
  const statement = STATEMENT.exec(text)?.[1];
  if (statement && !SENSITIVE.test(text) && !/\b(LIMIT|OFFSET)\s+[?$:@]|\bLIKE\s+[?$:@]/.test(text)) return [];
  let checked = text;
  if (statement === "UPDATE") checked = text.slice(Math.max(0, text.search(/\bWHERE\b/)));
  if (statement === "INSERT") checked = /\bSELECT\b/.test(text) ? text.slice(text.search(/\bSELECT\b/)) : "";
  return [...checked.matchAll(BARE)].map((m) => m[0].trim());
}

export function offenders(path: string, src: string): string[] {
  const lits = literals(src);
  const consts = new Map(lits.filter((l) => l.constName).map((l) => [l.constName!, l.text]));
  const out: string[] = [];
  for (const l of lits) {
    const sql = resolve(l.text, consts);
    if (!/[?$:@]/.test(sql)) continue;
    const bare = bareParams(sql);
    if (bare.length) out.push(`${path}:${l.line}: ${[...new Set(bare)].join(", ")}  in  ${l.text.replace(/\s+/g, " ").slice(0, 90)}`);
  }
  return out;
}

