import type { Translate } from "../../core/i18n/index.ts";

/** What a customer sees at a chat address that does not (or cannot now) serve a chat. */
export function PublicErrorPage(props: { t: Translate; title: string; message: string; assetVersion: string }): JSX.Element {
  const { t } = props;
  return (
    <>
      {"<!doctype html>"}
      <html lang={t.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <title safe>{props.title}</title>
          <link rel="stylesheet" href={`/assets/app.css?v=${props.assetVersion}`} />
        </head>
        <body>
          <main>
            <section class="card narrow" id="public-error">
              <h1 safe>{props.title}</h1>
              <p safe>{props.message}</p>
            </section>
          </main>
        </body>
      </html>
    </>
  );
}
