import type { Translate } from "../../core/i18n/index.ts";

interface Operation {
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: unknown;
  responses?: Record<string, { description?: string }>;
}

/**
 * Server-rendered reference of the OpenAPI document: works offline and without
 * third-party scripts, unlike hosted API explorers.
 */
export function ApiDocsPage(props: { t: Translate; spec: { info: { title: string; version: string }; paths: Record<string, Record<string, Operation>> } }): JSX.Element {
  const { spec, t } = props;
  return (
    <>
      {"<!doctype html>"}
      <html lang={t.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{spec.info.title}</title>
          <link rel="stylesheet" href="/assets/app.css" />
        </head>
        <body>
          <main id="main" class="docs">
            <p>
              <a href="/" id="back-to-panel">
                {t("apidocs.back")}
              </a>
            </p>
            <h1 safe>{`${spec.info.title} ${spec.info.version}`}</h1>
            <p>{t("apidocs.intro")}</p>
            <p>
              <a href="/api/v1/openapi.json">{t("apidocs.spec")}</a>: <code>/api/v1/openapi.json</code>
            </p>
            {Object.entries(spec.paths).map(([path, ops]) =>
              Object.entries(ops).map(([method, op]) => (
                <section class="card endpoint">
                  <h2>
                    <span class={`method ${method}`} safe>
                      {method.toUpperCase()}
                    </span>{" "}
                    <code safe>{path}</code>
                  </h2>
                  {op.summary ? <p safe>{op.summary}</p> : ""}
                  {op.description ? <p class="muted" safe>{op.description}</p> : ""}
                  {op.requestBody ? (
                    <details>
                      <summary>{t("apidocs.request_body")}</summary>
                      <pre safe>{JSON.stringify(op.requestBody, null, 2)}</pre>
                    </details>
                  ) : (
                    ""
                  )}
                  <p class="muted">{t("apidocs.responses", { codes: Object.keys(op.responses ?? {}).join(", ") || "200" })}</p>
                </section>
              )),
            )}
          </main>
        </body>
      </html>
    </>
  );
}
