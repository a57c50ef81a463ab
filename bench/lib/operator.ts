/**
 * A whole operator on one node, for bench/capacity.ts and bench/soak.ts, built
 * only through public surfaces: the test helper seeds companies, queues, agents
 * and tokens (bench/lib/operator-seed.ts), the CLI sets the rate table, then
 * `charla serve` runs in a child process and everything else goes over HTTP:
 * WhatsApp Cloud channels against the Meta Graph fake (in this process), a
 * published bot program on a share of companies, the AI (the OpenAI fake) on
 * another share, contacts through the API, recharges through the operator's panel.
 */
import type { Subprocess } from "bun";
import { MetaGraphFake, type SentRecord } from "../../tests/fakes/meta-graph.ts";
import { OpenAiFake } from "../../tests/fakes/openai.ts";
import { login } from "./http.ts";
import { mulberry32, type SeededCompany, type SeedPlan } from "./operator-seed.ts";
import { freePort, makeTempDir, type Mode, readyLine, ROOT, SOURCE, spawnScript, spawnServer, stop, waitForHealthz } from "./server-process.ts";
import { join } from "node:path";

export interface OperatorSpec {
  companies: number;
  agentsMin: number;
  agentsMax: number;
  /** Share of companies whose first number runs a published bot program. */
  botShare: number;
  /** Share of companies whose first number is answered first by the AI. */
  aiShare: number;
  /** Share of companies with a second WhatsApp number. */
  secondNumberShare: number;
  contactsPerCompany: number;
  /** Companies (without bot or AI) where one agent watches a probe conversation. */
  probeCompanies: number;
  /** How long the OpenAI fake takes to answer. */
  aiLatencyMs: number;
  seed: number;
  /** How to run the server (default: `bun core/main.ts serve`). */
  mode?: Mode;
  serverEnv?: Record<string, string>;
}

export const DEFAULT_SPEC: OperatorSpec = {
  companies: 200,
  agentsMin: 5,
  agentsMax: 20,
  botShare: 0.3,
  aiShare: 0.1,
  secondNumberShare: 0.25,
  contactsPerCompany: 20,
  probeCompanies: 10,
  aiLatencyMs: 300,
  seed: 1,
};

export interface Channel {
  id: number;
  company: Company;
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string;
  appSecret: string;
  webhookUrl: string;
  queueId: number;
}

export interface Company {
  seeded: SeededCompany;
  channels: Channel[];
  bot: boolean;
  ai: boolean;
  probe: boolean;
  /** Phones (digits, as WhatsApp's wa_id) of contacts created beforehand. */
  contactPhones: string[];
}

const AI_KEY = "sk-bench-operator";
const RATES: string[][] = [
  ["--kind", "whatsapp.utility", "--amount", "45"],
  ["--kind", "whatsapp.service", "--amount", "0"],
  ["--kind", "conversation", "--amount", "20"],
  ["--kind", "ai.prompt_1k", "--amount", "3"],
  ["--kind", "ai.completion_1k", "--amount", "9"],
];

/** Runs `jobs` with at most `n` in flight. */
export async function pool<X>(items: X[], n: number, job: (x: X, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await job(items[i]!, i);
    }
  }));
}

/** The simple bot program: greet, check the (always open) hours, hand over to the channel's queue. */
function botProgram(channelId: number, queueId: number) {
  return {
    name: "bienvenida",
    timeoutMinutes: 30,
    channelIds: [channelId],
    steps: [
      { priority: 1, type: "say", text: "Hola {{contact.name}}, gracias por escribir a {{company.name}}." },
      { priority: 2, type: "schedule", days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday"], start: "0:00", end: "23:59", goIfYes: "PASAR", goIfNo: "FUERA" },
      { priority: 3, label: "PASAR", type: "transfer", queueId },
      { priority: 4, label: "FUERA", type: "end", text: "Estamos fuera de horario." },
    ],
  };
}

export class Operator {
  readonly base: string;
  readonly companies: Company[] = [];
  readonly channelsByNumber = new Map<string, Channel>();
  readonly meta = new MetaGraphFake();
  readonly openai = new OpenAiFake({ apiKey: AI_KEY });
  proc!: Subprocess<"ignore", "ignore", "inherit">;
  plan!: SeedPlan;
  /** Called for every accepted WhatsApp send (the bench answers with status webhooks). */
  onSend: (record: SentRecord, channel: Channel) => void = () => {};
  readonly timings: Record<string, number> = {};

  private constructor(
    readonly spec: OperatorSpec,
    readonly dataDir: string,
    readonly port: number,
  ) {
    this.base = `http://127.0.0.1:${port}`;
  }

  static async start(spec: OperatorSpec, log: (s: string) => void = () => {}): Promise<Operator> {
    const op = new Operator(spec, makeTempDir(), freePort());
    await op.seed(log);
    await op.serve();
    await op.configure(log);
    return op;
  }

  get pid(): number {
    return this.proc.pid;
  }

  get databasePath(): string {
    return join(this.dataDir, "charla.db");
  }

  private async seed(log: (s: string) => void): Promise<void> {
    let t0 = performance.now();
    const child = spawnScript(join(import.meta.dir, "operator-seed.ts"), [this.dataDir, JSON.stringify({ companies: this.spec.companies, agentsMin: this.spec.agentsMin, agentsMax: this.spec.agentsMax, seed: this.spec.seed })]);
    this.plan = await readyLine<SeedPlan>(child, 300_000);
    await child.exited;
    if (child.exitCode !== 0) throw new Error(`operator-seed exited with ${child.exitCode}`);
    this.timings.seed = performance.now() - t0;
    const agents = this.plan.companies.reduce((n, c) => n + c.agents.length, 0);
    log(`seeded ${this.plan.companies.length} companies, ${agents} agents (test helper) in ${(this.timings.seed / 1000).toFixed(1)} s`);
    t0 = performance.now();
    const env = { ...process.env, DATA_DIR: this.dataDir, LOG_LEVEL: "error" };
    for (const args of RATES) {
      const r = Bun.spawnSync([process.execPath, join(ROOT, "core", "main.ts"), "rate", "set", ...args], { cwd: ROOT, env, stdout: "pipe", stderr: "pipe" });
      if (r.exitCode !== 0) throw new Error(`charla rate set ${args.join(" ")}: ${r.stderr.toString()}`);
    }
    this.timings.rates = performance.now() - t0;
  }

  private async serve(): Promise<void> {
    const graph = await this.meta.start();
    this.meta.onAccepted = (record) => {
      const ch = this.channelsByNumber.get(record.target);
      if (ch && record.id && !record.action) this.onSend(record, ch);
    };
    const aiBase = await this.openai.start();
    this.openai.fallback = () => ({ text: "Con gusto le ayudo. ¿Me da su número de pedido?", delayMs: this.spec.aiLatencyMs });
    (this as { aiBase?: string }).aiBase = aiBase;
    this.proc = spawnServer(this.spec.mode ?? SOURCE, {
      port: this.port,
      dataDir: this.dataDir,
      stderr: "inherit",
      env: { META_GRAPH_URL: graph, META_GRAPH_VERSION: "v24.0", PUBLIC_URL: this.base, ...this.spec.serverEnv },
    });
    const t0 = performance.now();
    const r = await waitForHealthz(this.proc, `${this.base}/healthz`, { t0, timeoutMs: 60_000, pollMs: 20 });
    if (!r.ok) throw new Error(`charla serve did not become healthy (${r.reason})`);
    this.timings.serve = r.ms;
  }

  /** A company API call with its token; throws unless the status is `expect`. */
  async api<R = Record<string, unknown>>(c: Company, method: string, path: string, body?: unknown, expect = 200): Promise<R> {
    const res = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${c.seeded.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== expect) throw new Error(`${method} ${path} (${c.seeded.slug}): ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : {}) as R;
  }

  private async configure(log: (s: string) => void): Promise<void> {
    const t0 = performance.now();
    const rnd = mulberry32(this.spec.seed * 7 + 3);
    const aiBase = (this as { aiBase?: string }).aiBase!;
    let probes = 0;
    for (const s of this.plan.companies) {
      const r = rnd();
      const bot = r < this.spec.botShare;
      const ai = !bot && r < this.spec.botShare + this.spec.aiShare;
      const probe = !bot && !ai && probes < this.spec.probeCompanies && (probes++, true);
      this.companies.push({ seeded: s, channels: [], bot, ai, probe, contactPhones: [] });
    }
    await pool(this.companies, 6, async (c) => {
      const i = c.seeded.index;
      const numbers = 1 + (rnd() < this.spec.secondNumberShare ? 1 : 0);
      const appSecret = `app-secret-${c.seeded.slug}-0123456789`;
      const wabaId = `1022901${String(i).padStart(8, "0")}`;
      const accessToken = `EAAG-bench-${c.seeded.slug}`;
      for (let k = 0; k < numbers; k++) {
        const phoneNumberId = `10654${String(i).padStart(6, "0")}${k}0000`;
        const displayPhoneNumber = `1555${String(i).padStart(5, "0")}${k}`;
        this.meta.addWhatsAppNumber({ phoneNumberId, wabaId, accessToken, displayPhoneNumber });
        const queueId = c.seeded.queues[k % c.seeded.queues.length]!;
        const created = await this.api<{ id: number; webhookUrl: string }>(c, "POST", "/channels", {
          plugin: "whatsapp-cloud",
          name: `WhatsApp ${k + 1}`,
          queueId,
          reopenWindowMinutes: 60,
          config: { phoneNumberId, wabaId, accessToken, appSecret },
        }, 201);
        const ch: Channel = { id: created.id, company: c, phoneNumberId, wabaId, displayPhoneNumber, appSecret, webhookUrl: created.webhookUrl, queueId };
        c.channels.push(ch);
        this.channelsByNumber.set(phoneNumberId, ch);
      }
      const first = c.channels[0]!;
      if (c.bot) {
        const { id } = await this.api<{ id: number }>(c, "POST", "/bots", botProgram(first.id, first.queueId), 201);
        await this.api(c, "POST", `/bots/${id}/publish`);
      }
      if (c.ai) {
        await this.api(c, "PUT", "/ai", { enabled: true, baseUrl: aiBase, model: "gpt-4o-mini", apiKey: AI_KEY, maxTurns: 2, monthlyTokenBudget: 0, instructions: "Responda con cortesía." });
        await this.api(c, "PATCH", `/channels/${first.id}`, { aiMode: "always" });
      }
      for (let k = 0; k < this.spec.contactsPerCompany; k++) {
        const phone = `5731${String(i).padStart(3, "0")}${String(k).padStart(5, "0")}`;
        await this.api(c, "POST", "/contacts", { name: `Cliente ${k} ${c.seeded.slug}`, phone: `+${phone}` }, 201);
        c.contactPhones.push(phone);
      }
    });
    this.timings.configure = performance.now() - t0;
    await this.recharge();
    log(`configured over HTTP in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${this.channelsByNumber.size} WhatsApp numbers, ${this.companies.filter((c) => c.bot).length} bot programs, ${this.companies.filter((c) => c.ai).length} AI companies, ${this.companies.length * this.spec.contactsPerCompany} contacts, a recharge each`);
  }

  /** One recharge per company through the operator's panel (Configuración -> Recargas). */
  private async recharge(): Promise<void> {
    const cookie = await login(fetch, this.base, this.plan.operator.username, this.plan.operator.password);
    const csrf = decodeURIComponent(/charla_csrf=([^;]+)/.exec(cookie)![1]!);
    await pool(this.companies, 4, async (c) => {
      const res = await fetch(`${this.base}/admin/recharges`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: csrf, companyId: String(c.seeded.id), amount: "5000000", date: "", method: "nequi", reference: `bench-${c.seeded.slug}`, note: "" }).toString(),
      });
      await res.arrayBuffer();
      if (res.status !== 303) throw new Error(`recharge for ${c.seeded.slug}: ${res.status}`);
    });
  }

  async stop(): Promise<void> {
    if (this.proc) await stop(this.proc);
    await this.meta.stop();
    await this.openai.stop();
  }
}
