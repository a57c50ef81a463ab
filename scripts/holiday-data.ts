/**
 * Writes core/bot/holiday-data.json: date-holidays' rules for the countries a
 * company can be created in (core/tenancy/countries.ts) and the names they use.
 * The library's full data costs ~40 MB of memory once parsed; these countries'
 * rules are ~110 KB. Run after upgrading date-holidays: bun scripts/holiday-data.ts
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { COUNTRIES } from "../core/tenancy/countries.ts";

const full = (await import("../node_modules/date-holidays/data/holidays.json", { with: { type: "json" } })).default as {
  version: string;
  license: string;
  holidays: Record<string, unknown>;
  names: Record<string, unknown>;
};
const holidays = Object.fromEntries(COUNTRIES.map((c) => [c.code, full.holidays[c.code]]).filter(([, v]) => v));
const out = { version: full.version, license: full.license, holidays, names: full.names };
const path = join(import.meta.dir, "../core/bot/holiday-data.json");
writeFileSync(path, JSON.stringify(out));
console.log(`wrote ${path}: ${Object.keys(holidays).length} countries, ${JSON.stringify(out).length} bytes (data ${full.version})`);
