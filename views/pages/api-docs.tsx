import type { Translate } from "../../core/i18n/index.ts";

type Json = Record<string, any>;
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Json;
  example?: unknown;
}
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  operationId?: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { content?: Record<string, { example?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { example?: unknown }> } | { $ref: string }>;
}
export interface ApiDocsSpec {
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { parameters?: Record<string, Parameter> };
}

const METHODS = ["get", "post", "put", "patch", "delete"];

/**
 * Server-rendered reference of the OpenAPI document, with a "Probar" form per
 * operation (views/assets/api-docs.js sends it with the token typed once at the
 * top): works offline and without third-party scripts, unlike hosted explorers.
 */
export function ApiDocsPage(props: { t: Translate; spec: ApiDocsSpec; assetVersion: string }): JSX.Element {
  const { spec, t } = props;
  const v = props.assetVersion;
  const byTag = new Map<string, { path: string; method: string; op: Operation }[]>();
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = ops[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? "api";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { path, method, op }]);
    }
  }
  const param = (p: Parameter | { $ref: string }): Parameter => ("$ref" in p ? spec.components!.parameters![p.$ref.split("/").pop()!]! : p);
  return (
    <>
      {"<!doctype html>"}
      <html lang={t.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{spec.info.title}</title>
          <link rel="stylesheet" href={`/assets/app.css?v=${v}`} />
          <script src={`/assets/api-docs.js?v=${v}`} defer></script>
        </head>
        <body>
          <main
            id="main"
            class="docs"
            data-msg-no-token={t.plain("apidocs.no_token")}
            data-msg-sending={t.plain("apidocs.sending")}
            data-msg-network={t.plain("apidocs.network_error")}
            data-msg-required={t.plain("apidocs.missing_param")}
          >
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
            <section class="card docs-rules">
              <h2>{t("apidocs.rules")}</h2>
              <p>{t("apidocs.paging")}</p>
              <p>{t("apidocs.idempotency")}</p>
            </section>
            <section class="card docs-token">
              <label for="api-token">{t("apidocs.token")}</label>
              <input id="api-token" type="password" autocomplete="off" spellcheck="false" placeholder="chk_…" />
              <p class="help">{t("apidocs.token_help")}</p>
            </section>
            <nav class="docs-toc" aria-label={t.plain("apidocs.contents")}>
              <h2>{t("apidocs.contents")}</h2>
              <ul>
                {[...byTag.keys()].map((tag) => (
                  <li>
                    <a href={`#tag-${tag}`} safe>
                      {tag}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            {[...byTag.entries()].map(([tag, ops]) => (
              <section id={`tag-${tag}`} class="docs-tag">
                <h2 class="docs-tag-title" safe>
                  {tag}
                </h2>
                {ops.map(({ path, method, op }) => {
                  const params = (op.parameters ?? []).map(param);
                  const body = op.requestBody?.content ? Object.entries(op.requestBody.content)[0] : undefined;
                  const ok = Object.entries(op.responses ?? {}).find(([s]) => s.startsWith("2"));
                  const okExample = ok && "content" in ok[1] ? Object.values(ok[1].content ?? {})[0]?.example : undefined;
                  const id = op.operationId ?? `${method}-${path}`;
                  return (
                    <section class="card endpoint" id={`op-${id}`}>
                      <h3>
                        <span class={`method ${method}`} safe>
                          {method.toUpperCase()}
                        </span>{" "}
                        <code safe>{path}</code>
                      </h3>
                      {op.summary ? <p safe>{op.summary}</p> : ""}
                      {op.description ? (
                        <p class="muted" safe>
                          {op.description}
                        </p>
                      ) : (
                        ""
                      )}
                      {body ? (
                        <details>
                          <summary>{t("apidocs.request_body")}</summary>
                          <pre safe>{exampleText(body[1].example)}</pre>
                        </details>
                      ) : (
                        ""
                      )}
                      {okExample !== undefined ? (
                        <details>
                          <summary>{t("apidocs.response_example", { code: ok![0] })}</summary>
                          <pre safe>{exampleText(okExample)}</pre>
                        </details>
                      ) : (
                        ""
                      )}
                      <p class="muted">{t("apidocs.responses", { codes: Object.keys(op.responses ?? {}).join(", ") || "200" })}</p>
                      <details class="try">
                        <summary>{t("apidocs.try")}</summary>
                        <form class="try-form" data-method={method.toUpperCase()} data-path={path} data-type={body?.[0] ?? ""} novalidate>
                          {params.length ? (
                            <fieldset>
                              <legend>{t("apidocs.parameters")}</legend>
                              {params.map((p) => (
                                <label class="try-param">
                                  <span>
                                    <code safe>{p.name}</code>{" "}
                                    <span class="muted" safe>
                                      {`${p.in}${p.required ? ` · ${t.plain("apidocs.required")}` : ""}`}
                                    </span>
                                  </span>
                                  <input
                                    name={p.name}
                                    data-in={p.in}
                                    required={!!p.required}
                                    placeholder={placeholderOf(p)}
                                    title={p.description ?? ""}
                                    autocomplete="off"
                                  />
                                </label>
                              ))}
                            </fieldset>
                          ) : (
                            ""
                          )}
                          {body ? (
                            <label class="try-body">
                              <span>
                                {t("apidocs.request_body")} <code safe>{body[0]}</code>
                              </span>
                              <textarea name="body" rows="8" spellcheck="false" safe>
                                {exampleText(body[1].example)}
                              </textarea>
                            </label>
                          ) : (
                            ""
                          )}
                          <button type="submit" class="primary">
                            {t("apidocs.send")}
                          </button>
                          <div class="try-result" role="status" aria-live="polite" hidden>
                            <p class="try-status"></p>
                            <pre class="try-response"></pre>
                          </div>
                        </form>
                      </details>
                    </section>
                  );
                })}
              </section>
            ))}
          </main>
        </body>
      </html>
    </>
  );
}

function exampleText(example: unknown): string {
  if (example === undefined) return "";
  return typeof example === "string" ? example : JSON.stringify(example, null, 2);
}

function placeholderOf(p: Parameter): string {
  if (p.example !== undefined) return String(p.example);
  const s = p.schema ?? {};
  const candidate = s.examples?.[0] ?? s.anyOf?.find((x: Json) => x.examples)?.examples?.[0];
  return candidate === undefined ? "" : String(candidate);
}
