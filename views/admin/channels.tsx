import type { PluginManifest } from "../../core/channels/contract.ts";
import type { FailedPlugin, PluginSource } from "../../core/channels/registry.ts";
import type { PageContext } from "../context.ts";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";

export function ChannelsPage(props: {
  ctx: PageContext;
  plugins: { manifest: PluginManifest; source: PluginSource }[];
  failed: readonly FailedPlugin[];
  pluginsDir: string | null;
}): JSX.Element {
  const { ctx } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("channel.title")}>
      <h1>{t("channel.title")}</h1>
      <h2>{t("channel.plugins")}</h2>
      {props.plugins.length === 0 ? (
        <p class="muted">{t("channel.no_plugins")}</p>
      ) : (
        <Table
          t={t}
          id="plugins"
          head={[t("channel.plugin_name"), t("channel.plugin_id"), t("channel.plugin_version"), t("channel.plugin_source"), t("channel.plugin_capabilities")]}
          rows={props.plugins.map((p) => [
            <span>
              <strong safe>{p.manifest.name}</strong>
              {p.manifest.description ? (
                <>
                  <br />
                  <small safe>{p.manifest.description[t.lang]}</small>
                </>
              ) : (
                ""
              )}
            </span>,
            <code safe>{p.manifest.id}</code>,
            <span safe>{p.manifest.version}</span>,
            t(`channel.source.${p.source}`),
            <span safe>{p.manifest.capabilities.join(", ")}</span>,
          ])}
        />
      )}
      {props.pluginsDir ? <p class="muted">{t("channel.plugins_dir", { dir: props.pluginsDir })}</p> : ""}
      {props.failed.length > 0 ? (
        <section class="card warn" id="failed-plugins">
          <h2>{t("channel.failed_title")}</h2>
          <ul>
            {props.failed.map((f) => (
              <li>
                <code safe>{f.origin}</code>: <span safe>{f.error}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        ""
      )}
    </Layout>
  );
}
