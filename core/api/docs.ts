import type { TSchema } from "@sinclair/typebox";

/**
 * What a route of the API says about itself in OpenAPI, beyond the schemas of
 * its input (which come from the route's own `body`, `query` and `params`):
 * a summary, tags, an example request body, and the success answer with its
 * schema and an example. Put it in the route's `detail`:
 *
 * @example
 * .post("/queues", handler, {
 *   api: "write",
 *   body: QueueBody,
 *   detail: op({ summary: "Create a queue", tags: ["queues"], body: { name: "ventas" }, ok: { status: 201, schema: Queue, example: queueExample } }),
 * })
 *
 * The document then gets the error answers (400/401/403/404/409/422 with the one
 * error shape), `Idempotency-Key` on every POST and the paging parameters on its
 * own (see openapi-augment.ts).
 */
export interface OperationDoc {
  summary: string;
  tags: string[];
  description?: string;
  /** An example of the request body. */
  body?: unknown;
  /** The request body's media type when it is not JSON (a CSV import). */
  bodyType?: string;
  /** The success answer; default 200 with no schema. 204 has no body. */
  ok?: { status?: 200 | 201 | 202 | 204; schema?: TSchema; example?: unknown; type?: string; description?: string };
}

const STATUS_TEXT: Record<number, string> = { 200: "OK", 201: "Created", 202: "Accepted", 204: "No content" };

/** Plain JSON Schema from a TypeBox schema (its symbols dropped). */
export function jsonSchema(s: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(s)) as Record<string, unknown>;
}

export function op(d: OperationDoc) {
  const status = d.ok?.status ?? 200;
  const type = d.ok?.type ?? "application/json";
  const media: Record<string, unknown> = {};
  if (d.ok?.schema) media.schema = jsonSchema(d.ok.schema);
  if (d.ok?.example !== undefined) media.example = d.ok.example;
  return {
    summary: d.summary,
    tags: d.tags,
    ...(d.description ? { description: d.description } : {}),
    ...(d.body !== undefined ? { requestBody: { content: { [d.bodyType ?? "application/json"]: { example: d.body } } } } : {}),
    responses: {
      [String(status)]: {
        description: d.ok?.description ?? STATUS_TEXT[status]!,
        ...(status === 204 ? {} : { content: { [type]: media } }),
      },
    },
  } as unknown as { summary: string; tags: string[] };
}
