#!/usr/bin/env bun
/**
 * Resident memory (VmRSS from /proc/<pid>/status) of `charla serve`. Linux only;
 * talks to 127.0.0.1 only; always kills its children and removes its dirs.
 *  1. Fresh DATA_DIR, the compiled binary and `bun core/main.ts serve`: after
 *     start + 3 s idle, and after 200 sequential GET /login + 3 s idle.
 *  2. A whole business (the compiled binary): the demo data scaled to 1M messages
 *     (100k conversations, 60k contacts, 20 queues; bench/lib/business-seed.ts) and
 *     50 agents. Idle after start; 50 agents signed in, *Conectado*, inbox open
 *     (SSE); then TRAFFIC_S of customers writing on WhatsApp (Meta Graph fake here)
 *     with the agents answering, list and pane re-fetches as the page does, status
 *     webhooks, searches and old conversations opened by a supervisor; then 8 sign-ins
 *     at once with the server's real argon2id cost (a shift change); then idle.
 * Aims: idle under 80 MB, under 256 MB with 50 agents and 1M messages.
 * Run: bun bench/memory.ts [--messages 1000000] [--agents 50] [--source] [--fresh-only]
 *   --source runs part 2 with `bun core/main.ts serve` too.
 */
import { existsSync } from "node:fs";
import type { Subprocess } from "bun";
import { MetaGraphFake, wa } from "../tests/fakes/meta-graph.ts";
import { RelayProvider } from "../tests/helpers/relay.ts";
import { Agent, newAgentStats } from "./lib/agents.ts";
import type { BusinessSeed } from "./lib/business-seed.ts";
import { login } from "./lib/http.ts";
import { ensureManyConnections } from "./lib/many-connections.ts";
import { pool } from "./lib/operator.ts";
import { procMiB, RssSampler } from "./lib/proc-stats.ts";
import { BIN, type Mode, ROOT, SOURCE, ensureBinary, freePort, hasExited, makeTempDir, readyLine, removeTempDir, sleep, spawnScript, spawnServer, stop, waitForHealthz } from "./lib/server-process.ts";
import { openLoop, statusesFor, Webhooks, Latencies, type WaChannel } from "./lib/traffic.ts";
import { join } from "node:path";

const IDLE_MS = 3_000;
const REQUESTS = 200;
const START_TIMEOUT_MS = 60_000;
const MODES: Mode[] = [BIN, SOURCE];
const argv = process.argv.slice(2);
const opt = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const MESSAGES = opt("--messages", 1_000_000);
const AGENTS = opt("--agents", 50);
const TRAFFIC_S = opt("--traffic-seconds", 30);
const RATE = opt("--rate", 20);
const SIGN_INS = 8;
const AIM_IDLE = 80;
const AIM_LOAD = 256;

function assertAlive(proc: Subprocess, name: string): void {
  if (hasExited(proc)) {
    throw new Error(`${name} exited (code ${proc.exitCode}, signal ${proc.signalCode})`);
  }
}

async function started(proc: Subprocess, base: string, name: string): Promise<void> {
  const r = await waitForHealthz(proc, `${base}/healthz`, { t0: performance.now(), timeoutMs: START_TIMEOUT_MS, pollMs: 5 });
  if (!r.ok) {
    assertAlive(proc, name); // throws the "exited" error when that was the reason
    throw new Error(`${name}: /healthz not 200 within ${START_TIMEOUT_MS} ms`);
  }
}

async function measure(mode: Mode): Promise<string[]> {
  const dataDir = makeTempDir();
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawnServer(mode, { port, dataDir, stderr: "inherit" });
  const label = (what: string) => `memory ${mode.name.padEnd(6)} ${what.padEnd(42)}`;
  try {
    await started(proc, base, mode.name);
    await sleep(IDLE_MS);
    assertAlive(proc, mode.name);
    const idle = procMiB(proc.pid, "VmRSS");

    let bad = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const res = await fetch(`${base}/login`, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status !== 200) bad++;
    }
    if (bad) throw new Error(`${mode.name}: ${bad}/${REQUESTS} GET /login did not answer 200`);
    await sleep(IDLE_MS);
    assertAlive(proc, mode.name);
    const after = procMiB(proc.pid, "VmRSS");
    const peak = procMiB(proc.pid, "VmHWM");
    return [
      `${label(`RSS after start + ${IDLE_MS / 1000} s idle:`)} ${idle.toFixed(1).padStart(6)} MiB  (aim < ${AIM_IDLE} for the binary)`,
      `${label(`RSS after ${REQUESTS} GET /login + ${IDLE_MS / 1000} s idle:`)} ${after.toFixed(1).padStart(6)} MiB`,
      `${label("peak RSS (VmHWM) over the run:")} ${peak.toFixed(1).padStart(6)} MiB`,
    ];
  } finally {
    await stop(proc);
    removeTempDir(dataDir);
  }
}

/** Seeds the business once (a child process); each mode then runs on a copy. */
async function seedBusiness(): Promise<{ dir: string; seed: BusinessSeed }> {
  const dir = makeTempDir();
  const child = spawnScript(join(import.meta.dir, "lib", "business-seed.ts"), [dir, String(Math.round(MESSAGES / 10)), String(AGENTS)]);
  const seed = await readyLine<BusinessSeed>(child, 600_000);
  await child.exited;
  return { dir, seed };
}

async function business(mode: Mode, seeded: { dir: string; seed: BusinessSeed }): Promise<string[]> {
  const { seed } = seeded;
  const dataDir = makeTempDir();
  Bun.spawnSync(["cp", "-a", `${seeded.dir}/.`, dataDir]);
  const meta = new MetaGraphFake();
  const graph = await meta.start();
  const relay = new RelayProvider();
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  // PLUGINS_DIR: the seeded history came in through the test relay plugin.
  const env = { META_GRAPH_URL: graph, META_GRAPH_VERSION: "v24.0", PUBLIC_URL: base, PLUGINS_DIR: join(ROOT, "tests", "fixtures", "channel-plugins") };
  const proc = spawnServer(mode, { port, dataDir, stderr: "inherit", env });
  const label = (what: string) => `memory ${mode.name.padEnd(6)} ${what.padEnd(62)}`;
  const out: string[] = [];
  const agents: Agent[] = [];
  const rss = new RssSampler(proc.pid, 250);
  try {
    await started(proc, base, mode.name);
    await sleep(IDLE_MS);
    assertAlive(proc, mode.name);
    out.push(`${label(`${(seed.messages / 1e6).toFixed(1)}M messages, nobody signed in, ${IDLE_MS / 1000} s idle:`)} ${procMiB(proc.pid, "VmRSS").toFixed(1).padStart(6)} MiB  (aim < ${AIM_IDLE})`);

    // A WhatsApp number for live traffic, routed to the first queue.
    const api = async <R>(method: string, path: string, body?: unknown): Promise<R> => {
      const res = await fetch(`${base}/api/v1${path}`, { method, headers: { authorization: `Bearer ${seed.token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as R;
    };
    const queues = (await api<{ data: { id: number }[] }>("GET", "/queues?limit=200")).data;
    // The seeded history's channel (the test relay plugin) answers through a real provider here.
    const relayChannel = (await api<{ data: { id: number; plugin: string }[] }>("GET", "/channels?limit=200")).data.find((c) => c.plugin === "http-relay")!;
    await api("PATCH", `/channels/${relayChannel.id}`, { config: { endpoint: relay.start() } });
    const number = { phoneNumberId: "106540352200001", wabaId: "102290129300001", accessToken: "EAAG-memory", displayPhoneNumber: "15550700001" };
    meta.addWhatsAppNumber(number);
    const appSecret = "memory-app-secret-0123456789";
    const created = await api<{ webhookUrl: string }>("POST", "/channels", { plugin: "whatsapp-cloud", name: "WhatsApp", queueId: queues[0]!.id, reopenWindowMinutes: 60, config: { ...number, appSecret } });
    const ch: WaChannel = { ...number, appSecret, webhookUrl: created.webhookUrl };
    const hooks = new Webhooks(new Latencies());
    const counters = { sends: 0, billable: 0 };
    const onStatus = statusesFor(hooks, counters);
    meta.onAccepted = (record) => {
      if (record.id && !record.action) onStatus(record, ch);
    };

    const stats = newAgentStats();
    const behaviour = { thinkMs: [1000, 4000] as [number, number], closeShare: 0.35, keepOpen: new Set<number>(), refresh: true };
    for (const u of seed.agentUsernames) agents.push(new Agent(base, u, seed.agentPassword, stats, behaviour));
    await pool(agents, 8, async (a) => {
      await a.signIn();
      await a.setOnline(true);
      await a.navigate(null);
    });
    await sleep(IDLE_MS);
    out.push(`${label(`+ ${agents.length} agents Conectado, inbox open (SSE), ${IDLE_MS / 1000} s idle:`)} ${procMiB(proc.pid, "VmRSS").toFixed(1).padStart(6)} MiB`);

    // Traffic: customers (new ones and seeded contacts), a supervisor searching and opening old conversations.
    rss.start();
    const supervisor = await login(fetch, base, "admin", "operator-pass-123");
    let customer = 0;
    const fire = () => {
      const i = customer++;
      const from = i % 3 === 0 ? `57300${String(1_000_000 + ((i * 7919) % Math.round(seed.messages / 10 * 0.6)))}` : `5731${String(5_000_000 + (i % 400)).padStart(8, "0")}`;
      void hooks.post(ch, wa.text({ wabaId: number.wabaId, phoneNumberId: number.phoneNumberId, displayPhoneNumber: number.displayPhoneNumber, from, name: `Cliente ${i % 400}` }, `hola quiero saber el precio del pedido ${i}`), "message");
    };
    let reads = 0;
    const readTimer = setInterval(() => {
      const words = ["pedido", "factura", "garantía", "domicilio"];
      const id = seed.conversationIds.first + Math.floor(Math.random() * (seed.conversationIds.last - seed.conversationIds.first));
      for (const path of [`/inbox?tab=all&q=${encodeURIComponent(words[reads % words.length]!)}`, `/inbox/${id}`]) {
        void fetch(`${base}${path}`, { headers: { cookie: supervisor } }).then((r) => r.arrayBuffer());
      }
      reads++;
    }, 500);
    await openLoop(TRAFFIC_S * 1000, () => RATE, fire, () => hooks.inFlight);
    clearInterval(readTimer);
    await sleep(5000);
    rss.stop();
    const underLoad = rss.maxSince(0);
    out.push(`${label(`under ${TRAFFIC_S} s of traffic (max of samples every 250 ms):`)} ${underLoad.toFixed(1).padStart(6)} MiB  (aim < ${AIM_LOAD})`);
    out.push(`${label("  the traffic:")} ${hooks.acked} webhooks (${customer} customer messages at ${RATE}/s, statuses), ${counters.sends + relay.calls.length} sends, ${stats.replies} agent replies, ${stats.listFetches} list / ${stats.paneFetches} pane re-fetches, ${reads * 2} supervisor searches and pages; ${hooks.failed + stats.errors} errors${stats.lastError ? ` (${stats.lastError})` : ""}`);
    // A shift change: sign-ins with the server's own argon2id cost (the seeded agents' hashes are cheap on purpose).
    await api("POST", "/users", { username: "turno.tarde", name: "Turno Tarde", password: "clave-de-turno-1", role: "agent", queueIds: [queues[0]!.id] });
    let signInMax = 0;
    const signInTimer = setInterval(() => (signInMax = Math.max(signInMax, procMiB(proc.pid, "VmRSS"))), 5);
    const t1 = performance.now();
    await Promise.all(Array.from({ length: SIGN_INS }, () => login(fetch, base, "turno.tarde", "clave-de-turno-1")));
    const signInMs = performance.now() - t1;
    clearInterval(signInTimer);
    out.push(`${label(`${SIGN_INS} sign-ins at once (argon2id at Bun's default cost):`)} ${signInMax.toFixed(1).padStart(6)} MiB max over ${signInMs.toFixed(0)} ms  (aim < ${AIM_LOAD})`);
    for (const a of agents) a.stop();
    await sleep(IDLE_MS);
    out.push(`${label(`agents gone, ${IDLE_MS / 1000} s idle:`)} ${procMiB(proc.pid, "VmRSS").toFixed(1).padStart(6)} MiB`);
    out.push(`${label("peak RSS (VmHWM) over the run:")} ${procMiB(proc.pid, "VmHWM").toFixed(1).padStart(6)} MiB`);
    return out;
  } catch (e) {
    for (const l of out) console.log(l);
    throw e;
  } finally {
    rss.stop();
    for (const a of agents) a.stop();
    await stop(proc);
    await meta.stop();
    relay.stop();
    removeTempDir(dataDir);
  }
}

async function main(): Promise<void> {
  if (!existsSync("/proc/self/status")) throw new Error("needs Linux /proc to read VmRSS");
  ensureBinary();
  console.log(`resident memory (VmRSS, Bun ${Bun.version}, ${navigator.hardwareConcurrency} CPUs):`);
  for (const mode of MODES) {
    // Printed as each mode finishes, so a failure in the second keeps the first's figures.
    for (const l of await measure(mode)) console.log(l);
  }
  if (argv.includes("--fresh-only")) return;
  const t0 = performance.now();
  const seeded = await seedBusiness();
  console.log(`whole business: seeded ${seeded.seed.messages.toLocaleString("en")} messages and ${seeded.seed.agentUsernames.length} agents in ${((performance.now() - t0) / 1000).toFixed(0)} s (test helper + bench/lib/seed-inbox.ts)`);
  for (const mode of argv.includes("--source") ? [BIN, SOURCE] : [BIN]) for (const l of await business(mode, seeded)) console.log(l);
  removeTempDir(seeded.dir);
}

try {
  await ensureManyConnections();
  await main();
} catch (e) {
  console.error(`bench/memory failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
