import { inject, injectable } from "tsyringe";
import { DATABASE, type Database } from "../db/database.ts";
import type { BotState, Outcome } from "./engine.ts";

export interface BotSession {
  id: number;
  companyId: number;
  conversationId: number;
  programId: number;
  versionId: number;
  state: BotState;
  step: string | null;
  lastMessageId: number;
  dueAt: number | null;
  startedAt: number;
}

type Row = Omit<BotSession, "state"> & { state: string };
const COLUMNS = `id, company_id AS companyId, conversation_id AS conversationId, program_id AS programId, version_id AS versionId,
  state, step, last_message_id AS lastMessageId, due_at AS dueAt, started_at AS startedAt`;
const session = (r: Row): BotSession => ({ ...r, state: JSON.parse(r.state) as BotState });

/** Conversations running a program, their timers, and what the step analytics count. */
@injectable()
export class BotSessionRepository {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  running(conversationId: number): BotSession | null {
    const r = this.db.query<Row, [number]>(`SELECT ${COLUMNS} FROM bot_sessions WHERE conversation_id = ? AND active = 1`).get(conversationId);
    return r ? session(r) : null;
  }

  start(s: { companyId: number; conversationId: number; programId: number; versionId: number; state: BotState; lastMessageId: number; now: number }): number {
    return Number(
      this.db
        .query(`INSERT INTO bot_sessions (company_id, conversation_id, program_id, version_id, state, last_message_id, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(s.companyId, s.conversationId, s.programId, s.versionId, JSON.stringify(s.state), s.lastMessageId, s.now).lastInsertRowid,
    );
  }

  /**
   * Takes the session's turn for a customer message: true once per message (a
   * redelivery or a second worker finds it already handed over).
   */
  claimMessage(id: number, messageId: number): boolean {
    return this.db.query(`UPDATE bot_sessions SET last_message_id = ? WHERE id = ? AND active = 1 AND last_message_id < ?`).run(messageId, id, messageId).changes === 1;
  }

  /** Takes a due timer: true once, however many sweeps see it. */
  claimTimer(id: number, dueAt: number): boolean {
    return this.db.query(`UPDATE bot_sessions SET due_at = NULL WHERE id = ? AND active = 1 AND due_at = ?`).run(id, dueAt).changes === 1;
  }

  save(id: number, state: BotState, step: string | null): void {
    this.db.query(`UPDATE bot_sessions SET state = ?, step = ?, due_at = ? WHERE id = ?`).run(JSON.stringify(state), step, state.dueAt, id);
  }

  end(id: number, state: BotState, step: string | null, outcome: Outcome, now: number): boolean {
    return (
      this.db
        .query(`UPDATE bot_sessions SET state = ?, step = ?, due_at = NULL, active = 0, outcome = ?, ended_at = ? WHERE id = ? AND active = 1`)
        .run(JSON.stringify(state), step, outcome, now, id).changes === 1
    );
  }

  visit(id: number, step: string): void {
    this.db.query(`INSERT OR IGNORE INTO bot_step_visits (session_id, step) VALUES (?, ?)`).run(id, step);
  }

  /** Sessions whose timer is due. */
  due(now: number, limit: number): { id: number; conversationId: number; companyId: number; dueAt: number }[] {
    return this.db
      .query<{ id: number; conversationId: number; companyId: number; dueAt: number }, [number]>(
        `SELECT id, conversation_id AS conversationId, company_id AS companyId, due_at AS dueAt FROM bot_sessions WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT ${limit}`,
      )
      .all(now);
  }

  /** Running sessions with a customer message they have not been handed (the process stopped in between). */
  behind(limit: number): { id: number; conversationId: number; companyId: number; messageId: number }[] {
    return this.db
      .query<{ id: number; conversationId: number; companyId: number; messageId: number }, []>(
        `SELECT s.id, s.conversation_id AS conversationId, s.company_id AS companyId, m.id AS messageId
         FROM bot_sessions s JOIN messages m ON m.conversation_id = s.conversation_id AND m.direction = 'in' AND m.id > s.last_message_id
         WHERE s.active = 1 ORDER BY m.id LIMIT ${limit}`,
      )
      .all();
  }

  /** Running sessions per program of a company. */
  runningCounts(companyId: number): Map<number, number> {
    const rows = this.db
      .query<{ programId: number; n: number }, [number]>(`SELECT program_id AS programId, COUNT(*) AS n FROM bot_sessions WHERE company_id = +? AND active = 1 GROUP BY program_id`)
      .all(companyId);
    return new Map(rows.map((r) => [r.programId, r.n]));
  }

  runningIn(programId: number): { id: number; conversationId: number; companyId: number }[] {
    return this.db
      .query<{ id: number; conversationId: number; companyId: number }, [number]>(
        `SELECT id, conversation_id AS conversationId, company_id AS companyId FROM bot_sessions WHERE program_id = ? AND active = 1`,
      )
      .all(programId);
  }

  /** Sessions started since `from` that reached each step. */
  reached(programId: number, from: number): Map<string, number> {
    const rows = this.db
      .query<{ step: string; n: number }, [number, number]>(
        `SELECT v.step, COUNT(*) AS n FROM bot_sessions s JOIN bot_step_visits v ON v.session_id = s.id WHERE s.program_id = +? AND s.started_at >= ? GROUP BY v.step`,
      )
      .all(programId, from);
    return new Map(rows.map((r) => [r.step, r.n]));
  }

  /** Where sessions started since `from` left: the step and how (still running: outcome null). */
  exits(programId: number, from: number): { step: string | null; outcome: Outcome | null; n: number }[] {
    return this.db
      .query<{ step: string | null; outcome: Outcome | null; n: number }, [number, number]>(
        `SELECT step, outcome, COUNT(*) AS n FROM bot_sessions WHERE program_id = +? AND started_at >= ? GROUP BY step, outcome ORDER BY n DESC`,
      )
      .all(programId, from);
  }
}
