/** One agent or bot message as the visitor's stream carries it. */
export interface StreamMessage {
  id: number | null;
  externalId: string;
  author: "agent" | "bot" | "system";
  kind: string;
  text: string | null;
  mediaUrl: string | null;
  mediaType: string | null;
  filename: string | null;
  createdAt: number;
}

type Controller = ReadableStreamDefaultController<Uint8Array>;

const encoder = new TextEncoder();
/** A visitor with more tabs than this loses the oldest stream, so one cookie cannot pin unbounded memory. */
const MAX_STREAMS_PER_VISITOR = 8;
/** Chunks queued for a client that stopped reading; past this the stream is dropped. */
const MAX_BACKLOG = 256;

/**
 * The visitors' open Server-Sent Event streams, per customer id, in this
 * process's memory. The outbox calls send() in the same process, so a push here
 * reaches every tab the visitor has open.
 */
export class VisitorStreams {
  private readonly open = new Map<string, Set<Controller>>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly heartbeatMs = 20_000) {}

  /** The streaming response for one visitor tab; it ends when `signal` aborts. */
  connect(customerId: string, signal: AbortSignal): Response {
    let controller: Controller | null = null;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c;
        // The retry hint and a first comment flush the headers at once, so the
        // browser's EventSource fires "open" without waiting for a message.
        c.enqueue(encoder.encode("retry: 3000\n: connected\n\n"));
        this.add(customerId, c);
      },
      cancel: () => {
        if (controller) this.remove(customerId, controller);
      },
    });
    const end = () => {
      if (controller) this.close(customerId, controller);
    };
    if (signal.aborted) end();
    else signal.addEventListener("abort", end, { once: true });
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        // Proxies such as nginx would otherwise buffer the stream.
        "x-accel-buffering": "no",
      },
    });
  }

  /** Sends one message to every open stream of the customer; returns how many got it. */
  push(customerId: string, message: StreamMessage): number {
    return this.broadcast(customerId, encoder.encode(`id: ${message.externalId}\nevent: message\ndata: ${JSON.stringify(message)}\n\n`));
  }

  /** The business read the visitor's messages (an agent opened the conversation). */
  pushRead(customerId: string): number {
    return this.broadcast(customerId, encoder.encode(`event: read\ndata: {}\n\n`));
  }

  private broadcast(customerId: string, chunk: Uint8Array): number {
    let reached = 0;
    for (const c of [...(this.open.get(customerId) ?? [])]) if (this.write(customerId, c, chunk)) reached++;
    return reached;
  }

  count(customerId: string): number {
    return this.open.get(customerId)?.size ?? 0;
  }

  closeAll(): void {
    for (const [customerId, set] of this.open) for (const c of [...set]) this.close(customerId, c);
    this.stopHeartbeat();
  }

  private add(customerId: string, c: Controller): void {
    const set = this.open.get(customerId) ?? new Set<Controller>();
    this.open.set(customerId, set);
    set.add(c);
    if (set.size > MAX_STREAMS_PER_VISITOR) this.close(customerId, set.values().next().value!);
    if (!this.heartbeat) {
      // Proxies and browsers drop silent connections; a comment line keeps them open.
      this.heartbeat = setInterval(() => this.ping(), this.heartbeatMs);
      (this.heartbeat as { unref?: () => void }).unref?.();
    }
  }

  private ping(): void {
    const chunk = encoder.encode(": ping\n\n");
    for (const [customerId, set] of this.open) for (const c of [...set]) this.write(customerId, c, chunk);
  }

  private write(customerId: string, c: Controller, chunk: Uint8Array): boolean {
    if (c.desiredSize !== null && c.desiredSize < -MAX_BACKLOG) {
      this.close(customerId, c);
      return false;
    }
    try {
      c.enqueue(chunk);
      return true;
    } catch {
      // The client went away without an abort reaching us.
      this.remove(customerId, c);
      return false;
    }
  }

  private close(customerId: string, c: Controller): void {
    this.remove(customerId, c);
    try {
      c.close();
    } catch {
      // already closed
    }
  }

  private remove(customerId: string, c: Controller): void {
    const set = this.open.get(customerId);
    if (!set) return;
    set.delete(c);
    if (!set.size) this.open.delete(customerId);
    if (!this.open.size) this.stopHeartbeat();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
