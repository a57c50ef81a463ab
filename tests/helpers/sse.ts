/** Reads a Server-Sent Events response into a list of events, for assertions. */
export class SseReader {
  readonly events: { event: string; data: string }[] = [];
  /** True once the server ended the stream. */
  ended = false;
  private readonly done: Promise<void>;
  private readonly abort = new AbortController();

  constructor(url: string, cookie: string) {
    this.done = this.read(url, cookie).catch(() => undefined);
  }

  private async read(url: string, cookie: string): Promise<void> {
    const res = await fetch(url, { headers: { cookie }, signal: this.abort.signal, redirect: "manual" });
    if (!res.ok || !res.body) {
      this.events.push({ event: "http-error", data: String(res.status) });
      return;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        this.ended = true;
        return;
      }
      buffer += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        let event = "message";
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data.push(line.slice(6));
        }
        if (data.length) this.events.push({ event, data: data.join("\n") });
      }
    }
  }

  /** Waits until an event matches, or fails after `ms`. */
  async waitFor(match: (e: { event: string; data: string }) => boolean, ms = 3000): Promise<{ event: string; data: string }> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const found = this.events.find(match);
      if (found) return found;
      await Bun.sleep(5);
    }
    throw new Error(`no matching SSE event within ${ms} ms; got ${JSON.stringify(this.events).slice(0, 500)}`);
  }

  /** Waits until the server ends the stream, or fails after `ms`. */
  async waitEnded(ms = 3000): Promise<void> {
    const end = Date.now() + ms;
    while (!this.ended && Date.now() < end) await Bun.sleep(5);
    if (!this.ended) throw new Error(`the stream was still open after ${ms} ms`);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

export function cookieHeader(cookies: Map<string, string>): string {
  return [...cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; ");
}
