import { Elysia } from "elysia";
import type { Language } from "../auth/roles.ts";
import { ASSET_VERSION } from "../http/assets.ts";
import { translator } from "../i18n/index.ts";
import { ApiDocsPage, type ApiDocsSpec } from "../../views/pages/api-docs.tsx";
import { openApiDocument } from "./openapi-document.ts";

/**
 * `/api/v1/openapi.json` is built from the route schemas of the API instance (see
 * openapi-document.ts), once; `/api/docs` renders it on the server (no CDN scripts)
 * with a form per operation to try it with a token.
 */
export function openapiRoutes(api: Elysia<any, any, any, any, any, any, any>, language: (request: Request) => Language) {
  let cached: Record<string, any> | null = null;
  const doc = () => (cached ??= openApiDocument(api));
  return new Elysia()
    .use(api)
    .get("/api/v1/openapi.json", () => Response.json(doc(), { headers: { "cache-control": "no-cache" } }))
    .get("/api/docs", ({ request }) => {
      const page = ApiDocsPage({ spec: doc() as ApiDocsSpec, t: translator(language(request)), assetVersion: ASSET_VERSION });
      return new Response(page as string, { headers: { "content-type": "text/html; charset=utf-8" } });
    });
}
