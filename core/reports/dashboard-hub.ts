import { inject, injectable } from "tsyringe";
import type { Viewer } from "../auth/access.ts";
import type { AuthService } from "../auth/auth-service.ts";
import type { EventBus } from "../events/bus.ts";
import { recheck, sseResponse, type SseWriter } from "../events/sse.ts";
import { T } from "../tokens.ts";

interface Watcher {
  viewer: Viewer;
  writer: SseWriter;
}

/** Nudges closer together than this become one (a burst of messages refreshes the panels once). */
const COALESCE_MS = 300;

/**
 * The dashboard's live panels (operators connected, unanswered): a stream per
 * open dashboard that only says "something changed"; the panels re-fetch
 * themselves through their guarded routes. Unlike the inbox stream, watching the
 * dashboard does not make anyone Conectado. The operator's all-companies view
 * (company null) hears every company.
 */
@injectable()
export class DashboardHub {
  private readonly watchers = new Map<number | null, Set<Watcher>>();
  private readonly pending = new Set<number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly offs: (() => void)[] = [];
  heartbeatMs = 20_000;

  constructor(
    @inject(T.EventBus) private readonly bus: EventBus,
    @inject(T.AuthService) private readonly authService: AuthService,
  ) {}

  start(): void {
    this.offs.push(this.bus.on("presence.changed", ({ companyId }) => this.changed(companyId)));
    this.offs.push(this.bus.on("conversation.changed", ({ companyId }) => this.changed(companyId)));
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Open dashboard streams (the /metrics gauge). */
  clientCount(): number {
    let n = 0;
    for (const set of this.watchers.values()) n += set.size;
    return n;
  }

  /** Shutdown: every stream ends asking its page to reconnect (to the next process) in about `retryMs`. */
  closeAll(retryMs: number): void {
    for (const set of [...this.watchers.values()]) for (const w of [...set]) w.writer.reconnect(retryMs);
  }

  /** `companyId` null: the operator watching every company. */
  connect(viewer: Viewer, companyId: number | null, signal: AbortSignal): Response {
    const key = companyId;
    let watcher: Watcher | null = null;
    return sseResponse(signal, this.heartbeatMs, {
      open: (writer) => {
        watcher = { viewer, writer };
        let set = this.watchers.get(key);
        if (!set) this.watchers.set(key, (set = new Set()));
        set.add(watcher);
      },
      beat: (writer) => {
        if (!watcher) return;
        const current = recheck(this.authService, watcher.viewer);
        if (current === "session" || current === "access") return writer.end(current);
        if (current) watcher.viewer = current;
        writer.write(": ping\n\n");
      },
      closed: () => {
        if (watcher) this.watchers.get(key)?.delete(watcher);
      },
    });
  }

  private changed(companyId: number): void {
    if (!this.watchers.get(companyId)?.size && !this.watchers.get(null)?.size) return;
    this.pending.add(companyId);
    this.timer ??= setTimeout(() => this.flush(), COALESCE_MS);
  }

  private flush(): void {
    this.timer = null;
    const companies = [...this.pending];
    this.pending.clear();
    for (const id of companies) for (const w of this.watchers.get(id) ?? []) w.writer.write("event: dashboard\ndata: changed\n\n");
    if (companies.length) for (const w of this.watchers.get(null) ?? []) w.writer.write("event: dashboard\ndata: changed\n\n");
  }
}
