export const ROLES = ["operator", "admin", "supervisor", "agent"] as const;
export type Role = (typeof ROLES)[number];
/** Roles a company admin may give; "operator" is platform staff, made from the CLI only. */
export const COMPANY_ROLES = ["admin", "supervisor", "agent"] as const;
export type CompanyRole = (typeof COMPANY_ROLES)[number];

export const LANGUAGES = ["es", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
