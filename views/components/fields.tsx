import type { FieldError, MessageKey, Translate } from "../../core/i18n/index.ts";

export type FieldErrors = Record<string, FieldError>;

interface Base {
  t: Translate;
  name: string;
  label: MessageKey;
  errors?: FieldErrors;
  help?: MessageKey;
}

function ErrorText({ t, name, errors }: Pick<Base, "t" | "name" | "errors">): JSX.Element {
  const key = errors?.[name];
  return key ? (
    <span class="field-error" id={`${name}-error`}>
      {t.field(key)}
    </span>
  ) : (
    ""
  );
}

function Help({ t, help }: Pick<Base, "t" | "help">): JSX.Element {
  return help ? <span class="help">{t(help)}</span> : "";
}

export function TextField(
  props: Base & {
    value?: string;
    type?: string;
    required?: boolean;
    autocomplete?: string;
    autofocus?: boolean;
    maxlength?: number;
    /** Extra data-* attributes for the behaviour in app.js (e.g. data-slug-from). */
    data?: Record<`data-${string}`, string>;
  },
): JSX.Element {
  const invalid = !!props.errors?.[props.name];
  return (
    <label class={invalid ? "field invalid" : "field"}>
      <span class="label">{props.t(props.label)}</span>
      <input
        type={props.type ?? "text"}
        name={props.name}
        value={props.value ?? ""}
        required={props.required}
        autocomplete={props.autocomplete}
        autofocus={props.autofocus}
        maxlength={props.maxlength ? String(props.maxlength) : undefined}
        aria-invalid={invalid ? "true" : undefined}
        aria-describedby={invalid ? `${props.name}-error` : undefined}
        {...(props.data ?? {})}
      />
      <Help t={props.t} help={props.help} />
      <ErrorText t={props.t} name={props.name} errors={props.errors} />
    </label>
  );
}

export function SelectField(
  props: Base & { value?: string; options: { value: string; label: string }[]; required?: boolean },
): JSX.Element {
  const invalid = !!props.errors?.[props.name];
  return (
    <label class={invalid ? "field invalid" : "field"}>
      <span class="label">{props.t(props.label)}</span>
      <select name={props.name} required={props.required} aria-invalid={invalid ? "true" : undefined}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value} safe>
            {o.label}
          </option>
        ))}
      </select>
      <Help t={props.t} help={props.help} />
      <ErrorText t={props.t} name={props.name} errors={props.errors} />
    </label>
  );
}

export function CheckboxGroup(
  props: Base & { values: number[]; options: { id: number; name: string }[]; emptyText: MessageKey },
): JSX.Element {
  const invalid = !!props.errors?.[props.name];
  return (
    <fieldset class={invalid ? "field invalid" : "field"}>
      <legend class="label">{props.t(props.label)}</legend>
      {props.options.length === 0 ? <span class="help">{props.t(props.emptyText)}</span> : ""}
      {props.options.map((o) => (
        <label class="check">
          <input type="checkbox" name={props.name} value={String(o.id)} checked={props.values.includes(o.id)} />
          <span safe>{o.name}</span>
        </label>
      ))}
      <ErrorText t={props.t} name={props.name} errors={props.errors} />
    </fieldset>
  );
}

export function Checkbox(props: Base & { checked: boolean }): JSX.Element {
  return (
    <label class="field check">
      <input type="checkbox" name={props.name} value="1" checked={props.checked} />
      <span>{props.t(props.label)}</span>
    </label>
  );
}

export function CsrfField({ csrf }: { csrf: string }): JSX.Element {
  return <input type="hidden" name="_csrf" value={csrf} />;
}

export function FormSummary({ t, errors }: { t: Translate; errors?: FieldErrors }): JSX.Element {
  return errors && Object.keys(errors).length > 0 ? (
    <p class="flash flash-error" role="alert">
      {t("common.form_has_errors")}
    </p>
  ) : (
    ""
  );
}

/** A one-button POST form (deactivate, delete, revoke...), with an optional confirm prompt. */
export function ActionButton(props: {
  csrf: string;
  action: string;
  label: JSX.Element;
  confirm?: string;
  danger?: boolean;
}): JSX.Element {
  const { label } = props;
  return (
    <form method="post" action={props.action} class="inline" hx-confirm={props.confirm}>
      <CsrfField csrf={props.csrf} />
      <button type="submit" class={props.danger ? "link danger" : "link"}>
        {label}
      </button>
    </form>
  );
}
