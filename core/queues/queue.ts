export type AssignmentStrategy = "round_robin" | "least_busy" | "manual";
export const STRATEGIES: readonly AssignmentStrategy[] = ["round_robin", "least_busy", "manual"];

export interface Queue {
  id: number;
  companyId: number;
  name: string;
  /** How waiting conversations find an agent. */
  strategy: AssignmentStrategy;
  /** Open conversations an agent may hold before this queue skips them; 0 = no limit. */
  maxPerAgent: number;
  createdAt: number;
}

export interface QueueListItem extends Queue {
  members: number;
}

export interface QueueInput {
  name: string;
  strategy: string;
  maxPerAgent: number;
}
