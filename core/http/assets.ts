import { Elysia } from "elysia";
import htmxPath from "htmx.org/dist/htmx.min.js" with { type: "file" };
import ssePath from "htmx.org/dist/ext/hx-sse.min.js" with { type: "file" };
import upsertPath from "htmx.org/dist/ext/hx-upsert.min.js" with { type: "file" };
import appCssPath from "../../views/assets/app.css" with { type: "file" };
import appJsPath from "../../views/assets/app.js" with { type: "file" };
import apiDocsJsPath from "../../views/assets/api-docs.js" with { type: "file" };
import pkg from "../../package.json";

/**
 * Static assets, imported as files so `bun build --compile` embeds them in the
 * binary. URLs carry ?v=<version>, so browsers may cache them for a year.
 */
export const ASSET_VERSION = pkg.version;

const ASSETS: Record<string, { path: string; type: string }> = {
  "htmx.js": { path: htmxPath, type: "text/javascript; charset=utf-8" },
  "hx-sse.js": { path: ssePath, type: "text/javascript; charset=utf-8" },
  "hx-upsert.js": { path: upsertPath, type: "text/javascript; charset=utf-8" },
  "app.css": { path: appCssPath, type: "text/css; charset=utf-8" },
  "app.js": { path: appJsPath, type: "text/javascript; charset=utf-8" },
  "api-docs.js": { path: apiDocsJsPath, type: "text/javascript; charset=utf-8" },
};

export function assetRoutes() {
  return new Elysia().get("/assets/:name", ({ params, query, set }) => {
    const asset = ASSETS[params.name];
    if (!asset) {
      set.status = 404;
      return "not found";
    }
    return new Response(Bun.file(asset.path), {
      headers: {
        "content-type": asset.type,
        "cache-control": query.v ? "public, max-age=31536000, immutable" : "public, max-age=300",
      },
    });
  });
}
