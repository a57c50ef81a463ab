import type { Server } from "bun";

export interface ReceivedDelivery {
  raw: string;
  headers: Headers;
  body: { id: string; event: string; createdAt: string; companyId: number; data: Record<string, unknown> };
  answered: number;
}

/**
 * An integrator's endpoint: a real HTTP server on 127.0.0.1 that keeps every
 * request's raw body and headers and answers as scripted (a queue of statuses
 * or "hang" for longer than Charla waits, then 200).
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  script: (number | "hang")[] = [];
  /** Answer every request with this status once the script is empty (default 200). */
  fallback = 200;
  /** Decides the status from the body when set (before the script and the fallback). */
  respond: ((body: ReceivedDelivery["body"]) => number | null) | null = null;
  private server: Server<unknown> | null = null;

  start(port = 0): string {
    this.server = Bun.serve({
      port,
      hostname: "127.0.0.1",
      idleTimeout: 30,
      fetch: async (req) => {
        const raw = await req.text();
        const chosen = this.respond?.(JSON.parse(raw)) ?? null;
        const next = chosen ?? this.script.shift() ?? this.fallback;
        this.received.push({ raw, headers: req.headers, body: JSON.parse(raw), answered: next === "hang" ? 0 : next });
        if (next === "hang") await Bun.sleep(6_000);
        return new Response(next === "hang" ? "late" : "ok", { status: next === "hang" ? 200 : next });
      },
    });
    return `http://127.0.0.1:${this.server.port}/hook`;
  }

  get url(): string {
    return `http://127.0.0.1:${this.server!.port}/hook`;
  }

  events(): string[] {
    return this.received.map((r) => r.body.event);
  }

  /** Deliveries that got a 2xx, in arrival order. */
  accepted(): ReceivedDelivery[] {
    return this.received.filter((r) => r.answered >= 200 && r.answered < 300);
  }

  async waitFor(test: () => boolean, ms = 5_000): Promise<void> {
    for (let waited = 0; !test(); waited += 20) {
      if (waited > ms) throw new Error(`timed out; received: ${this.events().join(", ")}`);
      await Bun.sleep(20);
    }
  }

  stop(): void {
    this.server?.stop(true);
  }
}
