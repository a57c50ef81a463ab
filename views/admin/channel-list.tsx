import type { Capability, PluginManifest } from "../../core/channels/contract.ts";
import type { ChannelView } from "../../core/channels/channel-service.ts";
import type { FailedPlugin, PluginSource } from "../../core/channels/registry.ts";
import type { MessageKey } from "../../core/i18n/index.ts";
import type { PageContext } from "../context.ts";
import { Table } from "../components/table.tsx";
import { Layout } from "../layout.tsx";

const CAPABILITY_KEYS: Record<Capability, MessageKey> = {
  text: "channel.cap.text",
  media: "channel.cap.media",
  location: "channel.cap.location",
  contacts: "channel.cap.contacts",
  interactive: "channel.cap.interactive",
  reactions: "channel.cap.reactions",
  templates: "channel.cap.templates",
  read_receipts: "channel.cap.read_receipts",
  delivery_status: "channel.cap.delivery_status",
};

export function ChannelsPage(props: {
  ctx: PageContext;
  channels: ChannelView[];
  queues: { id: number; name: string }[];
  plugins: { manifest: PluginManifest; source: PluginSource }[];
  failed: readonly FailedPlugin[];
  pluginsDir: string | null;
}): JSX.Element {
  const { ctx } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.plain("channel.title")}>
      <div class="page-head">
        <h1>{t("channel.title")}</h1>
      </div>
      <h2>{t("channel.mine")}</h2>
      <Table
        t={t}
        id="channels"
        head={[t("channel.name"), t("channel.type"), t("channel.queue"), t("common.status"), t("common.actions")]}
        empty={t("channel.empty")}
        rows={props.channels.map((c) => [
          <a href={`/admin/channels/${c.id}`} safe>
            {c.name}
          </a>,
          <span safe>{c.pluginName}</span>,
          c.queueId ? <span safe>{props.queues.find((q) => q.id === c.queueId)?.name ?? ""}</span> : <span class="muted">{t("channel.no_queue")}</span>,
          <span class={`badge ${c.status}`}>{t(`channel.status.${c.status}`)}</span>,
          <a href={`/admin/channels/${c.id}`}>{t("common.edit")}</a>,
        ])}
      />
      <h2>{t("channel.plugins")}</h2>
      {props.plugins.length === 0 ? (
        <p class="muted">{t("channel.no_plugins")}</p>
      ) : (
        <Table
          t={t}
          id="plugins"
          head={[t("channel.plugin_name"), t("channel.plugin_id"), t("channel.plugin_version"), t("channel.plugin_source"), t("channel.plugin_capabilities"), t("common.actions")]}
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
            <span safe>{p.manifest.capabilities.map((cap) => t.plain(CAPABILITY_KEYS[cap] ?? "channel.cap.other")).join(", ")}</span>,
            <a href={`/admin/channels/new?plugin=${encodeURIComponent(p.manifest.id)}`}>{t("channel.new")}</a>,
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

