import type { Server } from "bun";

export interface RelayCall {
  to: string;
  key: string;
  text: string | null;
  mediaUrl: string | null;
}

/**
 * The fake provider behind the http-relay test plugin: a real HTTP server on
 * 127.0.0.1 that records every send and answers as scripted (a queue of
 * statuses, then 200).
 */
export class RelayProvider {
  readonly calls: RelayCall[] = [];
  /** Statuses to answer with, in order, before answering 200. */
  script: { status: number; error?: string; retryAfterMs?: number }[] = [];
  private server: Server<unknown> | null = null;

  start(port = 0): string {
    this.server = Bun.serve({
      port,
      hostname: "127.0.0.1",
      fetch: async (req) => {
        const call = (await req.json()) as RelayCall;
        this.calls.push(call);
        const next = this.script.shift();
        if (next && next.status !== 200) {
          return Response.json({ error: next.error ?? "scripted failure" }, { status: next.status, headers: next.retryAfterMs !== undefined ? { "retry-after-ms": String(next.retryAfterMs) } : {} });
        }
        return Response.json({ id: `ext-${call.key}` });
      },
    });
    return `http://127.0.0.1:${this.server.port}/send`;
  }

  stop(): void {
    this.server?.stop(true);
  }
}
