import type { ContactField } from "../../core/contacts/contact.ts";
import type { Translate } from "../../core/i18n/index.ts";
import type { FieldErrors } from "../components/fields.tsx";

/** The form control for one template field, by its type (labels are the company's own words: escaped). */
export function TemplateInput(props: { t: Translate; field: ContactField; value: string; errors?: FieldErrors; autofocus?: boolean }): JSX.Element {
  const { t, field } = props;
  const name = `fields.${field.key}`;
  const id = `f-${field.key}`;
  const error = props.errors?.[name];
  const describedBy = error ? `${id}-error` : undefined;
  const common = {
    id,
    name,
    required: field.required,
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": describedBy,
    autofocus: props.autofocus,
  };
  let control: JSX.Element;
  if (field.type === "choice") {
    control = (
      <select {...common}>
        <option value="">—</option>
        {field.options.map((o) => (
          <option value={o} selected={o === props.value} safe>
            {o}
          </option>
        ))}
      </select>
    );
  } else {
    const type = field.type === "date" ? "date" : field.type === "phone" ? "tel" : "text";
    const inputmode = field.type === "number" ? "decimal" : field.type === "email" ? "email" : undefined;
    control = <input {...common} type={type} inputmode={inputmode} value={props.value} maxlength="500" autocomplete="off" />;
  }
  return (
    <div class={error ? "field invalid" : "field"}>
      <label class="label" for={id}>
        <span safe>{field.label}</span>
        {field.required ? <span class="required-mark" title={t.plain("field.required")}> *</span> : ""}
      </label>
      {control}
      {field.type === "number" && (field.min !== null || field.max !== null) ? (
        <span class="help">{t("field.range_hint", { min: field.min ?? "−∞", max: field.max ?? "∞" })}</span>
      ) : field.type === "id_document" ? (
        <span class="help">{t("field.id_document_hint")}</span>
      ) : (
        ""
      )}
      {error ? (
        <span class="field-error" id={`${id}-error`}>
          {t.field(error)}
        </span>
      ) : (
        ""
      )}
    </div>
  );
}
