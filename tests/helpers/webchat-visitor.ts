import type { TestApp } from "./test-app.ts";

/**
 * A web chat visitor as a browser would be one, through the real routes: opening
 * /chat/<channel> gives the visitor cookie, and each message is the page's JSON
 * post to the channel's webhook.
 */
export class WebchatVisitor {
  private cookie = "";
  private n = 0;

  constructor(
    private readonly app: TestApp,
    readonly channelId: number,
  ) {}

  async open(): Promise<this> {
    const res = await this.app.app.handle(new Request(`http://localhost/chat/${this.channelId}`));
    await res.arrayBuffer();
    this.cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    if (!this.cookie) throw new Error(`opening the chat gave no cookie (status ${res.status})`);
    return this;
  }

  async say(text: string, extra: Record<string, string> = {}): Promise<Response> {
    const res = await this.app.app.handle(
      new Request(`http://localhost/webhooks/${this.channelId}`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: this.cookie },
        body: JSON.stringify({ type: "message", text, clientId: `client-${Date.now()}-${++this.n}`, ...extra }),
      }),
    );
    if (res.status !== 200) throw new Error(`the visitor's message was refused: ${res.status} ${await res.text()}`);
    return res;
  }
}
