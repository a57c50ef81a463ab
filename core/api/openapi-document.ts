import { toOpenAPISchema } from "@elysiajs/openapi";
import type { Elysia } from "elysia";
import pkg from "../../package.json";
import { API_PAGE_MAX, API_PAGE_SIZE } from "../shared/paging.ts";
import { ErrorSchema } from "./api-schemas.ts";
import { jsonSchema } from "./docs.ts";
import { MAX_KEY_LENGTH } from "./idempotency-service.ts";

type Json = Record<string, any>;
interface RouteLike {
  method: string;
  path: string;
  hooks: Json;
}

const OPTIONAL = Symbol.for("TypeBox.Optional");
const error = (code: string, message: string, fields?: Record<string, string>) => ({ error: { code, message, ...(fields ? { fields } : {}) } });

/** The answers every operation may give, once, referenced from each operation. */
const ERRORS: Record<string, { ref: string; description: string; example: unknown }> = {
  400: { ref: "BadRequest", description: "Malformed input: JSON that does not parse, a bad Idempotency-Key", example: error("malformed_json", "El cuerpo no es JSON válido.") },
  401: { ref: "Unauthorized", description: "No token, or an unknown or revoked one", example: error("unauthenticated", "Inicie sesión para continuar.") },
  403: { ref: "Forbidden", description: "A read token on a write operation", example: error("insufficient_scope", "No tiene permiso para ver esta página.") },
  404: { ref: "NotFound", description: "Nothing with that id in the token's company", example: error("not_found", "No encontramos lo que busca.") },
  409: {
    ref: "Conflict",
    description: "The state does not allow it now (a closed conversation, outside the messaging window...), or a request with the same Idempotency-Key is still running",
    example: error("idempotency_in_flight", "Una solicitud con esta Idempotency-Key todavía está en curso. Espere su respuesta y vuelva a intentar."),
  },
  422: {
    ref: "Unprocessable",
    description: "Invalid input; `fields` names each problem",
    example: error("validation_failed", "Algunos datos no son válidos.", { name: "Ya existe una cola con ese nombre." }),
  },
};

/**
 * The API's OpenAPI 3.1 document: @elysiajs/openapi reads the routes' schemas
 * (parameters, query), and this adds what it cannot know: request bodies (Charla's
 * own body parser hides their media type from it), the examples and success
 * answers of each route's `op()` detail, the error answers, `Idempotency-Key` on
 * every POST and the paging parameters' meaning.
 */
export function openApiDocument(api: Elysia<any, any, any, any, any, any, any>): Json {
  // The router is the whole app's: only /api/v1 goes in (the document itself neither).
  const generated = toOpenAPISchema(api, { paths: [/^(?!\/api\/v1\/)/, "/api/v1/openapi.json"] }, undefined, undefined, "3.1.2") as Json;
  const doc: Json = {
    openapi: "3.1.2",
    info: {
      title: "Charla API",
      version: pkg.version,
      description:
        "Company-scoped JSON API. Authorization: Bearer <token>. " +
        `Lists take ?limit= (1-${API_PAGE_MAX}, default ${API_PAGE_SIZE}) and ?cursor= (the previous page's next) and answer {"data":[...],"next":cursor|null}. ` +
        "Every POST takes an Idempotency-Key header: the same key and request within 24 h replays the first answer instead of acting again.",
    },
    security: [{ bearer: [] }],
    paths: generated.paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { ...generated.components.schemas, Error: jsonSchema(ErrorSchema) },
      responses: Object.fromEntries(
        Object.values(ERRORS).map((e) => [e.ref, { description: e.description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" }, example: e.example } } }]),
      ),
      parameters: {
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description:
            "Any unique string (a UUID): retrying with the same key and the same request within 24 hours returns the first answer with `Idempotent-Replayed: true` and does nothing again. " +
            "The same key with another request is a 422; while the first request still runs, a 409. Error answers are not kept.",
          schema: { type: "string", minLength: 1, maxLength: MAX_KEY_LENGTH },
          example: "7b0f3c5e-2f4a-4c1e-9a57-0d6f0b7e9a11",
        },
      },
    },
  };
  for (const route of api.routes as RouteLike[]) augment(doc, route);
  return withoutNullable(doc) as Json;
}

/** TypeBox's `nullable: true` is OpenAPI 3.0; in 3.1 the `anyOf [..., null]` beside it says it all. */
function withoutNullable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNullable);
  if (!v || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v).filter(([k, x]) => !(k === "nullable" && typeof x === "boolean")).map(([k, x]) => [k, withoutNullable(x)]));
}

function augment(doc: Json, route: RouteLike): void {
  const method = route.method.toLowerCase();
  const operation = doc.paths[route.path.replace(/:([^/]+)/g, "{$1}")]?.[method] as Json | undefined;
  if (!operation) return;
  const hooks = route.hooks ?? {};
  const detail: Json = hooks.detail ?? {};
  const write = method !== "get";

  const declared: Json = detail.requestBody?.content ?? {};
  const type = Object.keys(declared)[0] ?? "application/json";
  if (hooks.body || detail.requestBody) {
    const schema = hooks.body ? jsonSchema(hooks.body) : { type: "string" };
    const example = declared[type]?.example ?? exampleOf(schema);
    operation.requestBody = { required: !(hooks.body && hooks.body[OPTIONAL]), content: { [type]: { schema, ...(example !== undefined ? { example } : {}) } } };
  } else delete operation.requestBody;

  const responses: Json = { ...(operation.responses ?? {}), ...(detail.responses ?? {}) };
  const errors = ["401"];
  if (write) errors.push("403");
  if (route.path.includes(":")) errors.push("404");
  if (method === "post") errors.push("400", "409");
  else if (write) errors.push("400");
  if (hooks.body || hooks.query || route.path.includes(":") || write) errors.push("422");
  for (const status of errors.sort()) responses[status] ??= { $ref: `#/components/responses/${ERRORS[status]!.ref}` };
  operation.responses = responses;

  const parameters: Json[] = operation.parameters ?? [];
  for (const p of parameters) {
    if (p.in !== "query") continue;
    if (p.name === "limit") p.description = `Items per page, 1 to ${API_PAGE_MAX} (default ${API_PAGE_SIZE})`;
    if (p.name === "cursor") p.description = "The `next` value of the previous page; absent for the first page";
  }
  if (method === "post") parameters.push({ $ref: "#/components/parameters/IdempotencyKey" });
  if (parameters.length) operation.parameters = parameters;
}

/** An example built from the schema's own `examples` (what a route without `op({ body })` still offers). */
function exampleOf(schema: Json): unknown {
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.type === "object" && schema.properties) {
    const out: Json = {};
    for (const [name, prop] of Object.entries(schema.properties as Json)) {
      const v = exampleOf(prop as Json);
      if (v !== undefined) out[name] = v;
      else if ((schema.required ?? []).includes(name)) return undefined;
    }
    return out;
  }
  return undefined;
}
