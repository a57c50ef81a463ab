import { createTestApp, type TestApp } from "./test-app.ts";

/** The real app listening on a free 127.0.0.1 port, for browsers and real HTTP clients. */
export async function startLiveServer(): Promise<TestApp & { url: string; stop(): Promise<void> }> {
  const app = await createTestApp();
  // idleTimeout 0: SSE streams stay open between heartbeats.
  app.app.listen({ port: 0, hostname: "127.0.0.1", idleTimeout: 0 });
  const url = `http://127.0.0.1:${app.app.server!.port}`;
  return {
    ...app,
    url,
    stop: async () => {
      await app.app.stop();
      await app.close();
    },
  };
}
