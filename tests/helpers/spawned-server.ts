import { Client } from "./client.ts";

/** A random high port; a clash only fails the one test that drew it. */
export const randomPort = () => 20000 + Math.floor(Math.random() * 20000);

/** Polls /healthz of a server started in a child process (up to ~5 s). */
export async function waitHealthy(base: string): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) return true;
    await Bun.sleep(25);
  }
  return false;
}

/** The cookie-keeping test client, over real HTTP to `base`, redirects not followed. */
export function remoteClient(base: string): Client {
  return new Client({ handle: (req) => fetch(new Request(req.url.replace("http://localhost", base), req), { redirect: "manual" }) });
}
