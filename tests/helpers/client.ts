import { expect } from "bun:test";

interface Handler {
  handle(request: Request): Promise<Response>;
}

/**
 * A browser-like client over app.handle(): keeps cookies, sends the CSRF token
 * the way the panel's forms do, and never follows redirects (tests assert them).
 */
export class Client {
  readonly cookies = new Map<string, string>();

  constructor(private readonly app: Handler) {}

  async request(method: string, path: string, init: { form?: Record<string, string | string[]>; json?: unknown; headers?: Record<string, string>; csrf?: boolean } = {}): Promise<Response> {
    const token = init.form && init.csrf !== false && method !== "GET" ? await this.csrf() : null;
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; "));
    let body: BodyInit | undefined;
    if (init.form) {
      const params = new URLSearchParams();
      if (token) params.append("_csrf", token);
      for (const [k, v] of Object.entries(init.form)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
      body = params.toString();
      headers.set("content-type", "application/x-www-form-urlencoded");
    } else if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers.set("content-type", "application/json");
    }
    const res = await this.app.handle(new Request(`http://localhost${path}`, { method, headers, body }));
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      const name = pair!.slice(0, i);
      const value = decodeURIComponent(pair!.slice(i + 1));
      if (value === "" || /Max-Age=0/.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get(path: string, headers?: Record<string, string>): Promise<Response> {
    return this.request("GET", path, { headers });
  }

  post(path: string, form: Record<string, string | string[]> = {}, opts: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<Response> {
    return this.request("POST", path, { form, ...opts });
  }

  /** The CSRF cookie, fetched from the login page the first time (as a browser would). */
  async csrf(): Promise<string> {
    if (!this.cookies.has("charla_csrf")) await this.get("/login");
    return this.cookies.get("charla_csrf")!;
  }

  async login(username: string, password: string): Promise<Response> {
    const res = await this.post("/login", { username, password });
    expect(res.status).toBe(303);
    expect(this.cookies.has("charla_session")).toBe(true);
    return res;
  }

  async html(path: string): Promise<string> {
    const res = await this.get(path);
    expect(res.status).toBe(200);
    return res.text();
  }
}

/** API calls with a bearer token. */
export async function api(app: Handler, method: string, path: string, token: string | null, json?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const h = new Headers(headers);
  if (token) h.set("authorization", `Bearer ${token}`);
  if (json !== undefined) h.set("content-type", "application/json");
  return app.handle(new Request(`http://localhost${path}`, { method, headers: h, body: json === undefined ? undefined : JSON.stringify(json) }));
}
