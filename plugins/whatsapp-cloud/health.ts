import type { PluginContext } from "../../core/channels/contract.ts";
import { describeError, isTokenError } from "./errors.ts";
import type { GraphError } from "./graph-client.ts";

const KEY = "token_problem";

/**
 * Turns Graph outcomes into channel health: an expired token (190) puts the channel
 * in "needs attention" for the admins; the next call that works sets it active again.
 * The flag lives in the channel's kv so it survives the instance being rebuilt
 * (which is exactly what happens when an admin pastes a new token).
 */
export class TokenHealth {
  private constructor(
    private readonly ctx: PluginContext,
    private problem: boolean,
  ) {}

  static async load(ctx: PluginContext): Promise<TokenHealth> {
    return new TokenHealth(ctx, (await ctx.kv.get(KEY)) !== null);
  }

  readonly observe = async (error: GraphError | null): Promise<void> => {
    try {
      if (error && isTokenError(error)) {
        const reason = describeError(error);
        this.ctx.logger.warn("whatsapp-cloud: the access token was refused", { code: error.code, reason });
        this.problem = true;
        await this.ctx.kv.set(KEY, reason);
        await this.ctx.reportHealth({ status: "needs_attention", reason });
      } else if (!error && this.problem) {
        this.problem = false;
        await this.ctx.kv.delete(KEY);
        await this.ctx.reportHealth({ status: "active" });
      }
    } catch (e) {
      // Health is advisory: never let it break a send or a webhook.
      this.ctx.logger.error("whatsapp-cloud: could not record the channel health", { error: e instanceof Error ? e.message : String(e) });
    }
  };
}
