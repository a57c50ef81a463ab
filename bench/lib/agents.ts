/**
 * Simulated agents in the panel, doing what the inbox page does in a browser:
 * sign in, switch to *Conectado*, hold GET /inbox/stream (re-opened on every page
 * load, with ?open= for the conversation shown), re-fetch the list 150 ms after
 * the last "inbox" nudge (the page's hx-trigger delay) and the pane on a
 * "conversation" event, and answer what waits for them in *Mis conversaciones*
 * (open it, reply through the composer's form, sometimes *Finalizar*). A watcher
 * keeps one conversation open and reports each probe text's arrival time.
 */
import { login } from "./http.ts";

export interface AgentStats {
  listFetches: number;
  listMs: number[];
  paneFetches: number;
  pageLoads: number;
  replies: number;
  closes: number;
  errors: number;
  streamsOpened: number;
  lastError: string;
}

export const newAgentStats = (): AgentStats => ({ listFetches: 0, listMs: [], paneFetches: 0, pageLoads: 0, replies: 0, closes: 0, errors: 0, streamsOpened: 0, lastError: "" });

export interface AgentBehaviour {
  /** Real ms between seeing a waiting conversation and answering it. */
  thinkMs: [number, number];
  /** Chance to finalize a conversation after answering it. */
  closeShare: number;
  /** Conversations never finalized (the probes). */
  keepOpen: Set<number>;
  /** Simulate the list / pane re-fetches a browser does on SSE events. */
  refresh: boolean;
}

const WAITING = /<li id="conv-(\d+)"[\s\S]*?<\/li>/g;

export class Agent {
  cookie = "";
  csrf = "";
  open: number | null = null;
  online = false;
  private stream: AbortController | null = null;
  private listTimer: ReturnType<typeof setTimeout> | null = null;
  private listInFlight = false;
  private listAgain = false;
  private paneInFlight = false;
  private readonly busy = new Set<number>();
  private readonly refused = new Set<number>();
  /** One tab does one thing at a time: page loads and form posts queue here. */
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Set on a watcher: called with each probe number seen in a bubble, and when it arrived. */
  onProbe: ((probe: number, at: number) => void) | null = null;

  constructor(
    readonly base: string,
    readonly username: string,
    readonly password: string,
    readonly stats: AgentStats,
    readonly behaviour: AgentBehaviour,
  ) {}

  async signIn(): Promise<void> {
    this.cookie = await login(fetch, this.base, this.username, this.password);
    this.csrf = decodeURIComponent(/charla_csrf=([^;]+)/.exec(this.cookie)![1]!);
  }

  /** Last non-redirect answer of a form post, for the error line. */
  private lastBody = "";

  private async form(path: string, fields: Record<string, string>): Promise<number> {
    const res = await fetch(`${this.base}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: this.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: this.csrf, ...fields }).toString(),
    });
    const body = await res.text();
    if (res.status !== 303) this.lastBody = (/"code":"([a-z_]+)"/.exec(body)?.[1] ?? /<title>([^<]*)/.exec(body)?.[1] ?? body.slice(0, 80)).trim();
    return res.status;
  }

  private async get(path: string): Promise<{ status: number; body: string }> {
    const res = await fetch(`${this.base}${path}`, { headers: { cookie: this.cookie }, redirect: "manual" });
    return { status: res.status, body: await res.text() };
  }

  private fail(what: string): void {
    this.stats.errors++;
    this.stats.lastError = `${this.username}: ${what}`;
  }

  /** *Conectado* / *Desconectado* in Bandeja. */
  async setOnline(online: boolean): Promise<void> {
    const s = await this.form("/inbox/presence", { online: online ? "1" : "0" });
    if (s !== 303) this.fail(`presence ${s}`);
    this.online = online;
  }

  /** A page load of the inbox (optionally with a conversation open): the page, then its stream. */
  async navigate(open: number | null): Promise<void> {
    this.closeStream();
    const page = await this.get(open ? `/inbox/${open}` : "/inbox");
    this.stats.pageLoads++;
    if (page.status !== 200) return this.fail(`page ${open ?? "inbox"} ${page.status}`);
    this.open = open;
    await this.openStream();
  }

  /** Opens GET /inbox/stream[?open=] and resolves once the server said ": connected". */
  async openStream(): Promise<void> {
    const abort = new AbortController();
    this.stream = abort;
    const res = await fetch(`${this.base}/inbox/stream${this.open ? `?open=${this.open}` : ""}`, { headers: { cookie: this.cookie }, signal: abort.signal }).catch(() => null);
    if (!res || res.status !== 200 || !res.body) return this.fail(`stream ${res?.status ?? "refused"}`);
    this.stats.streamsOpened++;
    let connected!: () => void;
    const ready = new Promise<void>((r) => (connected = r));
    void this.read(res.body, abort, connected);
    await Promise.race([ready, Bun.sleep(5_000)]);
  }

  private async read(body: ReadableStream<Uint8Array>, abort: AbortController, connected: () => void): Promise<void> {
    const decoder = new TextDecoder();
    const reader = body.getReader();
    let buf = "";
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        const now = performance.now();
        buf += decoder.decode(r.value, { stream: true });
        let end: number;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          if (block.startsWith(":")) {
            if (block.startsWith(": connected")) connected();
            continue;
          }
          const nl = block.indexOf("\n");
          const first = nl < 0 ? block : block.slice(0, nl);
          const name = first.startsWith("event:") ? first.slice(6).trim() : "message";
          if (name === "inbox") this.nudged();
          else if (name === "conversation") void this.refreshPane();
          else if (name === "message" && this.onProbe) for (const m of block.matchAll(/probe(\d+)x/g)) this.onProbe(Number(m[1]), now);
        }
      }
    } catch {
      // aborted by a navigation or stop()
    }
    if (!abort.signal.aborted && !this.stopped) {
      // The server ended it (e.g. a restart): a browser reconnects.
      this.stream = null;
      await Bun.sleep(1000);
      if (!this.stopped && !this.stream) await this.openStream();
    }
  }

  closeStream(): void {
    this.stream?.abort();
    this.stream = null;
  }

  /** hx-trigger="inbox from:#inbox-sse delay:150ms": each nudge restarts the 150 ms wait. */
  private nudged(): void {
    if (!this.behaviour.refresh) return;
    if (this.listTimer) clearTimeout(this.listTimer);
    this.listTimer = setTimeout(() => {
      this.listTimer = null;
      void this.refreshList();
    }, 150);
  }

  private async refreshList(): Promise<void> {
    if (this.listInFlight) {
      this.listAgain = true;
      return;
    }
    this.listInFlight = true;
    try {
      const t0 = performance.now();
      const res = await this.get(`/inbox/list?tab=mine${this.open ? `&open=${this.open}` : ""}`);
      this.stats.listMs.push(performance.now() - t0);
      this.stats.listFetches++;
      if (res.status !== 200) return this.fail(`list ${res.status}`);
      if (this.online && !this.stopped) for (const m of res.body.matchAll(WAITING)) if (m[0].includes('class="waiting"')) this.answerLater(Number(m[1]));
    } catch (e) {
      if (!this.stopped) this.fail(`list: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.listInFlight = false;
      if (this.listAgain) {
        this.listAgain = false;
        void this.refreshList();
      }
    }
  }

  private async refreshPane(): Promise<void> {
    if (!this.behaviour.refresh || !this.open || this.paneInFlight) return;
    this.paneInFlight = true;
    try {
      const res = await this.get(`/inbox/${this.open}/pane?tab=mine`);
      this.stats.paneFetches++;
      if (res.status !== 200 && res.status !== 404) this.fail(`pane ${res.status}`);
    } catch (e) {
      if (!this.stopped) this.fail(`pane: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.paneInFlight = false;
    }
  }

  /** A conversation waits for this agent: open it, answer, maybe finalize. */
  private answerLater(id: number): void {
    if (this.busy.has(id) || this.refused.has(id) || this.onProbe) return;
    this.busy.add(id);
    const [lo, hi] = this.behaviour.thinkMs;
    setTimeout(() => (this.chain = this.chain.then(() => this.answer(id))), lo + Math.random() * (hi - lo));
  }

  private async answer(id: number): Promise<void> {
    try {
      if (this.stopped) return;
      if (this.open !== id) await this.navigate(id);
      const s = await this.form(`/inbox/${id}/messages`, { text: `Hola, le ayudo con eso (${id}).`, submission: crypto.randomUUID() });
      if (s !== 303) {
        // Refused (outside the window, taken by someone else...): an agent does not retry it forever.
        this.refused.add(id);
        return this.fail(`reply ${s} ${this.lastBody}`);
      }
      this.stats.replies++;
      if (!this.behaviour.keepOpen.has(id) && Math.random() < this.behaviour.closeShare) {
        const c = await this.form(`/inbox/${id}/close`, { note: "" });
        if (c !== 303) return this.fail(`close ${c}`);
        this.stats.closes++;
        await this.navigate(null);
      }
    } catch (e) {
      if (!this.stopped) this.fail(`answer ${id}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.busy.delete(id);
    }
  }

  /** Ends the shift: *Desconectado*, then the tab is closed. */
  async signOff(): Promise<void> {
    if (this.online) await this.setOnline(false).catch(() => undefined);
    this.stop();
  }

  stop(): void {
    this.stopped = true;
    if (this.listTimer) clearTimeout(this.listTimer);
    this.closeStream();
  }

  /** Back to work after stop() (a new shift): the same user signs in again. */
  restart(): void {
    this.stopped = false;
  }
}
