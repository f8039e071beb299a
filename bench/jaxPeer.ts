// The jax-js peer in a process of its own, for the run with worker threads through the Worker shim (peer `jax-js-2thr`):
// times the named workloads' jax-js tasks and prints one JSON object (the external-peer format of bench/run.ts).
// Usage: node --import tsx bench/jaxPeer.ts --threads=2 --rows=matmul-256,mlp-train [--quick]
import { loadJax, jaxVersion } from "./_jax.js";
import { measureAsync } from "./_measure.js";
import { workloads } from "./workloads/index.js";

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const threads = Number(arg("threads") ?? "2");
const names = new Set((arg("rows") ?? "").split(",").filter(Boolean));
const quick = process.argv.includes("--quick");
const progress = (msg: string) => void process.stderr.write(`  ${msg}\n`);

const jax = await loadJax(threads);
const rows: Record<string, { value: number | null; note?: string }> = {};
for (const w of workloads.filter((w) => names.has(w.name) && w.jax)) {
  const task = w.jax!(jax);
  if (typeof task === "string") {
    rows[w.name] = { value: null, note: task };
    continue;
  }
  try {
    const m = await measureAsync(() => task.run(), quick ? { budgetMs: 0, minReps: 1, maxReps: 1, warmMs: 0 } : { budgetMs: 2500, minReps: 3, maxReps: 15, slowMs: 4000 });
    const value = Number(w.score(m.medianMs).toPrecision(4));
    progress(`${w.name} jax-js (${threads} threads): ${value} ${w.unit} (median of ${m.samples}, ${m.medianMs.toFixed(1)} ms/run)`);
    rows[w.name] = m.samples === 1 ? { value, note: `a single timed run (${(m.medianMs / 1000).toFixed(1)} s)` } : { value };
  } catch (e) {
    rows[w.name] = { value: null, note: `failed (${e instanceof Error ? e.message : String(e)})` };
  } finally {
    task.dispose?.();
  }
}
process.stdout.write(JSON.stringify({ version: jaxVersion(), threads, rows }) + "\n");
// The shim's workers are unref()ed, but jax-js keeps their message ports alive: leave explicitly.
process.exit(0);
