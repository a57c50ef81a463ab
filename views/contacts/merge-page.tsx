import type { ContactDetail, ContactField, ContactListItem } from "../../core/contacts/contact.ts";
import type { MergePreview } from "../../core/contacts/merge-service.ts";
import { formatPhone } from "../../core/contacts/phone.ts";
import type { PageContext } from "../context.ts";
import { CsrfField } from "../components/fields.tsx";
import { TagChips } from "../components/tag-chip.tsx";
import { Layout } from "../layout.tsx";
import { IdentityList, shownValue } from "./contact-sections.tsx";

const label = (c: Pick<ContactDetail, "name" | "phone" | "id">) => c.name || formatPhone(c.phone) || `#${c.id}`;

/** Choosing the other contact: a search among the company's contacts. */
export function MergePickPage(props: { ctx: PageContext; contact: ContactDetail; q: string; matches: ContactListItem[] }): JSX.Element {
  const { ctx, contact } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("merge.title", { name: label(contact) })}>
      <section class="card narrow">
        <h1>{t("merge.title", { name: label(contact) })}</h1>
        <p class="help">{t("merge.pick_help")}</p>
        <form method="get" action={`/contacts/${contact.id}/merge`} class="row">
          <label class="field grow">
            <span class="label">{t("contact.search")}</span>
            <input type="search" name="q" value={props.q} autofocus autocomplete="off" placeholder={t.plain("contact.search_placeholder")} />
          </label>
          <button type="submit">{t("contact.search")}</button>
        </form>
        <ul class="pick-list">
          {props.matches
            .filter((m) => m.id !== contact.id)
            .map((m) => (
              <li>
                <span safe>{label(m)}</span> <span class="muted" safe>{formatPhone(m.phone)}</span>{" "}
                <a class="button small" href={`/contacts/${contact.id}/merge?with=${m.id}`}>
                  {t("merge.pick")}
                </a>
              </li>
            ))}
        </ul>
        {props.q && props.matches.filter((m) => m.id !== contact.id).length === 0 ? <p class="muted">{t("contact.empty_search")}</p> : ""}
        <p>
          <a href={`/contacts/${contact.id}`}>{t("common.cancel")}</a>
        </p>
      </section>
    </Layout>
  );
}

/** Side by side: per row, whose value the merged contact keeps. */
export function MergePreviewPage(props: { ctx: PageContext; preview: MergePreview; moving: { conversations: number; notes: number } }): JSX.Element {
  const { ctx, preview } = props;
  const { t } = ctx;
  const { survivor: a, other: b } = preview;
  const rows: { key: string; label: string; mine: string; theirs: string }[] = [
    { key: "name", label: t.plain("contact.name"), mine: a.name, theirs: b.name },
    { key: "phone", label: t.plain("contact.phone"), mine: formatPhone(a.phone), theirs: formatPhone(b.phone) },
    { key: "email", label: t.plain("contact.email"), mine: a.email ?? "", theirs: b.email ?? "" },
    ...preview.fields
      .filter((f: ContactField) => a.values.has(f.id) || b.values.has(f.id))
      .map((f) => ({
        key: f.key,
        label: f.deletedAt !== null ? `${f.label} (${t.plain("contact.removed_short")})` : f.label,
        mine: a.values.has(f.id) ? shownValue(f, a.values.get(f.id)!, t.lang) : "",
        theirs: b.values.has(f.id) ? shownValue(f, b.values.get(f.id)!, t.lang) : "",
      })),
  ];
  return (
    <Layout ctx={ctx} title={t.plain("merge.title", { name: label(a) })}>
      <section class="card" id="merge-preview">
        <h1>{t("merge.title", { name: label(a) })}</h1>
        <p class="help">{t("merge.help", { other: label(b), survivor: label(a) })}</p>
        <form method="post" action={`/contacts/${a.id}/merge`}>
          <CsrfField csrf={ctx.csrf} />
          <input type="hidden" name="otherId" value={String(b.id)} />
          <div class="table-wrap">
            <table class="grid merge-table">
              <thead>
                <tr>
                  <th></th>
                  <th>
                    {t("merge.keep")} <span class="merge-name" safe>{label(a)}</span>
                  </th>
                  <th>
                    {t("merge.merged")} <span class="merge-name" safe>{label(b)}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const choice = r.mine !== r.theirs && r.mine !== "" && r.theirs !== "";
                  return (
                    <tr>
                      <th scope="row" safe>
                        {r.label}
                      </th>
                      {(["survivor", "other"] as const).map((side) => {
                        const v = side === "survivor" ? r.mine : r.theirs;
                        return (
                          <td>
                            {choice ? (
                              <label class="check">
                                <input type="radio" name={`choose.${r.key}`} value={side} checked={side === "survivor"} />
                                <span safe>{v}</span>
                              </label>
                            ) : (
                              <span class={v ? undefined : "muted"} safe>
                                {v || "—"}
                              </span>
                            )}
                          </td>
                        );
                      })}
                    </tr>
                  );
                })}
                <tr>
                  <th scope="row">{t("contact.tags")}</th>
                  <td>
                    <TagChips tags={a.tags} />
                  </td>
                  <td>
                    <TagChips tags={b.tags} />
                  </td>
                </tr>
                <tr>
                  <th scope="row">{t("contact.identities")}</th>
                  <td>
                    <IdentityList t={t} identities={a.identities} />
                  </td>
                  <td>
                    <IdentityList t={t} identities={b.identities} />
                  </td>
                </tr>
              </tbody>
            </table>
          </div>
          <p>{t("merge.moves", { conversations: props.moving.conversations, notes: props.moving.notes, identities: b.identities.length })}</p>
          <div class="form-actions">
            <button type="submit" class="primary" id="merge-confirm">
              {t("merge.confirm")}
            </button>
            <a href={`/contacts/${b.id}/merge?with=${a.id}`}>{t("merge.swap")}</a>
            <a href={`/contacts/${a.id}`}>{t("common.cancel")}</a>
          </div>
        </form>
      </section>
    </Layout>
  );
}
