/**
 * Preloaded into the server by bench/soak.ts (`bun --preload bench/lib/heap-probe.ts
 * core/main.ts serve`): a side door on 127.0.0.1:$HEAP_PROBE_PORT whose GET answers
 * the JS heap after a full collection (bun:jsc heapStats: size, object count, counts
 * per object type) and process.memoryUsage(). Bench-only; the app never sees it.
 */
import { heapStats } from "bun:jsc";

export interface HeapSample {
  heapSize: number;
  heapCapacity: number;
  extraMemorySize: number;
  objectCount: number;
  objectTypeCounts: Record<string, number>;
  rss: number;
  external: number;
  arrayBuffers: number;
}

const port = Number(process.env.HEAP_PROBE_PORT);
if (port) {
  Bun.serve({
    port,
    hostname: "127.0.0.1",
    fetch: () => {
      Bun.gc(true);
      const h = heapStats();
      const m = process.memoryUsage();
      const sample: HeapSample = {
        heapSize: h.heapSize,
        heapCapacity: h.heapCapacity,
        extraMemorySize: h.extraMemorySize,
        objectCount: h.objectCount,
        objectTypeCounts: h.objectTypeCounts,
        rss: m.rss,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
      };
      return Response.json(sample);
    },
  });
}
