import { join } from "node:path";
import { makeTempDir, readyLine, removeAllTempDirs, spawnScript, stop } from "/work/main/bench/lib/server-process.ts";
let t = performance.now();
const lap = (s: string) => { const n = performance.now(); console.log(s, (n - t).toFixed(0)); t = n; };
const d = makeTempDir();
const p = spawnScript("/work/main/bench/lib/target.ts", ["pipeline", d]);
const r = await readyLine<{ port: number }>(p); lap("ready");
await stop(p); lap("stop");
removeAllTempDirs();
