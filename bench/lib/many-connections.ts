/**
 * Bun's fetch keeps at most 256 requests in flight per process
 * (BUN_CONFIG_MAX_HTTP_REQUESTS, read at start-up); every further fetch waits,
 * so a bench holding thousands of SSE streams would hang. Without the variable,
 * this runs the same script again with it set and exits with its code.
 */
export async function ensureManyConnections(max = 16_000): Promise<void> {
  if (process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) return;
  const child = Bun.spawn([process.execPath, ...process.argv.slice(1)], {
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: String(max) },
    stdio: ["inherit", "inherit", "inherit"],
  });
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
  process.exit(await child.exited);
}
