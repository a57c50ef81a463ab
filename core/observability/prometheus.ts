import { LATENCY_BUCKETS, type HistogramSnapshot, type Sample } from "./metrics.ts";

/** One metric family: its samples share the name, help and type. */
export type Family =
  | { name: string; help: string; type: "counter" | "gauge"; samples: Sample[] }
  | { name: string; help: string; type: "histogram"; histograms: HistogramSnapshot[] };

/**
 * The Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): HELP and TYPE
 * before each family's samples, label values escaped, histograms as cumulative
 * `_bucket{le=...}` series ending in +Inf, then `_sum` and `_count`.
 */
export function prometheusText(families: readonly Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
    out.push(`# TYPE ${f.name} ${f.type}`);
    if (f.type === "histogram") {
      for (const h of f.histograms) {
        LATENCY_BUCKETS.forEach((le, i) => out.push(`${f.name}_bucket${labels({ ...h.labels, le: String(le) })} ${h.buckets[i] ?? 0}`));
        out.push(`${f.name}_bucket${labels({ ...h.labels, le: "+Inf" })} ${h.count}`);
        out.push(`${f.name}_sum${labels(h.labels)} ${number(h.sum)}`);
        out.push(`${f.name}_count${labels(h.labels)} ${h.count}`);
      }
    } else {
      for (const s of f.samples) out.push(`${f.name}${labels(s.labels)} ${number(s.value)}`);
    }
  }
  return out.join("\n") + "\n";
}

function labels(l: Record<string, string>): string {
  const entries = Object.entries(l);
  if (!entries.length) return "";
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`).join(",")}}`;
}

function number(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}
