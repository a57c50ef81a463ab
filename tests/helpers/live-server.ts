import { createTestApp, type TestApp } from "./test-app.ts";
import { MAX_REQUEST_BYTES } from "../../core/cli/serve.ts";

/** A port free right now on 127.0.0.1. */
export function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

/**
 * The real app listening on 127.0.0.1, for browsers and real HTTP clients.
 * PUBLIC_URL matches the port, because pages (the web chat) link to absolute URLs.
 */
export async function startLiveServer(env: Record<string, string> = {}, opts: Omit<Parameters<typeof createTestApp>[0] & {}, "env"> & { port?: number } = {}): Promise<TestApp & { url: string; stop(): Promise<void> }> {
  const port = opts.port ?? freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = await createTestApp({ ...opts, env: { PORT: String(port), PUBLIC_URL: url, ...env } });
  // idleTimeout 0: SSE streams stay open between heartbeats.
  app.app.listen({ port, hostname: "127.0.0.1", idleTimeout: 0, reusePort: false, maxRequestBodySize: MAX_REQUEST_BYTES });
  return {
    ...app,
    url,
    stop: async () => {
      await app.app.stop();
      await app.close();
    },
  };
}
