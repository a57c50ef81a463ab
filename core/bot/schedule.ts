import { dateOf, localParts } from "../shared/zoned-time.ts";
import { minutesOf } from "./definition-check.ts";
import type { Day, StepOf } from "./program.ts";

const WEEKDAYS: readonly Day[] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** The wall clock in a time zone: its date (YYYY-MM-DD), weekday and minute of the day. */
export function wallClock(ms: number, timeZone: string): { date: string; day: Day; minute: number } {
  const p = localParts(ms, timeZone);
  const date = dateOf(p);
  return { date, day: WEEKDAYS[new Date(`${date}T12:00:00Z`).getUTCDay()]!, minute: p.h * 60 + p.mi };
}

function previousDate(date: string): { date: string; day: Day } {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return { date: d.toISOString().slice(0, 10), day: WEEKDAYS[d.getUTCDay()]! };
}

/**
 * Whether a schedule step is open now. A holiday counts as "Festivo", not as its
 * weekday: open on it only when Festivo is ticked (with the same hours). An
 * overnight range (22:00–06:00) belongs to the day it starts on, so Friday's
 * night includes Saturday 02:00.
 */
export function isOpen(step: Pick<StepOf<"schedule">, "days" | "start" | "end">, now: number, timeZone: string, isHoliday: (date: string) => boolean): boolean {
  const { date, day, minute } = wallClock(now, timeZone);
  const start = minutesOf(step.start);
  const end = minutesOf(step.end);
  const dayOpen = (d: string, wd: Day) => step.days.includes(isHoliday(d) ? "holiday" : wd);
  if (start < end) return minute >= start && minute < end && dayOpen(date, day);
  if (minute >= start) return dayOpen(date, day);
  if (minute < end) {
    const prev = previousDate(date);
    return dayOpen(prev.date, prev.day);
  }
  return false;
}
