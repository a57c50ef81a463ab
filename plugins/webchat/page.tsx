import type { TranscriptEntry } from "../../core/channels/contract.ts";
import type { ResolvedConfig } from "./config.ts";
import { SCRIPT_KEYS, type Lang, type Strings } from "./i18n.ts";

export interface ChatPageProps {
  lang: Lang;
  t: Strings;
  config: ResolvedConfig;
  entries: TranscriptEntry[];
  embed: boolean;
  /** <PUBLIC_URL>/chat/<channelId> */
  publicUrl: string;
  webhookUrl: string;
  assetVersion: string;
  /** Nobody who could answer is online now: the page says so (and still takes the message). */
  nobodyOnline: boolean;
}

/**
 * The hosted chat: a full document, also shown compact inside the widget's
 * iframe (?embed=1). No inline script: chat.js reads what it needs from the
 * data-* attributes of #wc.
 */
export function ChatPage(p: ChatPageProps): JSX.Element {
  const { t, config } = p;
  const v = encodeURIComponent(p.assetVersion);
  const prechat = !p.entries.length && (config.askName || config.askPhone);
  const scriptStrings = Object.fromEntries(SCRIPT_KEYS.map((k) => [k, t[k]]));
  return (
    <>
      {"<!doctype html>"}
      <html lang={p.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <title safe>{config.title}</title>
          <link rel="stylesheet" href={`${p.publicUrl}/chat.css?v=${v}`} />
          <script src={`${p.publicUrl}/chat.js?v=${v}`} defer></script>
        </head>
        <body class={p.embed ? "wc-embed" : "wc-page"} style={`--wc-brand: ${config.color}`}>
          <div
            id="wc"
            class="wc"
            data-webhook-url={p.webhookUrl}
            data-stream-url={`${p.publicUrl}/stream`}
            data-transcript-url={`${p.publicUrl}/transcript`}
            data-lang={p.lang}
            data-embed={p.embed ? "1" : "0"}
            data-strings={JSON.stringify(scriptStrings)}
          >
            <header class="wc-head">
              <h1 safe>{config.title}</h1>
              {p.embed ? (
                <button type="button" class="wc-close" data-wc-close aria-label={t.close} title={t.close}>
                  ×
                </button>
              ) : (
                ""
              )}
            </header>
            <ol id="wc-log" class="wc-log" aria-live="polite" aria-label={t.conversation}>
              <li class="wc-msg wc-out wc-welcome">
                <p class="wc-text" safe>
                  {config.welcome[p.lang] ?? t.welcome}
                </p>
              </li>
              {p.entries.map((e) => (
                <Entry entry={e} t={t} />
              ))}
            </ol>
            {p.nobodyOnline ? (
              <p class="wc-notice wc-info" role="status" id="wc-nobody" safe>
                {t.nobodyOnline}
              </p>
            ) : (
              ""
            )}
            <p id="wc-notice" class="wc-notice" role="alert" hidden></p>
            <noscript>
              <p class="wc-notice" safe>
                {t.noscript}
              </p>
            </noscript>
            <form id="wc-form" class="wc-form" autocomplete="on">
              {prechat ? <Prechat t={t} config={config} /> : ""}
              <div class="wc-compose">
                <textarea name="text" rows="1" maxlength="4000" required placeholder={t.message} aria-label={t.message}></textarea>
                <button type="submit" class="wc-send" safe>
                  {t.send}
                </button>
              </div>
            </form>
          </div>
        </body>
      </html>
    </>
  );
}

function Prechat({ t, config }: { t: Strings; config: ResolvedConfig }): JSX.Element {
  return (
    <fieldset id="wc-prechat" class="wc-prechat">
      <legend safe>{t.prechatIntro}</legend>
      {config.askName ? (
        <label>
          <span safe>{t.name}</span>
          <input type="text" name="name" maxlength="100" autocomplete="name" required />
        </label>
      ) : (
        ""
      )}
      {config.askPhone ? (
        // Browsers compile `pattern` with the v flag, where ( ) - must be escaped inside a class.
        <label>
          <span safe>{t.phone}</span>
          <input type="tel" name="phone" maxlength="20" autocomplete="tel" pattern="\+?[0-9 \(\)\-]{6,20}" title={t.phoneHint} placeholder={t.phoneHint} required />
        </label>
      ) : (
        ""
      )}
    </fieldset>
  );
}

/** One message of the transcript. chat.js builds the same markup for live messages. */
function Entry({ entry: e, t }: { entry: TranscriptEntry; t: Strings }): JSX.Element {
  const side = e.author === "system" ? "wc-system" : e.direction === "in" ? "wc-in" : "wc-out";
  return (
    <li
      class={`wc-msg ${side}`}
      data-key={e.externalId ?? `id:${e.id}`}
      data-external-id={e.externalId ?? undefined}
      data-direction={e.direction}
      data-status={e.status}
      data-created-at={String(e.createdAt)}
    >
      {e.mediaUrl && /^https?:\/\//i.test(e.mediaUrl) ? <Media entry={e} t={t} /> : ""}
      {e.text ? (
        <p class="wc-text" safe>
          {e.text}
        </p>
      ) : (
        ""
      )}
      <time class="wc-time" datetime={new Date(e.createdAt).toISOString()}></time>
    </li>
  );
}

function Media({ entry: e, t }: { entry: TranscriptEntry; t: Strings }): JSX.Element {
  const url = e.mediaUrl!;
  const type = mediaFamily(e.mediaType, e.kind);
  if (type === "image") return <img class="wc-media" src={url} alt={e.filename ?? t.attachment} loading="lazy" />;
  if (type === "audio") return <audio class="wc-media" src={url} controls="" preload="none"></audio>;
  if (type === "video") return <video class="wc-media" src={url} controls></video>;
  return (
    <a class="wc-file" href={url} target="_blank" rel="noopener noreferrer" safe>
      {e.filename ?? t.attachment}
    </a>
  );
}

/** "image/png" or a bare "image" -> "image"; anything else is offered as a download. */
export function mediaFamily(mediaType: string | null, kind: string): "image" | "audio" | "video" | "file" {
  const family = (mediaType ?? kind).split("/")[0]!.toLowerCase();
  return family === "image" || family === "audio" || family === "video" ? family : "file";
}
