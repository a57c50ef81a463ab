/**
 * Client-side helpers shared by the conversation benches: panel sign-in without
 * bun:test, percentiles, and a relay webhook request.
 */

/** Anything that answers a Request: `fetch` (real HTTP) or `app.handle` (in process). */
export type Send = (req: Request) => Promise<Response>;

function cookieValue(res: Response, name: string): string {
  for (const c of res.headers.getSetCookie()) {
    const pair = c.split(";")[0]!;
    const i = pair.indexOf("=");
    if (pair.slice(0, i) === name) return pair.slice(i + 1);
  }
  throw new Error(`no ${name} cookie in the response (status ${res.status})`);
}

/**
 * Signs in as a browser does (GET /login for the CSRF cookie, POST the form with
 * `_csrf`) and returns the Cookie header to send: charla_csrf + charla_session.
 */
export async function login(send: Send, base: string, username: string, password: string): Promise<string> {
  const page = await send(new Request(`${base}/login`, { redirect: "manual" }));
  await page.arrayBuffer();
  const csrf = cookieValue(page, "charla_csrf");
  const res = await send(
    new Request(`${base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `charla_csrf=${csrf}` },
      body: new URLSearchParams({ _csrf: decodeURIComponent(csrf), username, password }).toString(),
    }),
  );
  await res.arrayBuffer();
  if (res.status !== 303) throw new Error(`login as ${username}: expected 303, got ${res.status}`);
  return `charla_csrf=${csrf}; charla_session=${cookieValue(res, "charla_session")}`;
}

/** The relay plugin's webhook, as the provider would deliver one message. */
export function relayWebhook(base: string, channelId: number, token: string, m: { id: string; from: string; text: string }): Request {
  return new Request(`${base}/webhooks/${channelId}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-relay-token": token },
    body: JSON.stringify({ messages: [m] }),
  });
}

/**
 * A message id shaped like WhatsApp's (`wamid.` + base64 of the sender and a random
 * tail). Random, as real ids are: sequential ids would land every dedupe-index
 * insert on the same B-tree page and flatter the pipeline about 2x.
 */
export function waMessageId(from: string): string {
  const tail = Buffer.from(crypto.getRandomValues(new Uint8Array(10))).toString("hex").toUpperCase();
  return `wamid.${Buffer.from(`\x1c\x18\x0c${from}\x15\x02\x00\x12\x18\x14${tail}\x00`, "latin1").toString("base64")}`;
}

/** Nearest-rank percentile of an unsorted sample. */
export function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const ms = (x: number) => `${x.toFixed(2)} ms`;

/** Runs `n` jobs over `concurrency` workers (closed loop); returns elapsed ms. */
export async function closedLoop(n: number, concurrency: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await job(next++);
    }),
  );
  return performance.now() - t0;
}
