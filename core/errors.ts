import type { FieldError, MessageKey } from "./i18n/index.ts";

/**
 * The one error type. `code` is stable (API clients switch on it); `key` names the
 * user-facing message in the i18n dictionaries so the panel shows it in the
 * viewer's language; `fields` carries per-field form errors.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly key: MessageKey,
    readonly params: Record<string, string | number> = {},
    readonly fields: Record<string, FieldError> = {},
  ) {
    super(code);
    this.name = "AppError";
  }

  static notFound(): AppError {
    return new AppError(404, "not_found", "error.not_found");
  }
  static forbidden(): AppError {
    return new AppError(403, "forbidden", "error.forbidden");
  }
  static unauthenticated(): AppError {
    return new AppError(401, "unauthenticated", "error.unauthenticated");
  }
  static invalid(fields: Record<string, FieldError>): AppError {
    return new AppError(422, "validation_failed", "error.validation", {}, fields);
  }
}

/** The value, or the one 404 (no hint whether it exists in another company). */
export function found<V>(value: V | null | undefined): V {
  if (value === null || value === undefined) throw AppError.notFound();
  return value;
}
