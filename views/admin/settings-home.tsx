import type { PageContext } from "../context.ts";
import { Layout, SETTINGS } from "../layout.tsx";

/** "Configuración": every section of the company's settings, with a line on what it is for. */
export function SettingsHomePage({ ctx }: { ctx: PageContext }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("nav.settings")}>
      <h1>{t("nav.settings")}</h1>
      <ul class="settings-grid" id="settings">
        {SETTINGS.map((s) => (
          <li>
            <a href={s.href}>
              <section class="card">
                <h2>{t(s.label)}</h2>
                <p class="muted">{t(s.help)}</p>
              </section>
            </a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}
