import { AppError } from "../errors.ts";
import type { Language, Role } from "./roles.ts";

/** Who is looking at the panel: the session's user plus the company being administered. */
export interface Viewer {
  sessionId: string;
  userId: number;
  username: string;
  name: string;
  role: Role;
  language: Language;
  /** The user's own company, or the one an operator selected ("Seleccione Empresa"). */
  companyId: number | null;
  companyName: string | null;
  /** An admin reset the password: the user picks their own before doing anything else. */
  mustChangePassword?: boolean;
}

/** What a company-scoped service needs: every repository call filters on companyId. */
export interface Scope {
  companyId: number;
  userId: number | null;
  role: Role;
}

/**
 * The one table of who may do what. Routes name a permission; `authorize` is the
 * only place that compares roles, so a rule change is a one-line diff here.
 */
export const PERMISSIONS = {
  /** Any signed-in user: home, own account. */
  panel: ["operator", "admin", "supervisor", "agent"],
  /** Platform-wide: companies and switching between them. */
  platform: ["operator"],
  /** The inbox: conversations of the company (agents: theirs and their queues'). */
  inbox: ["operator", "admin", "supervisor", "agent"],
  /** Company configuration: queues, users, channels, API tokens. */
  "company.admin": ["operator", "admin"],
  /** Contacts: read and edit people, their fields, tags, notes; block. */
  contacts: ["operator", "admin", "supervisor", "agent"],
  /** The contact template and tags themselves; import, export and erasure of contacts. */
  "contacts.admin": ["operator", "admin"],
  /** Recharges and balances: the operator records them for any company; admins read their own. */
  billing: ["operator", "admin"],
  /** The dashboard and reports: the company's figures (the operator's: every company's). */
  reports: ["operator", "admin", "supervisor"],
  /** The audit log: admins read their company's, the operator every company's. */
  audit: ["operator", "admin"],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

/** Permissions whose routes act inside one company and so need a Scope. */
const COMPANY_SCOPED: ReadonlySet<Permission> = new Set(["company.admin", "inbox", "contacts", "contacts.admin"]);

export function can(viewer: Viewer, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(viewer.role);
}

export function authorize(viewer: Viewer | null, permission: Permission): { viewer: Viewer; scope: Scope | null } {
  if (!viewer) throw AppError.unauthenticated();
  if (!can(viewer, permission)) throw AppError.forbidden();
  if (!COMPANY_SCOPED.has(permission)) return { viewer, scope: null };
  if (viewer.companyId === null) throw new AppError(409, "company_required", "error.company_required");
  return { viewer, scope: { companyId: viewer.companyId, userId: viewer.userId, role: viewer.role } };
}
