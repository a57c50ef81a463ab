/**
 * Child process of bench/backup.ts: asks URL every 2 ms until told to stop
 * (stdin closes), then prints one JSON line of latencies. A separate process, as
 * real clients are: a probe inside the server's own process competes with it for
 * its threads and measures itself.
 *   bun bench/lib/healthz-probe.ts http://127.0.0.1:PORT/healthz
 */
const url = process.argv[2]!;
let running = true;
void (async () => {
  // Nothing is sent; the stream ends when the parent closes it.
  const reader = Bun.stdin.stream().getReader();
  while (!(await reader.read()).done);
  running = false;
})();
const lat: number[] = [];
while (running) {
  const t = performance.now();
  await fetch(url).then((r) => r.arrayBuffer());
  lat.push(performance.now() - t);
  await Bun.sleep(2);
}
lat.sort((a, b) => a - b);
const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;
console.log(JSON.stringify({ n: lat.length, p50: q(0.5), p99: q(0.99), max: lat.at(-1) ?? 0 }));

export {};
