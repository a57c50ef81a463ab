import type { CompanyRole, Language, Role } from "../auth/roles.ts";

export interface User {
  id: number;
  companyId: number | null;
  username: string;
  name: string;
  role: Role;
  extension: string | null;
  language: Language;
  active: boolean;
  createdAt: number;
}

export interface UserListItem extends User {
  companyName: string;
  queues: { id: number; name: string }[];
}

/** What the form and the API send. Password fields are empty on edit to keep the old one. */
export interface UserInput {
  username: string;
  name: string;
  password: string;
  passwordConfirm: string;
  role: string;
  extension: string;
  queueIds: number[];
  language: string;
}

export interface ValidUser {
  username: string;
  name: string;
  role: CompanyRole;
  extension: string | null;
  queueIds: number[];
  language: Language;
}
