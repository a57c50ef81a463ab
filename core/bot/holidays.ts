import type Parser from "date-holidays-parser";

type ParserClass = typeof Parser;
let loaded: { Parser: ParserClass; data: { holidays: Record<string, unknown> } } | null = null;

/**
 * The library and the rules are loaded on first use, not at start: the parser
 * brings moment-timezone and calendar modules (~8 MB in the binary) that a
 * company without a Horario step never needs, and idle RSS has a budget.
 */
function library(): NonNullable<typeof loaded> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= { Parser: require("date-holidays-parser").default ?? require("date-holidays-parser"), data: require("./holiday-data.json") };
  return loaded;
}

export interface Holiday {
  date: string;
  name: string;
  /** "library": the country's public holiday (date-holidays); "extra": the admin's own date. */
  source: "library" | "extra";
  /** A library date the admin struck: not observed. */
  excluded: boolean;
}

export interface HolidayRules {
  holidays: readonly string[];
  excludedHolidays: readonly string[];
}

/**
 * Public holidays of a company's country from date-holidays (its rules carry
 * Colombia's Ley Emiliani Monday moves), plus the admin's extra dates, minus the
 * dates the admin struck. Only the rules of the countries a company can have are
 * bundled (scripts/holiday-data.ts), and a country's parser is built on first use;
 * years are computed once and kept.
 */
export class HolidayCalendar {
  private readonly parsers = new Map<string, Parser>();
  private readonly years = new Map<string, Map<string, string>>();

  /** The country's public holidays of a year by date (Sundays left out: a Sunday is already a rest day, e.g. Easter). */
  library(country: string, year: number): Map<string, string> {
    const key = `${country}:${year}`;
    let days = this.years.get(key);
    if (!days) {
      days = new Map();
      for (const h of this.parser(country)?.getHolidays(year) ?? []) {
        const date = h.date.slice(0, 10);
        if (h.type !== "public" || new Date(`${date}T12:00:00Z`).getUTCDay() === 0 || days.has(date)) continue;
        days.set(date, h.name);
      }
      this.years.set(key, days);
    }
    return days;
  }

  isHoliday(country: string, date: string, rules: HolidayRules): boolean {
    if (rules.holidays.includes(date)) return true;
    if (rules.excludedHolidays.includes(date)) return false;
    return this.library(country, Number(date.slice(0, 4))).has(date);
  }

  /** What the panel lists for a year: every date it will treat as a holiday, and the struck ones. */
  list(country: string, year: number, rules: HolidayRules): Holiday[] {
    const out: Holiday[] = [...this.library(country, year)].map(([date, name]) => ({ date, name, source: "library" as const, excluded: rules.excludedHolidays.includes(date) }));
    for (const date of rules.holidays) if (date.startsWith(`${year}-`) && !out.some((h) => h.date === date)) out.push({ date, name: "", source: "extra", excluded: false });
    return out.sort((a, b) => a.date.localeCompare(b.date));
  }

  private parser(country: string): Parser | null {
    let p = this.parsers.get(country);
    if (!p) {
      const { Parser, data } = library();
      if (!(country in data.holidays)) return null;
      p = new Parser(data as never, country, { languages: ["es", "en"], types: ["public"] } as never);
      this.parsers.set(country, p);
    }
    return p;
  }
}
