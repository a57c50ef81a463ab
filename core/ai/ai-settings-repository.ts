import { DATABASE, type Database } from "../db/database.ts";
import { inject, injectable } from "tsyringe";
import type { AiSettings } from "./ai-settings.ts";

const COLUMNS = `company_id AS companyId, enabled, provider, base_url AS baseUrl, model, api_key_sealed AS apiKeySealed, instructions, knowledge,
  include_responses AS includeResponses, temperature, max_tokens AS maxTokens, monthly_token_budget AS monthlyTokenBudget, max_turns AS maxTurns,
  handoff_message AS handoffMessage, updated_at AS updatedAt`;
type Row = Omit<AiSettings, "enabled" | "includeResponses"> & { enabled: number; includeResponses: number };

/** One row of AI settings per company that has saved any. */
@injectable()
export class AiSettingsRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  get(companyId: number): AiSettings | null {
    const r = this.db.query<Row, [number]>(`SELECT ${COLUMNS} FROM ai_settings WHERE company_id = ?`).get(companyId);
    return r ? { ...r, enabled: r.enabled === 1, includeResponses: r.includeResponses === 1 } : null;
  }

  save(s: AiSettings): void {
    this.db
      .query(
        `INSERT INTO ai_settings (company_id, enabled, provider, base_url, model, api_key_sealed, instructions, knowledge, include_responses, temperature,
           max_tokens, monthly_token_budget, max_turns, handoff_message, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT (company_id) DO UPDATE SET enabled = ?2, provider = ?3, base_url = ?4, model = ?5, api_key_sealed = ?6, instructions = ?7,
           knowledge = ?8, include_responses = ?9, temperature = ?10, max_tokens = ?11, monthly_token_budget = ?12, max_turns = ?13,
           handoff_message = ?14, updated_at = ?15`,
      )
      .run(
        s.companyId,
        s.enabled ? 1 : 0,
        s.provider,
        s.baseUrl,
        s.model,
        s.apiKeySealed,
        s.instructions,
        s.knowledge,
        s.includeResponses ? 1 : 0,
        s.temperature,
        s.maxTokens,
        s.monthlyTokenBudget,
        s.maxTurns,
        s.handoffMessage,
        s.updatedAt,
      );
  }
}
