import type { Contact } from "../../core/contacts/contact.ts";
import type { ErasureSummary } from "../../core/contacts/erasure-repository.ts";
import { formatPhone } from "../../core/contacts/phone.ts";
import type { PageContext } from "../context.ts";
import { CsrfField } from "../components/fields.tsx";
import { Layout } from "../layout.tsx";

/** Says exactly what will go before anything goes. */
export function ErasePage(props: { ctx: PageContext; contact: Contact; summary: ErasureSummary }): JSX.Element {
  const { ctx, contact, summary } = props;
  const { t } = ctx;
  const name = contact.name || formatPhone(contact.phone) || `#${contact.id}`;
  const kb = Math.ceil(summary.mediaBytes / 1024);
  return (
    <Layout ctx={ctx} title={t.plain("erase.title", { name })}>
      <section class="card narrow warn" id="erase">
        <h1>{t("erase.title", { name })}</h1>
        <p>{t("erase.intro")}</p>
        <ul>
          <li>{t("erase.conversations", { count: summary.conversations })}</li>
          <li>{t("erase.messages", { count: summary.messages })}</li>
          <li>{t("erase.media", { count: summary.media, kb })}</li>
          <li>{t("erase.notes", { count: summary.notes })}</li>
          <li>{t("erase.data")}</li>
        </ul>
        <p class="help">{t("erase.audit", { id: contact.id })}</p>
        <form method="post" action={`/contacts/${contact.id}/erase`}>
          <CsrfField csrf={ctx.csrf} />
          <label class="check field">
            <input type="checkbox" name="confirm" value="1" required />
            <span>{t("erase.understand")}</span>
          </label>
          <div class="form-actions">
            <button type="submit" class="danger" id="erase-confirm">
              {t("erase.confirm")}
            </button>
            <a href={`/contacts/${contact.id}`}>{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}
