import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";

type Json = Record<string, any>;
const METHODS = ["get", "post", "put", "patch", "delete"];

/**
 * The OpenAPI document is the API's reference for integrators: valid against the
 * official OpenAPI 3.1 schema, complete (every /api/v1 route, each with a summary,
 * tags, schemas, examples and the error answers) and true to itself (every example
 * validates against its schema).
 */
describe("OpenAPI document", () => {
  let app: TestApp;
  let doc: Json;
  const operations = () => Object.entries(doc.paths as Json).flatMap(([path, ops]) => METHODS.filter((m) => ops[m]).map((m) => ({ path, method: m, op: ops[m] as Json })));
  /** "#/components/x/y" resolved in the document. */
  const deref = (v: Json): Json => (v?.$ref ? deref(v.$ref.slice(2).split("/").reduce((o: Json, k: string) => o[k], doc)) : v);

  beforeAll(async () => {
    app = await createTestApp();
    doc = (await (await app.app.handle(new Request("http://localhost/api/v1/openapi.json"))).json()) as Json;
  });
  afterAll(() => app.close());

  test("validates against the official OpenAPI 3.1 JSON Schema", async () => {
    expect(doc.openapi).toStartWith("3.1");
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test("lists every /api/v1 route the app registers, and nothing else", () => {
    const registered = app.app.routes
      .filter((r) => r.path.startsWith("/api/v1/") && r.path !== "/api/v1/openapi.json" && METHODS.includes(r.method.toLowerCase()))
      .map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:([^/]+)/g, "{$1}")}`)
      .sort();
    const documented = operations()
      .map((o) => `${o.method.toUpperCase()} ${o.path}`)
      .sort();
    expect(documented).toEqual([...new Set(registered)]);
    expect(documented.length).toBeGreaterThan(100);
    expect(documented.some((p) => p.includes("//") || p.endsWith("/"))).toBe(false);
  });

  test("every operation has a summary, tags, a success answer with an example, and the error answers", () => {
    const problems: string[] = [];
    for (const { path, method, op } of operations()) {
      const name = `${method.toUpperCase()} ${path}`;
      if (!op.summary) problems.push(`${name}: no summary`);
      if (!op.tags?.length) problems.push(`${name}: no tags`);
      const success = Object.entries(op.responses ?? {}).filter(([s]) => s.startsWith("2"));
      if (success.length === 0) problems.push(`${name}: no 2xx answer`);
      for (const [status, r] of success as [string, Json][]) {
        if (status === "204") continue;
        const media = Object.values(r.content ?? {})[0] as Json | undefined;
        if (!media?.schema) problems.push(`${name}: ${status} without a schema`);
        if (media?.example === undefined) problems.push(`${name}: ${status} without an example`);
      }
      if (op.requestBody) {
        const media = Object.values(op.requestBody.content ?? {})[0] as Json | undefined;
        if (!media?.schema) problems.push(`${name}: request body without a schema`);
        if (media?.example === undefined) problems.push(`${name}: request body without an example`);
      }
      const errors = ["401", ...(method === "get" ? [] : ["403", "422"]), ...(path.includes("{") ? ["404"] : [])];
      for (const s of errors) if (!op.responses?.[s]) problems.push(`${name}: no ${s} answer`);
      if (method === "post" && !(op.parameters ?? []).some((p: Json) => deref(p).name === "Idempotency-Key")) problems.push(`${name}: no Idempotency-Key`);
    }
    expect(problems).toEqual([]);
    const error = deref(doc.paths["/api/v1/queues"].post.responses["422"]).content["application/json"];
    expect(deref(error.schema).properties.error.required).toEqual(["code", "message"]);
  });

  test("every example validates against its schema", () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: "doc", components: doc.components }, "doc");
    const check = (where: string, media: Json | undefined, problems: string[]) => {
      if (!media?.schema || media.example === undefined) return;
      const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"doc#/components/'));
      const validate = ajv.compile(schema);
      if (!validate(media.example)) problems.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    };
    const problems: string[] = [];
    let checked = 0;
    for (const { path, method, op } of operations()) {
      const name = `${method.toUpperCase()} ${path}`;
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) check(`${name} body ${type}`, media as Json, problems), checked++;
      for (const [status, r] of Object.entries(op.responses ?? {})) {
        for (const [type, media] of Object.entries(deref(r as Json).content ?? {})) check(`${name} ${status} ${type}`, media as Json, problems), checked++;
      }
      for (const p of op.parameters ?? []) {
        const param = deref(p);
        if (param.example !== undefined) check(`${name} parameter ${param.name}`, { schema: param.schema, example: param.example }, problems);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(300);
  });

  test("lists document ?cursor= and ?limit=; POSTs the Idempotency-Key header", () => {
    const lists = operations().filter(({ method, op }) => method === "get" && deref(Object.values(op.responses?.["200"]?.content ?? {})[0] as Json)?.schema?.properties?.next);
    expect(lists.length).toBeGreaterThanOrEqual(16);
    for (const { path, op } of lists) {
      const names = (op.parameters ?? []).map((p: Json) => deref(p).name);
      expect({ path, cursor: names.includes("cursor"), limit: names.includes("limit") }).toEqual({ path, cursor: true, limit: true });
      const limit = op.parameters.find((p: Json) => p.name === "limit");
      expect(limit.description).toContain("1 to 200 (default 50)");
    }
    const key = doc.components.parameters.IdempotencyKey;
    expect(key).toMatchObject({ name: "Idempotency-Key", in: "header", schema: { maxLength: 200 } });
  });
});
