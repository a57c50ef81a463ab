#!/usr/bin/env bun
/**
 * Child process of bench/lib/operator.ts: first run on an empty DATA_DIR through
 * the test helper (createTestApp), then N companies, each with 1-3 queues, its
 * agents (every queue staffed) and one write API token. Prints the plan as one
 * JSON line on stdout and exits (the data dir stays for `charla serve`).
 *   bun bench/lib/operator-seed.ts <dataDir> '{"companies":200,"agentsMin":5,"agentsMax":20,"seed":1}'
 */
import "./cheap-passwords.ts";
import { ADMIN_PASSWORD, createTestApp } from "../../tests/helpers/test-app.ts";

export interface SeedSpec {
  companies: number;
  agentsMin: number;
  agentsMax: number;
  seed: number;
}

export interface SeededAgent {
  id: number;
  username: string;
  queues: number[];
}

export interface SeededCompany {
  index: number;
  id: number;
  slug: string;
  token: string;
  queues: number[];
  agents: SeededAgent[];
}

export interface SeedPlan {
  operator: { username: string; password: string };
  agentPassword: string;
  companies: SeededCompany[];
  ms: number;
}

export const AGENT_PASSWORD = "password-123";

/** A small seeded PRNG so every run builds the same operator. */
export function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

if (import.meta.main) {
  const [dataDir, specJson] = process.argv.slice(2);
  if (!dataDir || !specJson) throw new Error("usage: operator-seed.ts <dataDir> <specJson>");
  const spec = JSON.parse(specJson) as SeedSpec;
  const t0 = performance.now();
  const rnd = mulberry32(spec.seed);
  const app = await createTestApp({ dir: dataDir, keepDir: true });
  const companies: SeededCompany[] = [];
  try {
    for (let i = 0; i < spec.companies; i++) {
      const slug = `op${String(i).padStart(3, "0")}`;
      const id = app.makeCompany(slug);
      const n = spec.agentsMin + Math.floor(rnd() * (spec.agentsMax - spec.agentsMin + 1));
      const queueCount = n < 10 ? 1 : n < 16 ? 2 : 3;
      const queues = Array.from({ length: queueCount }, (_, q) => app.makeQueue(id, `cola ${q + 1}`, q === 1 ? "least_busy" : "round_robin"));
      const agents: SeededAgent[] = [];
      for (let a = 0; a < n; a++) {
        // Every queue gets agents in turn; some agents also serve the next queue.
        const own = [queues[a % queueCount]!];
        if (queueCount > 1 && rnd() < 0.3) own.push(queues[(a + 1) % queueCount]!);
        const username = `${slug}a${a}`;
        agents.push({ id: await app.makeUser(id, username, "agent", own), username, queues: own });
      }
      companies.push({ index: i, id, slug, token: app.makeToken(id), queues, agents });
    }
  } finally {
    await app.close();
  }
  const plan: SeedPlan = { operator: { username: "admin", password: ADMIN_PASSWORD }, agentPassword: AGENT_PASSWORD, companies, ms: performance.now() - t0 };
  process.stdout.write(`${JSON.stringify(plan)}\n`);
}
