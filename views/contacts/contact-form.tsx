import type { ContactField, TagRef } from "../../core/contacts/contact.ts";
import type { PageContext } from "../context.ts";
import { CsrfField, FormSummary, TextField, type FieldErrors } from "../components/fields.tsx";
import { ColorDot } from "../components/tag-chip.tsx";
import { Layout } from "../layout.tsx";
import { TemplateInput } from "./template-input.tsx";

export interface ContactFormValues {
  name: string;
  phone: string;
  email: string;
  fields: Record<string, string>;
  tagIds: number[];
}

/** New or edit: name, phone, email, then the company's template, then tags. */
export function ContactFormPage(props: {
  ctx: PageContext;
  id?: number;
  form: ContactFormValues;
  template: ContactField[];
  tags: TagRef[];
  country: string;
  errors?: FieldErrors;
}): JSX.Element {
  const { ctx, errors, form } = props;
  const { t } = ctx;
  const title = props.id ? t.plain("contact.edit") : t.plain("contact.new");
  const back = props.id ? `/contacts/${props.id}` : "/contacts";
  return (
    <Layout ctx={ctx} title={title}>
      <section class="card narrow">
        <h1 safe>{title}</h1>
        <FormSummary t={t} errors={errors} />
        {/* novalidate: the server's messages (in the user's language, per field) are the ones shown. */}
        <form method="post" action={props.id ? `/contacts/${props.id}` : "/contacts"} id="contact-form" novalidate>
          <CsrfField csrf={ctx.csrf} />
          <TextField t={t} name="name" label="contact.name" value={form.name} errors={errors} required autofocus maxlength={100} autocomplete="off" />
          <TextField t={t} name="phone" label="contact.phone" type="tel" value={form.phone} errors={errors} autocomplete="off" help="contact.phone_help" />
          <TextField t={t} name="email" label="contact.email" type="email" value={form.email} errors={errors} autocomplete="off" />
          {props.template.map((f) => (
            <TemplateInput t={t} field={f} value={form.fields[f.key] ?? ""} errors={errors} />
          ))}
          {props.template.length === 0 && ctx.nav.contactsAdmin ? (
            <p class="help">
              {t("contact.no_template")} <a href="/admin/fields">{t("contact.define_template")}</a>
            </p>
          ) : (
            ""
          )}
          <fieldset class="field">
            <legend class="label">{t("contact.tags")}</legend>
            {props.tags.length === 0 ? <span class="help">{t("contact.no_tags")}</span> : ""}
            <div class="tag-picks">
              {props.tags.map((tag) => (
                <label class="check tag-pick">
                  <input type="checkbox" name="tagIds" value={String(tag.id)} checked={form.tagIds.includes(tag.id)} />
                  <ColorDot color={tag.color} />
                  <span safe>{tag.name}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <div class="form-actions">
            <button type="submit" class="primary">
              {t("common.save")}
            </button>
            <a href={back}>{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}
