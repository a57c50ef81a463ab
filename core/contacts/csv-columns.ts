import type { ContactField } from "./contact.ts";

/** Where a CSV column goes: a contact's own data, one template field, or nowhere. */
export type ColumnTarget = "name" | "phone" | "email" | "tags" | `field:${string}` | "";

const BUILTIN: Record<string, ColumnTarget> = {
  nombre: "name",
  nombres: "name",
  nombrecompleto: "name",
  name: "name",
  fullname: "name",
  contacto: "name",
  cliente: "name",
  telefono: "phone",
  tel: "phone",
  celular: "phone",
  movil: "phone",
  whatsapp: "phone",
  numero: "phone",
  phone: "phone",
  phonenumber: "phone",
  mobile: "phone",
  cell: "phone",
  correo: "email",
  correoelectronico: "email",
  email: "email",
  mail: "email",
  etiquetas: "tags",
  etiqueta: "tags",
  tags: "tags",
  tag: "tags",
  labels: "tags",
};

/** "Teléfono", "TELEFONO ", "Correo electrónico" -> comparable words. */
export function headerKey(header: string): string {
  return header
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

/**
 * Each column's target from its header: a template field by its key or label
 * first (a company's own "Celular" field wins over the built-in guess), then the
 * usual Spanish and English names. A target is used by one column only.
 */
export function guessColumns(headers: string[], template: ContactField[]): ColumnTarget[] {
  const fields = new Map<string, ColumnTarget>();
  for (const f of template) {
    fields.set(headerKey(f.key), `field:${f.key}`);
    fields.set(headerKey(f.label), `field:${f.key}`);
  }
  const used = new Set<ColumnTarget>();
  return headers.map((h) => {
    const k = headerKey(h);
    const target = fields.get(k) ?? BUILTIN[k] ?? "";
    if (!target || used.has(target)) return "";
    used.add(target);
    return target;
  });
}

/** A mapping chosen in the preview, checked against the template (unknown targets are dropped). */
export function checkedMapping(chosen: string[], template: ContactField[]): ColumnTarget[] {
  const keys = new Set(template.map((f) => f.key));
  const used = new Set<string>();
  return chosen.map((c) => {
    const ok = c === "name" || c === "phone" || c === "email" || c === "tags" || (c.startsWith("field:") && keys.has(c.slice(6)));
    if (!ok || used.has(c)) return "";
    used.add(c);
    return c as ColumnTarget;
  });
}
