import { AppError } from "../errors.ts";

/** Form bodies arrive as objects of strings (or arrays for repeated names). */
export type FormBody = Record<string, unknown>;

export function str(body: unknown, name: string): string {
  const v = (body as FormBody | null)?.[name];
  if (Array.isArray(v)) return String(v[0] ?? "");
  return v === undefined || v === null ? "" : String(v);
}

export function bool(body: unknown, name: string): boolean {
  const v = str(body, name);
  return v === "1" || v === "on" || v === "true";
}

/** Repeated checkbox values ("queueIds") as positive integers; junk is a 400, not a silent drop. */
export function ids(body: unknown, name: string): number[] {
  const v = (body as FormBody | null)?.[name];
  const list = v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v];
  return list.map((x) => positiveInt(String(x)));
}

export function positiveInt(raw: string): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new AppError(400, "bad_request", "error.bad_request", { detail: `"${raw}" is not an id` });
  return n;
}

export function pageParam(raw: string | undefined): number {
  const n = Number(raw ?? 1);
  return Number.isSafeInteger(n) && n > 0 ? n : 1;
}
