import type { Translate } from "../../core/i18n/index.ts";

/** One small icon per kind of channel (the contact list's "canales" column), named for screen readers. */
export function ChannelIcon(props: { t: Translate; pluginId: string }): JSX.Element {
  const label =
    props.pluginId === "whatsapp-cloud" ? "WhatsApp" : props.pluginId === "messenger" ? "Messenger" : props.pluginId === "webchat" ? props.t.plain("contact.channel_webchat") : props.pluginId;
  const kind = props.pluginId === "whatsapp-cloud" ? "wa" : props.pluginId === "messenger" ? "fb" : props.pluginId === "webchat" ? "web" : "other";
  return (
    <svg class={`channel-icon ${kind}`} viewBox="0 0 24 24" width="18" height="18" role="img" aria-label={label}>
      <title safe>{label}</title>
      {kind === "wa" ? (
        <>
          <path d="M12 3a9 9 0 0 0-7.8 13.5L3 21l4.6-1.2A9 9 0 1 0 12 3z" fill="#25d366" />
          <path d="M9 8.5c.3 2.6 2.5 5.3 5.6 6l1.2-1.3-1.8-.9-.8.8c-1-.4-2-1.4-2.4-2.4l.8-.8-.9-1.8z" fill="#fff" />
        </>
      ) : kind === "fb" ? (
        <>
          <path d="M12 3C7 3 3 6.7 3 11.4c0 2.6 1.3 5 3.4 6.5V21l3-1.7c.8.2 1.7.4 2.6.4 5 0 9-3.7 9-8.3S17 3 12 3z" fill="#0a7cff" />
          <path d="M7 13.5l3-3.2 1.9 1.7 3-1.7-3 3.2-1.9-1.7z" fill="#fff" />
        </>
      ) : (
        <>
          <circle cx="12" cy="12" r="9" fill="none" stroke="#475467" stroke-width="2" />
          <path d="M3 12h18M12 3c2.5 2.5 3.5 5.5 3.5 9S14.5 18.5 12 21c-2.5-2.5-3.5-5.5-3.5-9S9.5 5.5 12 3z" fill="none" stroke="#475467" stroke-width="1.6" />
        </>
      )}
    </svg>
  );
}
