import type { TSchema } from "@sinclair/typebox";
import { t } from "elysia";

/**
 * The JSON the API answers with, as schemas for the OpenAPI document (the route's
 * own `body`/`query`/`params` schemas describe what it takes), each with an example.
 * Documentation only: answers are built by serializers.ts and checked against these
 * by tests/api (Elysia's t.Integer would also take "10", so plain JSON types here).
 */
const Integer = (description?: string) => t.Unsafe<number>({ type: "integer", ...(description ? { description } : {}) });
const Time = t.String({ format: "date-time" });
const Nullable = <S extends TSchema>(s: S) => t.Union([s, t.Null()]);
const NullInt = Nullable(Integer());
const NullTime = Nullable(Time);
const Enum = (values: readonly string[]) => t.Union(values.map((v) => t.Literal(v)));

/** `{"data":[...],"next":cursor|null}` of any list. */
export function listOf(item: TSchema, cursor: "id" | "key" = "id") {
  return t.Object({ data: t.Array(item), next: Nullable(cursor === "id" ? Integer("Cursor of the next page; null on the last page") : t.String({ description: "Cursor of the next page; null on the last page" })) });
}
export const list = <E>(example: E, next: number | string | null = null) => ({ data: [example], next });

export const ErrorSchema = t.Object({
  error: t.Object({
    code: t.String({ description: "Stable snake_case code to switch on" }),
    message: t.String({ description: "Readable message in the caller's language (Accept-Language: es or en)" }),
    fields: t.Optional(t.Record(t.String(), t.String(), { description: "422: the problem of each field, by name" })),
  }),
});

const at = "2026-01-15T12:00:00.000Z";

export const Queue = t.Object({ id: Integer(), name: t.String(), strategy: Enum(["round_robin", "least_busy", "manual"]), maxPerAgent: Integer(), members: Integer(), createdAt: Time });
export const queueExample = { id: 3, name: "ventas", strategy: "round_robin", maxPerAgent: 0, members: 2, createdAt: at };

export const User = t.Object({
  id: Integer(),
  username: t.String(),
  name: t.String(),
  role: Enum(["admin", "supervisor", "agent"]),
  extension: Nullable(t.String()),
  language: Enum(["es", "en"]),
  active: t.Boolean(),
  queueIds: t.Array(Integer()),
  createdAt: Time,
});
export const userExample = { id: 7, username: "fulanito", name: "Fulanito De Tal", role: "agent", extension: "101", language: "es", active: true, queueIds: [3], createdAt: at };
export const PasswordReset = t.Object({ userId: Integer(), password: t.String({ description: "Shown once; the user must choose their own at the next sign-in" }) });
export const passwordResetExample = { userId: 7, password: "k7Hm2pQx9RtW4z" };

const ConversationStatus = Enum(["bot", "queued", "open", "closed"]);
export const Conversation = t.Object({
  id: Integer(),
  status: ConversationStatus,
  botStep: Nullable(t.String()),
  channelId: Integer(),
  contact: t.Object({ id: Integer(), name: t.String(), phone: Nullable(t.String()) }),
  queueId: NullInt,
  assigneeId: NullInt,
  lastMessageAt: Time,
  unansweredSince: NullTime,
  unreadCount: Integer(),
  createdAt: Time,
  closedAt: NullTime,
});
export const conversationExample = {
  id: 41,
  status: "open",
  botStep: null,
  channelId: 2,
  contact: { id: 12, name: "Ana Gómez", phone: "+573001112233" },
  queueId: 3,
  assigneeId: 7,
  lastMessageAt: at,
  unansweredSince: at,
  unreadCount: 1,
  createdAt: at,
  closedAt: null,
};

export const Message = t.Object({
  id: Integer(),
  direction: Enum(["in", "out"]),
  author: Enum(["customer", "agent", "bot", "system"]),
  kind: t.String({ description: "text, media, template, interactive, reaction, system, unsupported..." }),
  text: Nullable(t.String()),
  payload: Nullable(t.Record(t.String(), t.Unknown())),
  media: Nullable(t.Object({ id: Integer(), mimeType: Nullable(t.String()), filename: Nullable(t.String()), size: NullInt })),
  status: t.String({ description: "pending, sent, delivered, read, failed (outbound); received (inbound)" }),
  error: Nullable(t.String()),
  externalId: Nullable(t.String()),
  maybeDuplicate: t.Boolean(),
  createdAt: Time,
});
export const messageExample = {
  id: 981,
  direction: "out",
  author: "bot",
  kind: "text",
  text: "Hola Ana, su pedido sale hoy.",
  payload: null,
  media: null,
  status: "pending",
  error: null,
  externalId: null,
  maybeDuplicate: false,
  createdAt: at,
};

export const Channel = t.Object({
  id: Integer(),
  plugin: t.String(),
  name: t.String(),
  config: t.Record(t.String(), t.Unknown(), { description: "The plugin's settings; secrets masked" }),
  queueId: NullInt,
  reopenWindowMinutes: Integer(),
  aiMode: Enum(["off", "always", "no_agents"]),
  webhookUrl: t.String(),
  status: t.String({ description: "active, disabled, needs_attention" }),
  statusReason: Nullable(t.String()),
  createdAt: Time,
});
export const channelExample = {
  id: 2,
  plugin: "whatsapp-cloud",
  name: "Ventas",
  config: { phoneNumberId: "106540352242922", wabaId: "102290129340398", accessToken: "••••a1b2", appSecret: "••••c3d4", verifyToken: "vt_5f2c9a" },
  queueId: 3,
  reopenWindowMinutes: 0,
  aiMode: "off",
  webhookUrl: "https://charla.example.com/webhooks/2",
  status: "active",
  statusReason: null,
  createdAt: at,
};
export const ConnectionTest = t.Object({ ok: t.Boolean(), detail: t.String() });
export const connectionTestExample = { ok: true, detail: "+57 300 111 2233 (Ventas)" };

export const Template = t.Object({ name: t.String(), language: t.String(), category: t.String(), status: t.String(), body: t.String(), parameterCount: Integer() });
export const templateExample = { name: "pedido_listo", language: "es", category: "UTILITY", status: "APPROVED", body: "Hola {{1}}, su pedido {{2}} está listo.", parameterCount: 2 };
export const TemplateSync = t.Object({ synced: Integer("Templates the provider returned") });

export const Field = t.Object({
  id: Integer(),
  key: t.String(),
  label: t.String(),
  type: Enum(["text", "number", "email", "phone", "date", "choice", "id_document"]),
  required: t.Boolean(),
  options: Nullable(t.Array(t.String())),
  min: Nullable(t.Number()),
  max: Nullable(t.Number()),
  display: t.Boolean(),
  position: Integer(),
  createdAt: Time,
});
export const fieldExample = { id: 5, key: "cedula", label: "Cédula", type: "id_document", required: false, options: null, min: null, max: null, display: true, position: 1, createdAt: at };

export const Tag = t.Object({ id: Integer(), name: t.String(), color: t.String(), contacts: t.Optional(Integer("Contacts that carry it")) });
export const tagExample = { id: 4, name: "Regional Bogotá", color: "#1e88e5", contacts: 12 };

export const Contact = t.Object({
  id: Integer(),
  name: t.String(),
  phone: Nullable(t.String({ description: "E.164" })),
  email: Nullable(t.String()),
  fields: t.Record(t.String(), t.String(), { description: "Values of the contact template, by field key" }),
  tags: t.Array(t.Object({ id: Integer(), name: t.String(), color: t.String() })),
  identities: t.Array(t.Object({ channelId: Integer(), externalId: t.String() })),
  blocked: t.Boolean(),
  lastContactAt: NullTime,
  createdAt: Time,
});
export const contactExample = {
  id: 12,
  name: "Ana Gómez",
  phone: "+573001112233",
  email: "ana@example.com",
  fields: { cedula: "1020304050" },
  tags: [{ id: 4, name: "Regional Bogotá", color: "#1e88e5" }],
  identities: [{ channelId: 2, externalId: "573001112233" }],
  blocked: false,
  lastContactAt: at,
  createdAt: at,
};
export const Note = t.Object({ id: Integer(), text: t.String(), author: t.String(), createdAt: Time });
export const noteExample = { id: 8, text: "Prefiere que la llamen en la tarde.", author: "API", createdAt: at };
export const ImportStarted = t.Object({ jobId: Integer() });
export const ImportJob = t.Object({
  id: Integer(),
  status: Enum(["running", "done", "failed"]),
  dryRun: t.Boolean(),
  total: Integer(),
  processed: Integer(),
  created: Integer(),
  updated: Integer(),
  skipped: Integer(),
  errors: t.Array(t.Object({ row: Integer("1-based data row"), column: t.Optional(t.String()), reason: t.String() })),
  failure: Nullable(t.String()),
  createdAt: Time,
  finishedAt: NullTime,
});
export const importJobExample = {
  id: 2,
  status: "done",
  dryRun: false,
  total: 3,
  processed: 3,
  created: 2,
  updated: 0,
  skipped: 1,
  errors: [{ row: 3, column: "telefono", reason: "El número de teléfono no es válido." }],
  failure: null,
  createdAt: at,
  finishedAt: at,
};

export const CannedResponse = t.Object({
  id: Integer(),
  name: t.String(),
  key: t.String(),
  text: t.String(),
  finalize: t.Boolean(),
  automatic: t.Boolean(),
  queueIds: t.Array(Integer()),
  attachment: Nullable(t.Object({ mediaId: Integer(), filename: Nullable(t.String()), mimeType: Nullable(t.String()) })),
  createdAt: Time,
  updatedAt: Time,
});
export const responseExample = { id: 6, name: "saludo", key: "sl", text: "Hola, {{contact.name}}. ¿En qué le ayudamos?", finalize: false, automatic: false, queueIds: [], attachment: null, createdAt: at, updatedAt: at };

export const AiSettings = t.Object({
  enabled: t.Boolean(),
  baseUrl: t.String(),
  model: t.String(),
  apiKey: Nullable(t.String({ description: "Masked" })),
  instructions: t.String(),
  knowledge: t.String(),
  includeResponses: t.Boolean(),
  temperature: t.Number(),
  maxTokens: Integer(),
  monthlyTokenBudget: Integer(),
  maxTurns: Integer(),
  handoffMessage: t.String(),
});
export const aiSettingsExample = {
  enabled: true,
  baseUrl: "https://api.openai.com/v1",
  model: "gpt-4o-mini",
  apiKey: "••••9xQz",
  instructions: "Responda en español, breve y amable.",
  knowledge: "Horario: lunes a viernes de 8:00 a 18:00.",
  includeResponses: true,
  temperature: 0.3,
  maxTokens: 400,
  monthlyTokenBudget: 2_000_000,
  maxTurns: 6,
  handoffMessage: "Le comunico con un asesor.",
};
export const AiUsage = t.Object({ promptTokens: Integer(), completionTokens: Integer(), calls: Integer() });
export const aiUsageExample = { promptTokens: 15230, completionTokens: 4210, calls: 37 };
export const AiText = t.Object({ text: t.String() });
export const AiTest = t.Union([
  t.Object({ ok: t.Literal(true), answer: t.String(), model: t.String(), notes: t.Array(t.String()), latencyMs: Integer() }),
  t.Object({ ok: t.Literal(false), error: t.Object({ code: t.String(), message: t.String() }) }),
]);
export const aiTestExample = { ok: true, answer: "¡Hola! ¿En qué puedo ayudarle?", model: "gpt-4o-mini", notes: [], latencyMs: 812 };

export const Bot = t.Object({
  id: Integer(),
  name: t.String(),
  enabled: t.Boolean(),
  channelIds: t.Array(Integer()),
  publishedVersion: NullInt,
  timeoutMinutes: Integer(),
  timeoutLabel: Nullable(t.String()),
  holidays: t.Array(t.String()),
  excludedHolidays: t.Array(t.String()),
  steps: t.Array(t.Record(t.String(), t.Unknown())),
  createdAt: Time,
  updatedAt: Time,
});
export const botSteps = [
  { priority: 1, label: "SALUDO", type: "say", text: "¡Hola! Soy el asistente de Mi Empresa." },
  { priority: 2, type: "transfer", queueId: 3 },
];
export const botExample = { id: 9, name: "Bienvenida", enabled: true, channelIds: [2], publishedVersion: 1, timeoutMinutes: 60, timeoutLabel: null, holidays: [], excludedHolidays: [], steps: botSteps, createdAt: at, updatedAt: at };
export const BotVersion = t.Object({ id: Integer(), version: Integer(), publishedAt: Time, publishedBy: Nullable(t.String()), steps: t.Array(t.Record(t.String(), t.Unknown())) });
export const botVersionExample = { id: 15, version: 1, publishedAt: at, publishedBy: "api", steps: botSteps };
export const Published = t.Object({ version: Integer() });
export const TryResult = t.Object({
  session: t.String(),
  replies: t.Array(t.Object({ from: Enum(["bot", "event"]), text: t.String(), options: t.Optional(t.Array(t.String())), step: Nullable(t.String()) })),
  steps: t.Array(t.String()),
  step: Nullable(t.String()),
  done: t.Boolean(),
  at: Time,
});
export const tryExample = { session: "s_4c1d9e", replies: [{ from: "bot", text: "¡Hola! Soy el asistente de Mi Empresa.", step: "SALUDO" }], steps: ["SALUDO", "2"], step: "2", done: true, at };

export const Balance = t.Object({ currency: t.String(), balance: Integer("Minor units"), lowBalanceThreshold: NullInt });
export const balanceExample = { currency: "COP", balance: 23_000_000, lowBalanceThreshold: 5_000_000 };
export const Recharge = t.Object({
  id: Integer(),
  companyId: Integer(),
  amount: Integer("Minor units"),
  currency: t.String(),
  date: t.String({ format: "date" }),
  method: Nullable(t.String()),
  reference: Nullable(t.String()),
  note: Nullable(t.String()),
  reversed: t.Boolean(),
  createdAt: Time,
});
export const rechargeExample = { id: 3, companyId: 1, amount: 23_000_000, currency: "COP", date: "2026-01-10", method: "nequi", reference: "NQ-88231", note: null, reversed: false, createdAt: at };
export const Usage = t.Object({
  id: Integer(),
  kind: t.String(),
  quantity: t.Number(),
  amount: Integer("Minor units charged"),
  createdAt: Time,
  ref: t.Object({ type: Enum(["message", "conversation", "ai_call"]), id: Integer(), externalId: t.Optional(t.String()) }),
});
export const usageExample = { id: 120, kind: "whatsapp.utility", quantity: 1, amount: 4_500, createdAt: at, ref: { type: "message", id: 981, externalId: "wamid.HBgM..." } };
export const Statement = t.Object({
  month: t.String({ description: "YYYY-MM" }),
  currency: t.String(),
  opening: Integer(),
  recharges: Integer(),
  reversals: Integer(),
  adjustments: Integer(),
  usage: t.Record(t.String(), Integer(), { description: "Charged, by usage kind" }),
  closing: Integer(),
});
export const statementExample = { month: "2026-01", currency: "COP", opening: 1_200_000, recharges: 23_000_000, reversals: 0, adjustments: 0, usage: { "whatsapp.utility": 45_000, "ai.tokens": 3_200 }, closing: 24_151_800 };

const Range = { timeZone: t.String(), from: t.String({ format: "date" }), to: t.String({ format: "date" }), bucket: Enum(["hour", "day"]) };
const rangeExample = { timeZone: "America/Bogota", from: "2026-01-12", to: "2026-01-18", bucket: "day" };
export const Activity = t.Object({ ...Range, data: t.Array(t.Object({ start: t.String(), received: Integer(), sent: Integer(), opened: Integer(), closed: Integer() })) });
export const activityExample = { ...rangeExample, data: [{ start: "2026-01-12T00:00:00-05:00", received: 120, sent: 98, opened: 31, closed: 27 }] };
export const AgentStatus = t.Object({ userId: Integer(), username: t.String(), name: t.String(), role: t.String(), online: t.Boolean(), openConversations: Integer() });
export const agentExample = { userId: 7, username: "fulanito", name: "Fulanito De Tal", role: "agent", online: true, openConversations: 3 };
export const Unanswered = t.Object({ count: Integer(), oldestSince: NullTime });
export const unansweredExample = { count: 4, oldestSince: at };
const TimeStat = t.Object({ count: Integer(), median: NullInt, p90: NullInt });
const stat = { count: 40, median: 95, p90: 600 };
export const Times = t.Object({
  ...Range,
  firstResponse: TimeStat,
  resolution: TimeStat,
  byQueue: t.Array(t.Object({ queueId: NullInt, name: Nullable(t.String()), firstResponse: TimeStat, resolution: TimeStat })),
  byAgent: t.Array(t.Object({ userId: NullInt, name: Nullable(t.String()), firstResponse: TimeStat, resolution: TimeStat })),
});
export const timesExample = { ...rangeExample, firstResponse: stat, resolution: stat, byQueue: [{ queueId: 3, name: "ventas", firstResponse: stat, resolution: stat }], byAgent: [{ userId: 7, name: "Fulanito De Tal", firstResponse: stat, resolution: stat }] };
export const ChannelReport = t.Object({ ...Range, data: t.Array(t.Object({ channelId: Integer(), name: t.String(), plugin: t.String(), opened: Integer(), received: Integer(), sent: Integer() })) });
export const channelReportExample = { ...rangeExample, data: [{ channelId: 2, name: "Ventas", plugin: "whatsapp-cloud", opened: 31, received: 120, sent: 98 }] };
export const BotReport = t.Object({ ...Range, finished: Integer(), contained: Integer(), containment: Nullable(t.Number()), handoffs: t.Array(t.Object({ reason: t.String(), count: Integer() })) });
export const botReportExample = { ...rangeExample, finished: 50, contained: 35, containment: 0.7, handoffs: [{ reason: "transfer", count: 15 }] };
