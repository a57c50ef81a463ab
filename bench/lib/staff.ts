/**
 * Puts an operator's agents to work: every seeded agent signs in, switches to
 * *Conectado* and opens the inbox (page + stream); in each probe company one
 * agent of the first number's queue instead stays *Desconectado* and keeps the
 * probe conversation open (the watcher).
 */
import { Agent, type AgentBehaviour, type AgentStats } from "./agents.ts";
import { pool, type Company, type Operator } from "./operator.ts";
import type { Probes } from "./traffic.ts";

export interface Staff {
  agents: Agent[];
  byCompany: Map<Company, Agent[]>;
  watchers: Agent[];
}

export function watcherOf(c: Company): string {
  const q = c.channels[0]!.queueId;
  return [...c.seeded.agents].reverse().find((a) => a.queues.includes(q))!.username;
}

export async function staffOperator(op: Operator, stats: AgentStats, behaviour: AgentBehaviour, probes: Probes, online = (_c: Company, _i: number) => true): Promise<Staff> {
  const staff: Staff = { agents: [], byCompany: new Map(), watchers: [] };
  const jobs: { c: Company; agent: Agent; watch: boolean; online: boolean }[] = [];
  for (const c of op.companies) {
    const watch = c.probe ? watcherOf(c) : null;
    const list: Agent[] = [];
    c.seeded.agents.forEach((a, i) => {
      const agent = new Agent(op.base, a.username, op.plan.agentPassword, stats, behaviour);
      list.push(agent);
      staff.agents.push(agent);
      jobs.push({ c, agent, watch: a.username === watch, online: a.username !== watch && online(c, i) });
    });
    staff.byCompany.set(c, list);
  }
  await pool(jobs, 8, async (j) => {
    await j.agent.signIn();
    if (j.watch) return;
    if (j.online) {
      await j.agent.setOnline(true);
      await j.agent.navigate(null);
    }
  });
  for (const j of jobs) {
    if (!j.watch) continue;
    behaviour.keepOpen.add(await probes.add(op, j.c, j.agent));
    staff.watchers.push(j.agent);
  }
  return staff;
}
