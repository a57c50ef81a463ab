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
export function ApiDocsPage(props: { spec: { info: { title: string; version: string }; paths: Record<string, Record<string, Operation>> } }): JSX.Element {
  const { spec } = props;
  return (
    <>
      {"<!doctype html>"}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{spec.info.title}</title>
          <link rel="stylesheet" href="/assets/app.css" />
        </head>
        <body>
          <main id="main" class="docs">
            <h1 safe>{`${spec.info.title} ${spec.info.version}`}</h1>
            <p>
              Authenticate with <code>Authorization: Bearer &lt;token&gt;</code> (create tokens in the panel under API, or with{" "}
              <code>charla token create</code>). Errors are <code>{'{"error":{"code","message"}}'}</code>. Machine-readable document:{" "}
              <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
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
                      <summary>Request body</summary>
                      <pre safe>{JSON.stringify(op.requestBody, null, 2)}</pre>
                    </details>
                  ) : (
                    ""
                  )}
                  <p class="muted" safe>
                    {`Responses: ${Object.keys(op.responses ?? {}).join(", ") || "200"}`}
                  </p>
                </section>
              )),
            )}
          </main>
        </body>
      </html>
    </>
  );
}
