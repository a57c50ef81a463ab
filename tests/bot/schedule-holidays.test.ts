import { describe, expect, test } from "bun:test";
import { readDefinition } from "../../core/bot/definition-check.ts";
import { INITIAL, step, type BotContext } from "../../core/bot/engine.ts";
import { HolidayCalendar } from "../../core/bot/holidays.ts";
import { isOpen } from "../../core/bot/schedule.ts";
import { quickReplies } from "../../plugins/messenger/send.ts";
import { interactivePayload } from "../../plugins/whatsapp-cloud/send.ts";
import { zonedInstant } from "../../core/shared/zoned-time.ts";

const TZ = "America/Bogota";
const at = (y: number, m: number, d: number, h: number, mi = 0) => zonedInstant(y, m, d, h, mi, TZ);
const calendar = new HolidayCalendar();
const rules = { holidays: [] as string[], excludedHolidays: [] as string[] };
const holiday = (date: string) => calendar.isHoliday("CO", date, rules);

describe("schedules and public holidays", () => {
  test("Colombia's 2026 public holidays, Ley Emiliani moves included, equal this list (a library update that changes them is noticed)", () => {
    const got = [...calendar.library("CO", 2026).keys()];
    expect(got).toEqual([
      "2026-01-01",
      "2026-01-12",
      "2026-03-23",
      "2026-04-02",
      "2026-04-03",
      "2026-05-01",
      "2026-05-18",
      "2026-06-08",
      "2026-06-15",
      "2026-06-29",
      // date-holidays 3.37 lists Chiquinquirá ("Ley 2578 de 2026"); other sources give 18 days: the admin may strike it.
      "2026-07-13",
      "2026-07-20",
      "2026-08-07",
      "2026-08-17",
      "2026-10-12",
      "2026-11-02",
      "2026-11-16",
      "2026-12-08",
      "2026-12-25",
    ]);
    expect(got).toHaveLength(19);
    // Struck by the admin, and an own date added.
    const own = { holidays: ["2026-12-24"], excludedHolidays: ["2026-07-13"] };
    expect(calendar.isHoliday("CO", "2026-07-13", own)).toBe(false);
    expect(calendar.isHoliday("CO", "2026-12-24", own)).toBe(true);
    const listed = calendar.list("CO", 2026, own);
    expect(listed.find((h) => h.date === "2026-07-13")?.excluded).toBe(true);
    expect(listed.find((h) => h.date === "2026-12-24")?.source).toBe("extra");
  });

  test("a weekday range, a holiday with and without Festivo, an overnight range", () => {
    const weekdays = { days: ["mon", "tue", "wed", "thu", "fri"] as const, start: "08:00", end: "18:00" };
    const withHoliday = { ...weekdays, days: [...weekdays.days, "holiday"] as const };
    // Tuesday 2026-07-21 10:00 Bogotá: open; 18:00 sharp: closed; 7:59: closed.
    expect(isOpen({ ...weekdays, days: [...weekdays.days] }, at(2026, 7, 21, 10), TZ, holiday)).toBe(true);
    expect(isOpen({ ...weekdays, days: [...weekdays.days] }, at(2026, 7, 21, 18), TZ, holiday)).toBe(false);
    expect(isOpen({ ...weekdays, days: [...weekdays.days] }, at(2026, 7, 21, 7, 59), TZ, holiday)).toBe(false);
    // Monday 2026-06-15 (Sagrado Corazón, moved to Monday): closed without Festivo, open with it.
    expect(isOpen({ ...weekdays, days: [...weekdays.days] }, at(2026, 6, 15, 10), TZ, holiday)).toBe(false);
    expect(isOpen({ ...withHoliday, days: [...withHoliday.days] }, at(2026, 6, 15, 10), TZ, holiday)).toBe(true);
    // Friday 22:00–06:00: Friday 23:00 and Saturday 02:00 are inside, Saturday 07:00 and Friday 21:00 are not.
    const night = { days: ["fri" as const], start: "22:00", end: "06:00" };
    expect(isOpen(night, at(2026, 7, 24, 23), TZ, holiday)).toBe(true);
    expect(isOpen(night, at(2026, 7, 25, 2), TZ, holiday)).toBe(true);
    expect(isOpen(night, at(2026, 7, 25, 7), TZ, holiday)).toBe(false);
    expect(isOpen(night, at(2026, 7, 24, 21), TZ, holiday)).toBe(false);
  });

  test("the editor's checks name the step: unknown and duplicate labels, start = end, empty menu, ask without field, unreachable steps, a loop that never waits", () => {
    const { errors } = readDefinition({
      timeoutMinutes: 60,
      steps: [
        { priority: 1, type: "say", text: "hola", goIfYes: "NADA" },
        { priority: 2, label: "A", type: "schedule", days: ["mon"], start: "08:00", end: "8:00" },
        { priority: 3, label: "A", type: "menu", text: "¿?", options: [] },
        { priority: 4, type: "ask", text: "¿Correo?" },
      ],
    });
    expect(errors["steps[0].goIfYes"]).toEqual({ es: "Etiqueta desconocida: NADA", en: "Unknown label: NADA" });
    expect(errors["steps[1].end"]).toBe("bot.error.same_times");
    expect(errors["steps[2].label"]).toEqual({ es: "La etiqueta A ya la usa otro paso.", en: "Another step already uses the label A." });
    expect(errors["steps[2].options"]).toBe("bot.error.menu_empty");
    expect(errors["steps[3].field"]).toBe("bot.error.ask_field");
    const graph = readDefinition({
      steps: [
        { priority: 1, label: "UNO", type: "say", text: "a", goIfYes: "DOS" },
        { priority: 2, label: "DOS", type: "goto", goTo: "UNO" },
        { priority: 3, label: "TRES", type: "end" },
      ],
    }).errors;
    expect(Object.values(graph).map((e) => (typeof e === "string" ? e : e.es))).toEqual(expect.arrayContaining(["Ningún camino llega al paso TRES.", expect.stringContaining("ciclo que nunca espera")]));
  });

  test("the engine: a menu answered by number, by text without accents, by button id; invalid answers then Ir no", () => {
    const def = readDefinition({
      timeoutMinutes: 60,
      steps: [
        { priority: 1, type: "menu", text: "¿Área?", options: [{ title: "Ventas", goTo: "V" }, { title: "Atención al cliente", goTo: "A" }], retries: 1, goIfNo: "NO" },
        { priority: 2, label: "V", type: "end", text: "ventas" },
        { priority: 3, label: "A", type: "end", text: "atención" },
        { priority: 4, label: "NO", type: "end", text: "no entendí" },
      ],
    }).definition;
    const ctx: BotContext = {
      now: at(2026, 7, 21, 10),
      timeZone: TZ,
      isHoliday: holiday,
      contact: { fields: {}, tagIds: [] },
      channelId: 1,
      response: () => null,
      fill: (t) => t,
      checkField: () => ({ ok: false, message: "" }),
      words: { invalidOption: "Elija una opción." },
    };
    const start = step(def, INITIAL, { type: "start" }, ctx);
    expect(start.actions.filter((a) => a.type === "menu")).toHaveLength(1);
    expect(start.state.dueAt).toBe(ctx.now + 60 * 60_000);
    const said = (text: string, replyId?: string) =>
      step(def, start.state, { type: "message", text, replyId }, ctx)
        .actions.filter((a) => a.type === "say")
        .map((a) => (a as { text: string }).text);
    expect(said("2")).toEqual(["atención"]);
    expect(said("ATENCION AL CLIENTE")).toEqual(["atención"]);
    expect(said("x", "opt:1")).toEqual(["ventas"]);
    const once = step(def, start.state, { type: "message", text: "otra cosa" }, ctx);
    expect(once.actions.map((a) => a.type)).toEqual(["say", "menu"]);
    const twice = step(def, once.state, { type: "message", text: "tampoco" }, ctx);
    expect(twice.actions.filter((a) => a.type === "say").map((a) => (a as { text: string }).text)).toEqual(["no entendí"]);
    expect(twice.state.done).toBe("end");
  });

  test("menus on the wire: WhatsApp numbered text beyond ten options, Messenger quick replies (titles cut at 20)", () => {
    const menu = (n: number, title = (i: number) => `Opción ${i}`) => ({
      kind: "interactive" as const,
      text: "Elija",
      options: Array.from({ length: n }, (_, i) => ({ id: `opt:${i + 1}`, title: title(i + 1) })),
      button: "Ver opciones",
      numberedText: "Elija\n1. …",
    });
    expect(interactivePayload(menu(11))).toEqual({ type: "text", text: { preview_url: false, body: "Elija\n1. …" } });
    expect((interactivePayload(menu(3, () => "Un título de 22 letras")) as { interactive: { type: string } }).interactive.type).toBe("list");
    expect(quickReplies(menu(2, (i) => `Atención al cliente ${i}`))).toEqual({
      text: "Elija",
      quick_replies: [
        { content_type: "text", title: "Atención al cliente ", payload: "opt:1" },
        { content_type: "text", title: "Atención al cliente ", payload: "opt:2" },
      ],
    });
    expect(quickReplies(menu(14))).toEqual({ text: "Elija\n1. …" });
  });
});
