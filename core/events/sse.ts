import type { Viewer } from "../auth/access.ts";
import type { AuthService } from "../auth/auth-service.ts";

export interface SseWriter {
  write(chunk: string): void;
  /** Tells the page to sign in again (or reload with its new rights), then ends the stream. */
  end(reason: string): void;
  /**
   * Ends the stream asking the page to connect again in about `retryMs` (the server
   * is restarting): hx-sse takes the delay from `retry:` (read only on a message
   * with an event) and reconnects by itself, with jitter, so a restart does not
   * bring every browser back in the same millisecond.
   */
  reconnect(retryMs: number): void;
}

const HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" };

/**
 * A Server-Sent Events response with a heartbeat. `open` gets the writer once the
 * stream starts; `beat` runs every `heartbeatMs`; `closed` runs exactly once,
 * however the stream ends (the browser left, a write failed, `end`).
 */
export function sseResponse(signal: AbortSignal, heartbeatMs: number, hooks: { open(w: SseWriter): void; beat(w: SseWriter): void; closed(): void }): Response {
  const encoder = new TextEncoder();
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let done = false;
  const close = () => {
    if (done) return;
    done = true;
    clearInterval(heartbeat);
    hooks.closed();
    try {
      controllerRef?.close();
    } catch {
      /* already closed */
    }
  };
  const writer: SseWriter = {
    write(chunk) {
      if (done) return;
      try {
        controllerRef!.enqueue(encoder.encode(chunk));
      } catch {
        close();
      }
    },
    end(reason) {
      writer.write(`event: reauth\ndata: ${reason}\n\n`);
      close();
    },
    reconnect(retryMs) {
      writer.write(`retry: ${Math.round(retryMs)}\nevent: reconnect\ndata: restart\n\n`);
      close();
    },
  };
  const stream = new ReadableStream<Uint8Array>({
    start: (controller) => {
      controllerRef = controller;
      writer.write(": connected\n\n");
      hooks.open(writer);
      heartbeat = setInterval(() => hooks.beat(writer), heartbeatMs);
      signal.addEventListener("abort", close);
    },
    cancel: close,
  });
  return new Response(stream, { headers: HEADERS });
}

/**
 * A stream shows only what its user may see now: each heartbeat reads the session
 * again. Returns the current viewer, or why the stream must end ("session": signed
 * out or another company; "access": the role changed); null when the read failed
 * (the stream just pings and tries again next beat).
 */
export function recheck(auth: AuthService, viewer: Viewer): Viewer | "session" | "access" | null {
  let current: Viewer | null;
  try {
    current = auth.refresh(viewer);
  } catch {
    return null;
  }
  if (!current || current.companyId !== viewer.companyId) return "session";
  if (current.role !== viewer.role) return "access";
  return current;
}
