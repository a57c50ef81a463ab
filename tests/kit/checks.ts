/**
 * The conformance checks, as plain async functions that throw a ConformanceError
 * naming what is wrong and what the core would do about it. The runner
 * (runner.ts) turns them into bun:test tests; they can also be called directly
 * (tests/kit/selftest does, to prove they catch broken plugins).
 */
import type { ChannelPlugin, InboundResult, NormalizedInbound, OutboundMessage, SendResult, StatusUpdate, WebhookRequest } from "../../plugins/sdk/index.ts";
import type { Auth, CheckId, ConformanceAdapter, KitEnv, SendOutcome } from "./adapter.ts";
import { CHECK_IDS } from "./adapter.ts";
import { createKitContext } from "./context.ts";
import { coreConfig, manifestProblems, schemaFields, secretValues, unmarkedSecrets } from "./rules.ts";
import { isKnownCode, messageProblems, reasonProblems, resultProblems, sendResultProblems, statusProblems, timestampProblems } from "./shapes.ts";

// The kit works on any plugin's config type; inside, configs are plain objects.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyPlugin = ChannelPlugin<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyAdapter = ConformanceAdapter<any>;
type Env = KitEnv<Record<string, unknown>>;

export class ConformanceError extends Error {
  override name = "ConformanceError";
}

export interface Check {
  id: CheckId;
  title: string;
  /** Why the check does not apply to this plugin (a missing capability...), or null when it does. */
  gate?(plugin: AnyPlugin, adapter: AnyAdapter): string | null;
  run(plugin: AnyPlugin, adapter: AnyAdapter): Promise<void>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

function fail(summary: string, problems: string[] = []): never {
  throw new ConformanceError(problems.length ? `${summary}:\n${problems.map((p) => `  - ${p}`).join("\n")}` : summary);
}

function assertNone(problems: string[], summary: string): void {
  if (problems.length) fail(summary, problems);
}

export function bytesOf(body: string | Uint8Array | object): Uint8Array {
  if (body instanceof Uint8Array) return body;
  return enc.encode(typeof body === "string" ? body : JSON.stringify(body));
}

// ------------------------------------------------------------------ env

/** A fresh instance of the plugin on the adapter's config, over a fresh kit context. */
export async function openEnv(plugin: AnyPlugin, adapter: AnyAdapter): Promise<Env> {
  await adapter.provider?.reset?.();
  const kit = createKitContext(await adapter.context?.());
  const raw = await adapter.config();
  const { value, errors, problems } = coreConfig(plugin.configSchema, raw);
  assertNone([...problems, ...Object.entries(errors).map(([k, e]) => `config.${k}: ${e}`)], "the adapter's config does not pass the core's settings rules (an admin could not save it)");
  let instance;
  try {
    instance = await plugin.create(kit.ctx, value);
  } catch (e) {
    fail(`create() threw on the adapter's config: ${errorText(e)} (the core refuses such settings when an admin saves them, and marks a saved channel "Requiere atención")`);
  }
  if (!instance || typeof instance.handleWebhook !== "function" || typeof instance.send !== "function") {
    fail("create() must resolve to an instance with handleWebhook(req) and send(msg)");
  }
  return { plugin, instance, config: value, ctx: kit.ctx, kit };
}

/** Runs `fn` on a fresh env, then checks no secret leaked into logs or health reports, then disposes of the instance. */
export async function withEnv(plugin: AnyPlugin, adapter: AnyAdapter, fn: (env: Env) => Promise<void | unknown[]>): Promise<void> {
  const env = await openEnv(plugin, adapter);
  try {
    const seen = (await fn(env)) ?? [];
    assertNoLeaks(env, seen);
  } finally {
    env.kit.network.cutAfterMs = null;
    try {
      await env.instance.dispose?.();
    } catch {
      // Reported by the dispose check.
    }
  }
}

/** Secret settings must never reach logs, health reasons or what the plugin returns (reasons are shown to agents). */
export function assertNoLeaks(env: Env, seen: unknown[] = []): void {
  const secrets = secretValues(env.plugin.configSchema, env.config);
  if (!secrets.length) return;
  const places: [string, string][] = [
    ...env.kit.logs.map((l, i): [string, string] => [`log line ${i + 1} (${l.level} "${l.msg}")`, JSON.stringify(l)]),
    ...env.kit.health.map((h, i): [string, string] => [`reportHealth call ${i + 1}`, JSON.stringify(h)]),
    ...seen.map((s, i): [string, string] => [`returned value ${i + 1}`, safeJson(s)]),
  ];
  const leaks = places.filter(([, text]) => secrets.some((s) => text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1)))).map(([where]) => `${where} contains a secret setting's value`);
  assertNone(leaks, "a secret setting leaked (logs are kept, reasons are shown to agents and admins)");
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (x instanceof Response ? "[Response]" : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

function checkRequest(req: WebhookRequest, what: string): void {
  const problems: string[] = [];
  if (!req || typeof req !== "object") fail(`adapter.webhook.request() gave ${String(req)} for ${what}`);
  if (req.method !== "GET" && req.method !== "POST") problems.push(`method must be "GET" or "POST" (got ${JSON.stringify(req.method)})`);
  if (!(req.url instanceof URL)) problems.push("url must be a URL");
  if (!(req.headers instanceof Headers)) problems.push("headers must be a Headers");
  if (!(req.body instanceof Uint8Array)) problems.push("body must be a Uint8Array");
  if (typeof req.clientAddress !== "string") problems.push("clientAddress must be a string");
  assertNone(problems, `the adapter's webhook request for ${what} is not a WebhookRequest`);
}

/** handleWebhook on a request, which must resolve to a well-formed result and never throw. */
export async function handle(env: Env, req: WebhookRequest, what: string): Promise<InboundResult> {
  checkRequest(req, what);
  let r: InboundResult;
  try {
    r = await env.instance.handleWebhook(req);
  } catch (e) {
    fail(`handleWebhook() threw on ${what}: ${errorText(e)}. The core then answers the provider 503 and marks the channel "Requiere atención"; return { type: "rejected" } or { type: "ignored" } instead`);
  }
  assertNone(resultProblems(r, `handleWebhook() on ${what}`), "the webhook result breaks the contract");
  if (r.type === "events" && !env.instance.fetchMedia && r.messages.some((m) => m.content?.kind === "media")) {
    fail(`handleWebhook() on ${what} produced a media message, but the instance has no fetchMedia: the core's media fetcher would fail on it ("cannot download media")`);
  }
  return r;
}

export async function deliver(env: Env, adapter: AnyAdapter, body: Uint8Array, auth: Auth, what: string): Promise<InboundResult> {
  return handle(env, await adapter.webhook.request(body, auth, env), what);
}

function expectEvents(r: InboundResult, what: string): { messages: NormalizedInbound[]; statuses: StatusUpdate[] } {
  if (r.type !== "events") fail(`${what} should give { type: "events" }, got ${JSON.stringify(r.type === "rejected" ? { type: r.type, status: r.status, reason: r.reason } : r.type === "ignored" ? r : { type: r.type })}`);
  return r;
}

function expectRejected(r: InboundResult, what: string, statuses: readonly number[]): void {
  if (r.type === "events") fail(`${what} was ACCEPTED (${r.messages.length} messages, ${r.statuses.length} statuses): anybody could post messages into this channel`);
  if (r.type !== "rejected") fail(`${what} should be { type: "rejected" } (the core answers with its status), got ${JSON.stringify({ type: r.type })}`);
  if (!statuses.includes(r.status)) fail(`${what} was rejected with ${r.status}; expected ${statuses.join(" or ")}`);
}

/** The routing key of the adapter's config, when the plugin files events by account. */
function ownKey(env: Env): string | null {
  try {
    return env.plugin.routingKey ? env.plugin.routingKey(env.config) : null;
  } catch (e) {
    fail(`routingKey() threw: ${errorText(e)}`);
  }
}

function channelKeyProblems(env: Env, items: { channelKey?: string }[], where: string): string[] {
  const key = ownKey(env);
  if (!key) return [];
  return items
    .map((x, i) => (x.channelKey !== undefined && x.channelKey !== key ? `${where}[${i}].channelKey is "${x.channelKey}" but this channel's routingKey is "${key}": the core would look for another channel and drop the event as unrouted` : null))
    .filter((p): p is string => p !== null);
}

let keySeq = 900_000;
/** An outbound message as the outbox builds one: a fresh `charla-<n>` key, the customer wrote a minute ago. */
export function outbound(env: Env, adapter: AnyAdapter, content: OutboundMessage["content"]): OutboundMessage {
  return { idempotencyKey: `charla-${++keySeq}`, to: adapter.recipient, lastInboundAt: env.kit.clock.t - 60_000, content };
}

async function send(env: Env, adapter: AnyAdapter, outcome: SendOutcome, content: OutboundMessage["content"]): Promise<{ result: SendResult; msg: OutboundMessage }> {
  if (!adapter.provider?.nextSend) fail(`adapter.provider.nextSend is missing: give it, or declare this check in adapter.notApplicable with the reason`);
  const override = (await adapter.provider.nextSend(outcome, env)) ?? {};
  const msg = outbound(env, adapter, override.content ?? content);
  if (override.to) msg.to = override.to;
  if (outcome === "timeout") env.kit.network.cutAfterMs = 300;
  let result: SendResult;
  try {
    result = await env.instance.send(msg);
  } catch (e) {
    fail(`send() threw (${errorText(e)}): the core treats a throw as a network error that may have been sent. Return a SendResult instead`);
  } finally {
    env.kit.network.cutAfterMs = null;
  }
  assertNone(sendResultProblems(result, `send() meeting "${outcome}"`), "the send result breaks the contract");
  return { result, msg };
}

const text = (t: string): OutboundMessage["content"] => ({ kind: "text", text: t });
const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

const has = (plugin: AnyPlugin, cap: string) => Array.isArray(plugin.manifest?.capabilities) && (plugin.manifest.capabilities as readonly string[]).includes(cap);

// ------------------------------------------------------------------ mutations

const DELETE = Symbol("delete");
const REPLACEMENTS: unknown[] = [DELETE, null, "", -1, {}, []];

/** Every path into a JSON value (objects' keys, arrays' items), parents first. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([...prefix, i]), paths(x, [...prefix, i], out)));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) (out.push([...prefix, k]), paths(x, [...prefix, k], out));
  return out;
}

function mutate(v: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(v);
  let node = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement !== DELETE) node[last] = structuredClone(replacement);
  else if (Array.isArray(node)) node.splice(last as number, 1);
  else delete node[last];
  return copy;
}

/** Each field of a JSON sample in turn deleted or replaced by null, "", -1, {} or []. */
export function mutations(body: Uint8Array, limit = 400): { label: string; bytes: Uint8Array }[] {
  let json: unknown;
  try {
    json = JSON.parse(dec.decode(body));
  } catch {
    return [];
  }
  const out: { label: string; bytes: Uint8Array }[] = [];
  for (const path of paths(json)) {
    for (const r of REPLACEMENTS) {
      if (out.length >= limit) return out;
      out.push({ label: `${path.join(".")} ${r === DELETE ? "deleted" : `= ${JSON.stringify(r)}`}`, bytes: enc.encode(JSON.stringify(mutate(json, path, r))) });
    }
  }
  return out;
}

// ------------------------------------------------------------------ the checks

const AUTH_FAIL = [401, 403] as const;

export const CHECKS: readonly Check[] = [
  {
    id: "manifest",
    title: "manifest is valid (kebab-case id, apiVersion 1, known capabilities, sane numbers)",
    async run(plugin) {
      assertNone(manifestProblems(plugin), "the manifest breaks the contract");
    },
  },
  {
    id: "config-schema",
    title: "configSchema is a flat JSON Schema of string/boolean/number settings the form can render",
    async run(plugin) {
      assertNone(schemaFields(plugin.configSchema).problems, "configSchema breaks the core's rules for settings");
    },
  },
  {
    id: "config-accepted",
    title: "the adapter's config passes the core's settings rules (required, types, patterns, lengths)",
    async run(plugin, adapter) {
      await adapter.provider?.reset?.();
      const { errors, problems } = coreConfig(plugin.configSchema, await adapter.config());
      assertNone([...problems, ...Object.entries(errors).map(([k, e]) => `config.${k}: ${e}`)], "an admin could not save the adapter's config");
    },
  },
  {
    id: "secrets-marked",
    title: "settings holding credentials are marked secret: true",
    async run(plugin, adapter) {
      const keys = unmarkedSecrets(schemaFields(plugin.configSchema).fields, adapter.publicFields);
      assertNone(
        keys.map((k) => `"${k}" looks like a credential: mark it secret: true (sealed at rest, never shown back), or list it in adapter.publicFields if admins must see it`),
        "credentials would be stored in plain text and shown back",
      );
    },
  },
  {
    id: "create",
    title: "create() starts an instance with handleWebhook and send; optional members are functions",
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async ({ instance }) => {
        const problems: string[] = [];
        for (const k of ["fetchMedia", "handlePublic", "markRead", "listTemplates", "testConnection", "dispose"] as const) {
          if (instance[k] !== undefined && typeof instance[k] !== "function") problems.push(`instance.${k} must be a function when present`);
        }
        if (plugin.manifest.hostsClient && !instance.handlePublic) problems.push("manifest.hostsClient is true but the instance has no handlePublic: /chat/<id> would answer 404");
        if (has(plugin, "templates") && !instance.listTemplates) problems.push('the "templates" capability needs listTemplates(): the template sync would fail with no_templates');
        assertNone(problems, "the instance breaks the contract");
      });
    },
  },
  {
    id: "test-connection",
    title: "testConnection() (the admin's \"Probar conexión\") answers ok against a working provider",
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async ({ instance }) => {
        if (!instance.testConnection) return; // optional: the core then reports the connection as fine
        let r: { ok: boolean; detail: string };
        try {
          r = await instance.testConnection();
        } catch (e) {
          fail(`testConnection() threw: ${errorText(e)} (return { ok: false, detail } instead)`);
        }
        if (!r || typeof r.ok !== "boolean" || typeof r.detail !== "string") fail(`testConnection() must resolve to { ok: boolean, detail: string }, got ${safeJson(r)}`);
        if (!r.ok) fail(`testConnection() failed against the working provider: ${r.detail}`);
        return [r];
      });
    },
  },
  {
    id: "routing-keys",
    title: "routingKey / trustKey name the account, stably, without revealing a secret",
    gate: (plugin) => (plugin.routingKey ? null : "the plugin has no routingKey: every event is filed under the channel whose URL it hit"),
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const problems: string[] = [];
        const key = ownKey(env);
        if (typeof key !== "string" || !key) problems.push(`routingKey(config) must be a non-empty string for a complete config (got ${JSON.stringify(key)})`);
        if (ownKey(env) !== key) problems.push("routingKey(config) gives different answers for the same config");
        const secrets = secretValues(plugin.configSchema, env.config);
        if (typeof key === "string" && secrets.some((s) => key.includes(s))) problems.push("routingKey(config) contains a secret setting: it is compared and logged as is");
        if (plugin.trustKey) {
          let trust: string | null;
          try {
            trust = plugin.trustKey(env.config);
          } catch (e) {
            fail(`trustKey() threw: ${errorText(e)}`);
          }
          if (trust !== null && (typeof trust !== "string" || !trust)) problems.push(`trustKey(config) must be a non-empty string or null (got ${JSON.stringify(trust)})`);
          if (typeof trust === "string" && secrets.some((s) => trust.includes(s))) problems.push("trustKey(config) contains a secret setting in clear: hash it (channels compare trust keys, never see each other's secrets)");
          if (plugin.trustKey(env.config) !== trust) problems.push("trustKey(config) gives different answers for the same config");
        }
        assertNone(problems, "routing keys break the contract");
      });
    },
  },
  {
    id: "handshake",
    title: "the provider's subscription handshake answers the challenge, and refuses a wrong token",
    gate: (_p, adapter) => (adapter.webhook.handshake ? null : "the adapter gives no webhook.handshake: the provider has no subscription handshake"),
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const good = await handle(env, await adapter.webhook.handshake!("valid", env), "the valid handshake");
        if (good.type !== "challenge") fail(`the valid handshake should give { type: "challenge" }, got ${good.type}`);
        if (good.response.status !== 200) fail(`the challenge answer has HTTP status ${good.response.status}; providers expect 200`);
        const bad = await handle(env, await adapter.webhook.handshake!("forged", env), "a handshake with a wrong token");
        expectRejected(bad, "a handshake with a wrong token", AUTH_FAIL);
        return [good, bad];
      });
    },
  },
  {
    id: "webhook-accepts-authentic",
    title: "an authentic delivery is accepted",
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const r = await deliver(env, adapter, bytesOf((await adapter.samples.text(1, env)).body), "valid", "an authentic text delivery");
        expectEvents(r, "an authentic text delivery");
        return [r];
      });
    },
  },
  {
    id: "webhook-rejects-forged",
    title: "a delivery signed with the wrong secret is rejected (401/403), never thrown",
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const r = await deliver(env, adapter, bytesOf((await adapter.samples.text(1, env)).body), "forged", "a forged delivery (wrong secret)");
        expectRejected(r, "a forged delivery (wrong secret)", AUTH_FAIL);
        return [r];
      });
    },
  },
  {
    id: "webhook-rejects-altered",
    title: "a delivery whose body changed after signing is rejected (401/403)",
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const sample = await adapter.samples.text(1, env);
        const body = bytesOf(sample.body);
        const req = await adapter.webhook.request(body, "valid", env);
        const original = dec.decode(body);
        const needle = sample.expect?.text;
        // Change what the message says when the text can be found; else add a byte (still valid JSON).
        const altered = needle && original.includes(needle) ? original.replace(needle, `${needle.slice(0, -1)}X`) : `${original} `;
        const r = await handle(env, { ...req, headers: new Headers(req.headers), body: enc.encode(altered) }, "a delivery altered after signing");
        expectRejected(r, "a delivery altered after signing", AUTH_FAIL);
        return [r];
      });
    },
  },
  {
    id: "webhook-rejects-unsigned",
    title: "a delivery without any authentication is rejected (400/401/403), never thrown",
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const r = await deliver(env, adapter, bytesOf((await adapter.samples.text(1, env)).body), "none", "an unsigned delivery");
        expectRejected(r, "an unsigned delivery", [400, ...AUTH_FAIL]);
        return [r];
      });
    },
  },
  {
    id: "inbound-text",
    title: "an inbound text parses into a normalized message (externalId, from, timestamp in ms, content)",
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const sample = await adapter.samples.text(1, env);
        const r = await deliver(env, adapter, bytesOf(sample.body), "valid", "the text sample");
        const { messages } = expectEvents(r, "the text sample");
        if (!messages.length) fail("the text sample gave no messages");
        const m = messages.find((x) => x.content.kind === "text");
        if (!m) fail(`the text sample gave no text message (kinds: ${messages.map((x) => x.content.kind).join(", ")})`);
        const problems = [...messageProblems(m, "the message"), ...timestampProblems(m.timestamp, "the message's timestamp"), ...channelKeyProblems(env, messages, "messages")];
        const want = sample.expect ?? {};
        if (want.externalId !== undefined && m.externalId !== want.externalId) problems.push(`externalId is ${JSON.stringify(m.externalId)}, expected ${JSON.stringify(want.externalId)}`);
        if (want.from !== undefined && m.from !== want.from) problems.push(`from is ${JSON.stringify(m.from)}, expected ${JSON.stringify(want.from)}`);
        if (want.text !== undefined && m.content.kind === "text" && m.content.text !== want.text) problems.push(`text is ${JSON.stringify(m.content.text)}, expected ${JSON.stringify(want.text)}`);
        if (want.timestamp !== undefined && m.timestamp !== want.timestamp) problems.push(`timestamp is ${m.timestamp}, expected ${want.timestamp}`);
        if (m.echo) problems.push("the customer's text came back as an echo (the business's own message)");
        assertNone(problems, "the normalized message is wrong");
        return [r];
      });
    },
  },
  {
    id: "inbound-ids-stable",
    title: "the same delivery twice yields the same external ids; another message, other ids",
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const body = bytesOf((await adapter.samples.text(1, env)).body);
        const ids = (r: InboundResult) => expectEvents(r, "the text sample").messages.map((m) => m.externalId).sort();
        const first = ids(await deliver(env, adapter, body, "valid", "the text sample"));
        env.kit.clock.t += 5_000;
        const again = ids(await deliver(env, adapter, body, "valid", "the same text sample delivered again"));
        if (JSON.stringify(first) !== JSON.stringify(again)) {
          fail(`a redelivery got other external ids (${JSON.stringify(first)} then ${JSON.stringify(again)}): providers redeliver, and the core dedupes on (channel, externalId), so the customer's message would be stored twice`);
        }
        env.kit.clock.t += 5_000;
        const other = ids(await deliver(env, adapter, bytesOf((await adapter.samples.text(2, env)).body), "valid", "the second text sample"));
        const shared = other.filter((id) => first.includes(id));
        if (shared.length) fail(`two different messages share external ids ${JSON.stringify(shared)}: the core would drop the second as a duplicate`);
      });
    },
  },
  {
    id: "malformed-bodies",
    title: "malformed bodies (not JSON, wrong shapes, not UTF-8, stray GET) are rejected or ignored, never thrown",
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const bodies: [string, Uint8Array][] = [
          ["an empty body", new Uint8Array()],
          ["truncated JSON", enc.encode('{"entry":[{"id":')],
          ["a JSON array", enc.encode("[]")],
          ["JSON null", enc.encode("null")],
          ["a JSON number", enc.encode("42")],
          ["a JSON string", enc.encode('"hola"')],
          ["an empty object", enc.encode("{}")],
          ["bytes that are not UTF-8", Uint8Array.from([0xff, 0xfe, 0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])],
          ["deeply nested arrays", enc.encode(`${"[".repeat(60)}${"]".repeat(60)}`)],
          ["an object of wrong types", enc.encode('{"object":1,"entry":"x","message":[],"update_id":"x","type":{}}')],
        ];
        const seen: unknown[] = [];
        for (const [what, body] of bodies) {
          const r = await deliver(env, adapter, body, "valid", `${what} (signed)`);
          if (r.type === "events" || r.type === "challenge") fail(`${what} (signed) gave { type: "${r.type}" }: it carries no message, so reject or ignore it`);
          seen.push(r);
          env.kit.clock.t += 5_000;
        }
        // A GET without the handshake's parameters must not be answered with a challenge.
        const post = await adapter.webhook.request(bytesOf((await adapter.samples.text(1, env)).body), "valid", env);
        const stray = await handle(env, { ...post, method: "GET", url: new URL(post.url.origin + post.url.pathname), body: new Uint8Array() }, "a GET without parameters");
        if (stray.type === "challenge" || stray.type === "events") fail(`a GET without parameters gave { type: "${stray.type}" }: only the provider's handshake may be answered`);
        return [...seen, stray];
      });
    },
  },
  {
    id: "mutated-payloads",
    title: "every field of the samples deleted or mistyped in turn: no throw, and any events are well-formed",
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const samples = [bytesOf((await adapter.samples.text(1, env)).body)];
        if (adapter.samples.media && has(plugin, "media") && !adapter.notApplicable?.["inbound-media"]) samples.push(bytesOf((await adapter.samples.media(env)).body));
        if (adapter.samples.statuses && !adapter.notApplicable?.statuses) {
          const first = (await adapter.samples.statuses(env))[0];
          if (first) samples.push(bytesOf(first.body));
        }
        let count = 0;
        for (const sample of samples) {
          for (const m of mutations(sample, 300)) {
            await deliver(env, adapter, m.bytes, "valid", `the sample with ${m.label}`);
            env.kit.clock.t += 5_000;
            count++;
          }
        }
        if (!count) fail("the samples are not JSON, so none could be mutated: declare this check not applicable with the reason");
      });
    },
  },
  {
    id: "statuses",
    title: "status deliveries map to sent / delivered / read / failed",
    gate: (plugin) => (has(plugin, "delivery_status") || has(plugin, "read_receipts") ? null : 'the plugin has neither "delivery_status" nor "read_receipts"'),
    async run(plugin, adapter) {
      if (!adapter.samples.statuses) fail("adapter.samples.statuses is missing: give status samples, or declare this check not applicable with the reason");
      await withEnv(plugin, adapter, async (env) => {
        const samples = await adapter.samples.statuses!(env);
        if (!samples.length) fail("adapter.samples.statuses() gave no samples");
        const seen: unknown[] = [];
        for (const [i, s] of samples.entries()) {
          const what = `status sample ${i + 1} (${s.expect.status})`;
          const r = await deliver(env, adapter, bytesOf(s.body), "valid", what);
          const { statuses } = expectEvents(r, what);
          const st = s.expect.externalId ? statuses.find((x) => x.externalId === s.expect.externalId) : statuses[0];
          if (!st) fail(`${what} gave ${statuses.length ? `no status for ${s.expect.externalId}` : "no statuses"}`);
          const problems = [...statusProblems(st, what), ...timestampProblems(st.timestamp, `${what}'s timestamp`), ...channelKeyProblems(env, statuses, "statuses")];
          if (st.status !== s.expect.status) problems.push(`${what} maps to "${st.status}", expected "${s.expect.status}"`);
          if (st.status === "failed" && !st.error) problems.push(`${what} is "failed" without error { code, message }: the agent would not learn why`);
          if (st.status === "failed" && st.error) problems.push(...reasonProblems(st.error.message, `${what}'s error.message`));
          if (s.expect.errorCode !== undefined && st.error?.code !== s.expect.errorCode) problems.push(`${what}'s error.code is ${JSON.stringify(st.error?.code)}, expected "${s.expect.errorCode}"`);
          assertNone(problems, "a status is wrong");
          seen.push(r);
          env.kit.clock.t += 5_000;
        }
        return seen;
      });
    },
  },
  {
    id: "inbound-media",
    title: "an inbound file parses into a media message and fetchMedia returns its bytes as a Blob",
    gate: (plugin) => (has(plugin, "media") ? null : 'the plugin lacks the "media" capability'),
    async run(plugin, adapter) {
      if (!adapter.samples.media) fail("adapter.samples.media is missing: give a media sample, or declare this check not applicable with the reason");
      await withEnv(plugin, adapter, async (env) => {
        const sample = await adapter.samples.media!(env);
        const r = await deliver(env, adapter, bytesOf(sample.body), "valid", "the media sample");
        const { messages } = expectEvents(r, "the media sample");
        const m = messages.find((x) => x.content.kind === "media");
        if (!m || m.content.kind !== "media") fail(`the media sample gave no media message (kinds: ${messages.map((x) => x.content.kind).join(", ") || "none"})`);
        const c = m.content;
        const problems = timestampProblems(m.timestamp, "the media message's timestamp");
        if (sample.expect?.mediaType && c.mediaType !== sample.expect.mediaType) problems.push(`mediaType is "${c.mediaType}", expected "${sample.expect.mediaType}"`);
        assertNone(problems, "the media message is wrong");
        let blob: Blob;
        try {
          blob = await env.instance.fetchMedia!(c.ref);
        } catch (e) {
          fail(`fetchMedia(${JSON.stringify(c.ref)}) threw: ${errorText(e)}`);
        }
        if (!(blob instanceof Blob)) fail(`fetchMedia() resolved to ${typeof blob}, not a Blob`);
        if (blob.size === 0) fail("fetchMedia() returned an empty Blob");
        if (!blob.type && !c.ref.mimeType) fail("neither the Blob nor the media ref carries a MIME type: the core would store the file as application/octet-stream");
        if (sample.expect?.bytes) {
          const got = new Uint8Array(await blob.arrayBuffer());
          if (got.length !== sample.expect.bytes.length || got.some((b, i) => b !== sample.expect!.bytes![i])) fail(`fetchMedia() returned ${got.length} bytes that differ from the ${sample.expect.bytes.length} the provider serves`);
        }
        return [r];
      });
    },
  },
  {
    id: "send-ok",
    title: "a send the provider accepts returns ok with the provider's message id",
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const { result } = await send(env, adapter, "ok", text("Hola, ¿en qué le ayudo? 👋"));
        if (!result.ok) fail(`send() failed where the provider accepts: ${result.reason}`);
        return [result];
      });
    },
  },
  {
    id: "idempotency-callback",
    title: 'manifest.idempotency "callback": the key sent along comes back in the provider\'s event',
    gate: (plugin) => (plugin.manifest.idempotency === "callback" ? null : 'manifest.idempotency is not "callback"'),
    async run(plugin, adapter) {
      if (!adapter.samples.callback) fail('adapter.samples.callback is missing: a "callback" plugin must prove its key comes back');
      await withEnv(plugin, adapter, async (env) => {
        const { result, msg } = await send(env, adapter, "ok", text("¿Le llegó este mensaje?"));
        if (!result.ok) fail(`send() failed where the provider accepts: ${result.reason}`);
        const sample = await adapter.samples.callback!({ idempotencyKey: msg.idempotencyKey, externalId: result.externalId }, env);
        const r = await deliver(env, adapter, bytesOf(sample.body), "valid", "the provider's event about the send");
        const { messages, statuses } = expectEvents(r, "the provider's event about the send");
        const carriers = [...statuses, ...messages.filter((m) => m.echo)];
        const back = carriers.find((x) => x.idempotencyKey === msg.idempotencyKey);
        if (!back) {
          fail(`no status or echo carries idempotencyKey "${msg.idempotencyKey}" (got ${JSON.stringify(carriers.map((x) => x.idempotencyKey ?? null))}): after a cut-off send the core waits for it, then sends again`);
        }
        if (back.externalId !== result.externalId) fail(`the event carrying the key names message ${back.externalId}, but send() returned ${result.externalId}`);
        return [r];
      });
    },
  },
  {
    id: "send-max-text",
    title: "a text of exactly manifest.maxTextLength characters is sent",
    gate: (plugin) => (plugin.manifest.maxTextLength ? null : "the manifest has no maxTextLength (the core's limit applies)"),
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const max = plugin.manifest.maxTextLength!;
        const { result } = await send(env, adapter, "ok", text("a".repeat(max)));
        if (!result.ok) fail(`a text of ${max} characters (manifest.maxTextLength) was refused: ${result.reason}. The AI and the bot write texts that long`);
        return [result];
      });
    },
  },
  {
    id: "send-media",
    title: "an outbound file (signed url and read()) is sent",
    gate: (plugin) => (has(plugin, "media") ? null : 'the plugin lacks the "media" capability (the composer offers no attachments)'),
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const url = `${new URL(env.ctx.publicUrl).origin}/media/public/41?exp=${env.kit.clock.t + 86_400_000}&sig=kit`;
        const content: OutboundMessage["content"] = {
          kind: "media",
          mediaType: "image",
          url,
          mimeType: "image/png",
          caption: "La foto que pidió",
          filename: "foto.png",
          read: async () => new Blob([PNG], { type: "image/png" }),
        };
        const { result } = await send(env, adapter, "ok", content);
        if (!result.ok) fail(`an image was refused where the provider accepts: ${result.reason}`);
        return [result];
      });
    },
  },
  {
    id: "send-interactive",
    title: "a menu (interactive: text and options) is sent",
    gate: (plugin) => (has(plugin, "interactive") ? null : 'the plugin lacks "interactive" (the core sends menus as numbered text)'),
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const options = [
          { id: "horarios", title: "Horarios" },
          { id: "pedidos", title: "Hacer un pedido" },
        ];
        const { result } = await send(env, adapter, "ok", { kind: "interactive", text: "¿En qué le ayudo?", options, button: "Ver opciones", numberedText: "¿En qué le ayudo?\n1. Horarios\n2. Hacer un pedido" });
        if (!result.ok) fail(`a two-option menu was refused where the provider accepts: ${result.reason}`);
        return [result];
      });
    },
  },
  {
    id: "send-reaction",
    title: "a reaction to the customer's message is sent",
    gate: (plugin) => (has(plugin, "reactions") ? null : 'the plugin lacks "reactions" (the composer offers none)'),
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const r = await deliver(env, adapter, bytesOf((await adapter.samples.text(1, env)).body), "valid", "the text sample");
        const target = expectEvents(r, "the text sample").messages[0]?.externalId;
        if (!target) fail("the text sample gave no message to react to");
        const { result } = await send(env, adapter, "ok", { kind: "reaction", emoji: "👍", targetExternalId: target });
        if (!result.ok) fail(`a reaction to ${target} was refused where the provider accepts: ${result.reason}`);
        return [result];
      });
    },
  },
  {
    id: "templates",
    title: "listTemplates() lists the account's templates (APPROVED ones usable), and one is sent",
    gate: (plugin) => (has(plugin, "templates") ? null : 'the plugin lacks the "templates" capability'),
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        if (!env.instance.listTemplates) fail('the "templates" capability needs listTemplates()');
        let list: Awaited<ReturnType<NonNullable<typeof env.instance.listTemplates>>>;
        try {
          list = await env.instance.listTemplates();
        } catch (e) {
          fail(`listTemplates() threw against the working provider: ${errorText(e)}`);
        }
        if (!Array.isArray(list)) fail("listTemplates() must resolve to a list of TemplateInfo");
        const problems = list.flatMap((t, i) => {
          const where = `template ${i + 1}`;
          const out: string[] = [];
          for (const k of ["name", "language", "category", "status", "body"] as const) if (typeof t?.[k] !== "string") out.push(`${where}.${k} must be a string`);
          if (!Number.isInteger(t?.parameterCount) || t.parameterCount < 0) out.push(`${where}.parameterCount must be an integer >= 0`);
          if (!t?.name) out.push(`${where} has no name`);
          return out;
        });
        assertNone(problems, "the templates break the contract");
        const usable = list.find((t) => t.status === "APPROVED");
        if (!usable) fail(`no template has status "APPROVED" (got ${JSON.stringify(list.map((t) => t.status))}): the composer only offers APPROVED ones. Register an approved template in your fake (provider.reset)`);
        const params = Array.from({ length: usable.parameterCount }, (_, i) => `valor ${i + 1}`);
        const { result } = await send(env, adapter, "ok", { kind: "template", name: usable.name, language: usable.language, parameters: params });
        if (!result.ok) fail(`sending template "${usable.name}" (${usable.language}) failed: ${result.reason}`);
        return [result];
      });
    },
  },
  {
    id: "send-rate-limited",
    title: 'a rate-limited send is retryable with code "rate_limited"',
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const { result } = await send(env, adapter, "rate_limited", text("Un momento, por favor"));
        if (result.ok) fail("send() returned ok although the provider answered with its rate limit");
        if (!result.retryable) fail(`a rate limit came back as retryable: false ("${result.reason}"): the message would fail for good instead of waiting`);
        if (result.code !== "rate_limited") fail(`a rate limit should carry code "rate_limited" (agents read "Sending limit reached; it will be retried"), got ${JSON.stringify(result.code)}`);
        return [result];
      });
    },
  },
  {
    id: "send-server-error",
    title: "a provider 5xx is retryable with a readable reason",
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const { result } = await send(env, adapter, "server_error", text("¿Sigue ahí?"));
        if (result.ok) fail("send() returned ok although the provider answered with a server error");
        if (!result.retryable) fail(`a server error came back as retryable: false ("${result.reason}"): the outbox would give up at once instead of retrying with backoff`);
        if (result.code !== undefined && isKnownCode(result.code) && !["unavailable", "rate_limited"].includes(result.code)) {
          fail(`a server error carries code "${result.code}", which tells agents something else went wrong`);
        }
        return [result];
      });
    },
  },
  {
    id: "send-timeout",
    title: "a send cut off by a timeout is retryable and says it may have been sent (maybeSent)",
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const started = Date.now();
        const { result } = await send(env, adapter, "timeout", text("¿Me lee?"));
        if (result.ok) fail(`send() returned ok although its request was cut off after 300 ms (it took ${Date.now() - started} ms: does the adapter hold the provider's answer?)`);
        if (!result.retryable) fail(`a timeout came back as retryable: false ("${result.reason}")`);
        if (plugin.manifest.idempotency !== "provider" && result.maybeSent !== true) {
          fail("a timed-out request may have reached the provider: return maybeSent: true, so the core waits for the provider's confirmation (idempotency \"callback\") or marks a resend as possibly received twice");
        }
        return [result];
      });
    },
  },
  {
    id: "send-permanent",
    title: "a permanent refusal is retryable: false with a readable reason",
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const { result } = await send(env, adapter, "permanent", text("Hola"));
        if (result.ok) fail("send() returned ok although the provider refused the message");
        if (result.retryable) fail(`a permanent refusal came back as retryable: true ("${result.reason}"): the outbox would retry it 8 times and hold up the conversation's later messages`);
        return [result];
      });
    },
  },
  {
    id: "send-token-expired",
    title: 'revoked credentials: code "token_expired", the channel reports needs_attention, and recovers',
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        const { result } = await send(env, adapter, "token_expired", text("Hola"));
        if (result.ok) fail("send() returned ok although the provider refused the credentials");
        if (result.retryable) fail("revoked credentials came back as retryable: true: no retry fixes them until an admin pastes new ones");
        if (result.code !== "token_expired") fail(`revoked credentials should carry code "token_expired", got ${JSON.stringify(result.code)}`);
        const attention = env.kit.health.find((h) => h.status === "needs_attention");
        if (!attention || attention.status !== "needs_attention") fail('the plugin did not call ctx.reportHealth({ status: "needs_attention", reason }): admins would not learn the channel needs new credentials');
        assertNone(reasonProblems(attention.reason, "the needs_attention reason"), "the health report is not readable");
        const again = await send(env, adapter, "ok", text("Hola de nuevo"));
        if (!again.result.ok) fail(`a send after the credentials work again failed: ${again.result.reason}`);
        if (env.kit.health.at(-1)?.status !== "active") fail('after a call works again the plugin should report { status: "active" }, so the channel leaves "Requiere atención"');
        return [result, again.result];
      });
    },
  },
  {
    id: "hosts-client",
    title: "a plugin hosting its client serves its page under /chat/<id>, and 404 for unknown paths",
    gate: (plugin) => (plugin.manifest.hostsClient ? null : "manifest.hostsClient is not set"),
    async run(plugin, adapter) {
      await withEnv(plugin, adapter, async (env) => {
        if (!env.instance.handlePublic) fail("manifest.hostsClient is true but the instance has no handlePublic");
        const req = (path: string) => ({
          method: "GET" as const,
          url: new URL(`${env.ctx.publicUrl}${path ? `/${path}` : ""}`),
          headers: new Headers({ "accept-language": "es" }),
          body: new Uint8Array(),
          clientAddress: "203.0.113.9",
          path,
          signal: new AbortController().signal,
        });
        const page = await env.instance.handlePublic(req(""));
        if (page.status !== 200 || !(page.headers.get("content-type") ?? "").includes("text/html")) fail(`GET /chat/<id> answered ${page.status} ${page.headers.get("content-type")}; expected a 200 HTML page`);
        const missing = await env.instance.handlePublic(req("kit-no-such-page"));
        if (missing.status !== 404) fail(`GET /chat/<id>/kit-no-such-page answered ${missing.status}; expected 404`);
      });
    },
  },
  {
    id: "dispose",
    title: "dispose() does not throw",
    async run(plugin, adapter) {
      const env = await openEnv(plugin, adapter);
      try {
        await env.instance.dispose?.();
      } catch (e) {
        fail(`dispose() threw: ${errorText(e)} (the core calls it when settings change or the server stops)`);
      }
    },
  },
];

/** Why a check does not apply: the adapter's declaration, else the plugin's capabilities; null: it runs. */
export function notApplicable(check: Check, plugin: AnyPlugin, adapter: AnyAdapter): string | null {
  return adapter.notApplicable?.[check.id] ?? check.gate?.(plugin, adapter) ?? null;
}

export const checkById = (id: CheckId): Check => CHECKS.find((c) => c.id === id)!;

/** Runs one check by id, as the runner does (honouring notApplicable): resolves "passed" or "not applicable: reason", throws on failure. */
export async function runCheck(id: CheckId, plugin: AnyPlugin, adapter: AnyAdapter): Promise<string> {
  const check = checkById(id);
  const na = notApplicable(check, plugin, adapter);
  if (na) return `not applicable: ${na}`;
  await check.run(plugin, adapter);
  return "passed";
}

// Every id has exactly one check, in CHECK_IDS order.
if (CHECKS.map((c) => c.id).join() !== CHECK_IDS.join()) throw new Error("tests/kit: CHECKS and CHECK_IDS are out of step");
