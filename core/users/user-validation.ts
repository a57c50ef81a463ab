import { COMPANY_ROLES, LANGUAGES, type CompanyRole, type Language } from "../auth/roles.ts";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../auth/password.ts";
import type { MessageKey } from "../i18n/index.ts";
import type { UserInput, ValidUser } from "./user.ts";

export const USERNAME_PATTERN = /^[a-zA-Z0-9._@-]{3,50}$/;
const EXTENSION_PATTERN = /^[0-9*#]{1,10}$/;

/**
 * Pure checks of a user form; every problem is collected so the form shows all of
 * them at once. Uniqueness and queue ownership need the database and are added by
 * the service.
 */
export function validateUser(
  input: UserInput,
  passwordRequired: boolean,
): { value: ValidUser; errors: Record<string, MessageKey> } {
  const errors: Record<string, MessageKey> = {};
  const username = input.username.trim();
  const name = input.name.trim().replace(/\s+/g, " ");
  if (!USERNAME_PATTERN.test(username)) errors.username = "user.error.username_format";
  if (!name) errors.name = "user.error.name_required";
  else if (name.length > 100) errors.name = "user.error.name_too_long";
  if (passwordRequired || input.password || input.passwordConfirm) {
    if (input.password.length < MIN_PASSWORD_LENGTH) errors.password = "user.error.password_short";
    else if (input.password.length > MAX_PASSWORD_LENGTH) errors.password = "user.error.password_long";
    else if (input.password !== input.passwordConfirm) errors.passwordConfirm = "user.error.password_mismatch";
  }
  if (!(COMPANY_ROLES as readonly string[]).includes(input.role)) errors.role = "user.error.role_invalid";
  const extension = input.extension.trim();
  if (extension && !EXTENSION_PATTERN.test(extension)) errors.extension = "user.error.extension_format";
  if (!(LANGUAGES as readonly string[]).includes(input.language)) errors.language = "user.error.language_invalid";
  return {
    value: {
      username,
      name,
      role: input.role as CompanyRole,
      extension: extension || null,
      queueIds: [...new Set(input.queueIds)],
      language: input.language as Language,
    },
    errors,
  };
}
