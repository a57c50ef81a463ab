/**
 * Variables of a canned response's text: {{contact.name}}, {{contact.<field key>}},
 * {{agent.name}}, {{company.name}} (spaces inside the braces allowed). A known
 * variable without a value becomes empty text; the form refuses unknown ones.
 */
const VARIABLE = /\{\{\s*([a-z]+)\.([a-z][a-z0-9_]*)\s*\}\}/g;

export interface VariableValues {
  contactName: string;
  contactFields: Map<string, string>;
  agentName: string;
  companyName: string;
}

export function fillVariables(text: string, v: VariableValues): string {
  return text.replace(VARIABLE, (whole, scope: string, name: string) => {
    if (scope === "contact") return name === "name" ? v.contactName : (v.contactFields.get(name) ?? "");
    if (scope === "agent" && name === "name") return v.agentName;
    if (scope === "company" && name === "name") return v.companyName;
    return whole;
  });
}

/** Variables the text uses that mean nothing here (a typo, a field that does not exist). */
export function unknownVariables(text: string, fieldKeys: ReadonlySet<string>): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(VARIABLE)) {
    const [whole, scope, name] = m as unknown as [string, string, string];
    const ok = (scope === "contact" && (name === "name" || fieldKeys.has(name))) || ((scope === "agent" || scope === "company") && name === "name");
    if (!ok) bad.push(whole);
  }
  // Braces that are not a variable at all ("{{nombre}}") are a mistake too.
  for (const m of text.matchAll(/\{\{\s*([^}.]*)\s*\}\}/g)) bad.push(m[0]);
  return [...new Set(bad)];
}
