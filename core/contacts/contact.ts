/** The people who write to a company, and what the company keeps about them. */

export const FIELD_TYPES = ["text", "number", "email", "phone", "date", "choice", "id_document"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** One field of the company's contact template ("Plantilla de contacto"). */
export interface ContactField {
  id: number;
  companyId: number;
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  /** Choices of a single-choice field. */
  options: string[];
  /** Range of a number field. */
  min: number | null;
  max: number | null;
  /** Shown in the list's "CAMPO PLANTILLA" column (at most one field). */
  display: boolean;
  position: number;
  createdAt: number;
  /** Removed from the template; its values stay on contacts as "campos anteriores". */
  deletedAt: number | null;
}

export interface FieldInput {
  key: string;
  label: string;
  type: string;
  required: boolean;
  options: string[];
  min: number | null;
  max: number | null;
  display: boolean;
}

export interface Tag {
  id: number;
  companyId: number;
  name: string;
  color: string;
  createdAt: number;
}

export interface TagListItem extends Tag {
  contacts: number;
}

export interface TagRef {
  id: number;
  name: string;
  color: string;
}

/** What the inbox and ingest need: one row, no joins. */
export interface Contact {
  id: number;
  companyId: number;
  name: string;
  phone: string | null;
  email: string | null;
  blocked: boolean;
  lastContactAt: number | null;
  createdAt: number;
}

export interface Identity {
  channelId: number;
  channelName: string;
  pluginId: string;
  externalId: string;
}

/** A stored value of one field (of the template, or of a field since removed). */
export interface FieldValue {
  fieldId: number;
  value: string;
}

export interface ContactDetail extends Contact {
  /** By field id, for every field with a value (removed fields included). */
  values: Map<number, string>;
  tags: TagRef[];
  identities: Identity[];
}

export interface ContactListItem extends Contact {
  /** The value of the template's display field, if any. */
  displayValue: string | null;
  tags: TagRef[];
  /** Plugins of the channels the person wrote through (icons in the list). */
  plugins: string[];
}

export interface Note {
  id: number;
  contactId: number;
  authorId: number | null;
  authorName: string;
  text: string;
  createdAt: number;
}

/** What the create and edit forms, the API and the import send; validated by ContactService. */
export interface ContactInput {
  name: string;
  phone: string;
  email: string;
  /** By field key; a key left out keeps its value on an update. */
  fields: Record<string, string>;
  tagIds?: number[];
}

export const FIELD_OPERATORS = ["eq", "contains", "before", "after"] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];

export interface FieldCondition {
  field: ContactField;
  op: FieldOperator;
  /** Text as typed (eq, contains) or the sortable number of a date/number (before, after). */
  value: string;
  num: number | null;
}

/** The list's search box and filters. */
export interface ContactFilter {
  q?: string;
  tagId?: number;
  channelId?: number;
  conditions?: FieldCondition[];
  /** "Sin conversación abierta": nobody is talking with them now. */
  noOpenConversation?: boolean;
}
