import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";

export type AiCallKind = "answer" | "suggest" | "summarize" | "test";

export interface AiCall {
  companyId: number;
  conversationId: number | null;
  kind: AiCallKind;
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  outcome: "ok" | "handoff" | "error";
  error: string | null;
}

/** Every call to the AI provider, for the monthly budget, the admin's usage line and billing. */
@injectable()
export class AiCallRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  record(c: AiCall, now: number): number {
    return Number(
      this.db
        .query(
          `INSERT INTO ai_calls (company_id, conversation_id, kind, model, prompt_tokens, completion_tokens, latency_ms, outcome, error, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(c.companyId, c.conversationId, c.kind, c.model, c.promptTokens, c.completionTokens, c.latencyMs, c.outcome, c.error, now).lastInsertRowid,
    );
  }

  /** Tokens and calls between two instants (ms, end excluded). */
  usage(companyId: number, from: number, to: number): { promptTokens: number; completionTokens: number; calls: number } {
    return this.db
      .query<{ promptTokens: number; completionTokens: number; calls: number }, [number, number, number]>(
        `SELECT COALESCE(SUM(prompt_tokens), 0) AS promptTokens, COALESCE(SUM(completion_tokens), 0) AS completionTokens, COUNT(*) AS calls
         FROM ai_calls WHERE company_id = ? AND created_at >= ? AND created_at < ?`,
      )
      .get(companyId, from, to)!;
  }
}
