// Side-by-side benchmarks: every workload on rivulet and on the peers (tfjs cpu, tfjs wasm) in one process; WebGPU rows
// compare rivulet on WebGPU with rivulet on the CPU and with tfjs-backend-webgpu on the same adapter. Peers jax-js (in
// process), jax-js-shim and pytorch (child processes, joined to the same rows) are described in bench/README.md.
// Usage: npm run bench [-- --json] [-- --only=matmul] [-- --only=mlp-train,simd128] [-- --quick]   (see bench/README.md)
import { availableParallelism, cpus, totalmem } from "node:os";
import { loadTfjs, useBackend, wasmFeatures } from "./_tfjs.js";
import { measure, measureAsync, type MeasureOptions } from "./_measure.js";
import { workloads } from "./workloads/index.js";
import type { Row, Task, Tf, TfBackend, Workload } from "./workload.js";
import { loadJax, jaxVersion, type Jax } from "./_jax.js";
import { externalPeer, type ExternalPeer } from "./_externalPeer.js";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const json = args.includes("--json");
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);
/** --only=a,b: the workloads whose name contains any of the comma-separated parts. */
const selected = (name: string): boolean => !only || only.split(",").some((part) => part !== "" && name.includes(part));
/** --quick: one untimed and one timed run per column, for tests of the harness (the figures mean nothing). */
const quick = args.includes("--quick");

// stdout carries only the result (the table, or with --json exactly one JSON object): progress and whatever
// the peers print (tfjs's notices) go to stderr.
const out = process.stdout.write.bind(process.stdout);
const toStderr = (...xs: unknown[]) => void process.stderr.write(xs.map(String).join(" ") + "\n");
console.log = console.info = console.warn = console.debug = toStderr;
const progress = (msg: string) => void process.stderr.write(`  ${msg}\n`);

const peers: readonly { readonly name: string; readonly backend: TfBackend }[] = [
  { name: "tfjs-cpu", backend: "cpu" },
  { name: "tfjs-wasm", backend: "wasm" },
];

// Slow peers get few repetitions so the whole run stays within a few minutes.
const budget: MeasureOptions = quick ? { budgetMs: 0, minReps: 1, maxReps: 1, slowMs: 0, warmMs: 0 } : { budgetMs: 2500, minReps: 3, maxReps: 15, slowMs: 4000 };

const time = (w: Workload, who: string, task: Task | string, notes: string[]): number | null => {
  if (typeof task === "string") {
    notes.push(`${who}: n/a (${task})`);
    progress(`${w.name} ${who}: n/a (${task})`);
    return null;
  }
  try {
    const m = measure(() => task.run(), budget);
    const v = Number(w.score(m.medianMs).toPrecision(4));
    if (m.samples === 1) notes.push(`${who}: a single run (${(m.medianMs / 1000).toFixed(1)} s)`);
    progress(`${w.name} ${who}: ${v.toPrecision(4)} ${w.unit} (median of ${m.samples}, ${m.medianMs.toFixed(1)} ms/run)`);
    return v;
  } catch (e) {
    notes.push(`${who}: failed (${e instanceof Error ? e.message : String(e)})`);
    progress(`${w.name} ${who}: failed: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  } finally {
    task.dispose?.();
  }
};

/** `time` for the columns of a comparison row (tasks may be asynchronous; the first run is an untimed warm-up). */
const timeAsync = async (w: Workload, who: string, task: Task | string, notes: string[]): Promise<number | null> => {
  if (typeof task === "string") {
    notes.push(`${who}: n/a (${task})`);
    progress(`${w.name} ${who}: n/a (${task})`);
    return null;
  }
  try {
    const m = await measureAsync(() => task.run(), (quick ? budget : w.budget?.() ?? budget));
    const v = Number(w.score(m.medianMs).toPrecision(4));
    if (m.samples === 1) notes.push(`${who}: a single timed run (${(m.medianMs / 1000).toFixed(1)} s)`);
    progress(`${w.name} ${who}: ${v.toPrecision(4)} ${w.unit} (median of ${m.samples}, ${m.medianMs.toFixed(1)} ms/run)`);
    return v;
  } catch (e) {
    notes.push(`${who}: failed (${e instanceof Error ? e.message : String(e)})`);
    progress(`${w.name} ${who}: failed: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  } finally {
    task.dispose?.();
  }
};

/** `time` for a task whose `run` may return a promise (jax-js reads back asynchronously): the first run tells which. */
const timeAny = async (w: Workload, who: string, task: Task | string, notes: string[]): Promise<number | null> => {
  if (typeof task === "string") return time(w, who, task, notes);
  const probe = task.run();
  if (!(probe instanceof Promise)) return time(w, who, task, notes);
  await probe;
  return timeAsync(w, who, task, notes);
};

/** Rows left out, with why (no WebGPU adapter; too slow on a software one). */
const skipped: { workload: string; reason: string }[] = [];

const bench = async (tf: Tf, started: ReadonlySet<TfBackend>, jax: Jax | string): Promise<Row[]> => {
  const rows: Row[] = [];
  for (const w of workloads.filter((w) => selected(w.name))) {
    const reason = await w.skip?.();
    if (reason !== undefined) {
      skipped.push({ workload: w.name, reason });
      progress(`${w.name}: skipped (${reason})`);
      continue;
    }
    const notes: string[] = [];
    if (w.compare) {
      const rivulet = await timeAsync(w, "rivulet", await w.rivulet(), notes);
      const measured: Record<string, number | null> = {};
      for (const r of w.compare) measured[r.name] = await timeAsync(w, r.name, await r.task(), notes);
      rows.push({ workload: w.name, unit: w.unit, higherIsBetter: w.higherIsBetter, rivulet, peers: measured, ...(notes.length ? { notes } : {}), ...(w.group ? { group: w.group() } : {}) });
      continue;
    }
    const rivulet = time(w, "rivulet", await w.rivulet(), notes);
    const measured: Record<string, number | null> = {};
    for (const p of peers) {
      if (!started.has(p.backend) || !(await useBackend(tf, p.backend))) {
        measured[p.name] = null;
        notes.push(`${p.name}: n/a (backend did not start)`);
        continue;
      }
      measured[p.name] = time(w, p.name, w.tfjs?.(tf, p.backend) ?? "no tfjs version of this workload", notes);
    }
    measured["jax-js"] = typeof jax === "string" ? (notes.push(`jax-js: n/a (${jax})`), null)
      : await timeAny(w, "jax-js", w.jax?.(jax) ?? "no jax-js version of this workload", notes);
    rows.push({ workload: w.name, unit: w.unit, higherIsBetter: w.higherIsBetter, rivulet, peers: measured, ...(notes.length ? { notes } : {}), ...(w.group ? { group: w.group() } : {}) });
  }
  return rows;
};

/** rivulet relative to a peer, oriented so that above 1 means rivulet is better. */
const ratio = (r: Row, peer: number | null | undefined): number | null =>
  r.rivulet === null || peer == null || peer === 0 || r.rivulet === 0 ? null : r.higherIsBetter ? r.rivulet / peer : peer / r.rivulet;

const fmt = (v: number | null | undefined, digits = 3): string => (v == null ? "n/a" : v >= 100 ? v.toFixed(0) : v.toPrecision(digits));

/** One table: the rows of one group, with a column per peer of theirs and the ratios against each. */
const table = (rows: readonly Row[]): string => {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.peers)))];
  const head = ["workload", "unit", "rivulet", ...names, ...names.map((p) => `vs ${p}`)];
  const body = rows.map((r) => [
    r.workload, r.unit, fmt(r.rivulet), ...names.map((p) => fmt(r.peers[p])),
    ...names.map((p) => { const x = ratio(r, r.peers[p]); return x === null ? "n/a" : `${fmt(x)}×`; }),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const notes = rows.flatMap((r) => (r.notes ?? []).map((n) => `  ${r.workload}: ${n}`));
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line), "",
    "ratios: rivulet relative to the peer, above 1× means rivulet is better (throughput ratio, or time ratio for ms rows)",
    ...(notes.length ? ["notes:", ...notes] : [])].join("\n");
};

/** Every table: the CPU rows first, then each group (the WebGPU rows under their adapter), then what was skipped. */
const tables = (rows: readonly Row[]): string => {
  const groups = [...new Set(rows.map((r) => r.group))];
  const parts = groups.map((g) => (g === undefined ? "" : `${g}\n\n`) + table(rows.filter((r) => r.group === g)));
  if (skipped.length) parts.push(["skipped:", ...skipped.map((s) => `  ${s.workload}: ${s.reason}`)].join("\n"));
  return parts.join("\n\n");
};

const main = async () => {
  const tf = await loadTfjs();
  const started = new Set<TfBackend>();
  for (const p of peers) if (await useBackend(tf, p.backend).catch(() => false)) started.add(p.backend);
  const threadsEnv = Number(process.env["RIVULET_CPU_THREADS"] || "");
  const machine = {
    cpus: availableParallelism(),
    model: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    rivuletThreads: Number.isInteger(threadsEnv) && threadsEnv >= 1 ? threadsEnv : Math.min(availableParallelism(), 8),
    tfjs: tf.version.tfjs,
    tfjsWasm: started.has("wasm") ? (await useBackend(tf, "wasm"), wasmFeatures(tf)) : null,
  };
  progress(`machine: ${JSON.stringify(machine)}`);
  const jax = await loadJax(1).catch((e: unknown) => `jax-js did not start: ${e instanceof Error ? e.message : String(e)}`);
  const measuredRows = await bench(tf, started, jax);
  // The peers that run in a process of their own (jax-js with worker threads, PyTorch), joined to the CPU rows.
  const cpuRows = measuredRows.filter((r) => r.group === undefined).map((r) => r.workload);
  const jaxRows = cpuRows.filter((n) => workloads.find((w) => w.name === n)?.jax);
  const external: ExternalPeer[] = [
    externalPeer("jax-js-shim", process.execPath, ["--import", "tsx", fileURLToPath(new URL("jaxPeer.ts", import.meta.url)), `--threads=${machine.rivuletThreads}`, `--rows=${jaxRows.join(",")}`, ...(quick ? ["--quick"] : [])], jaxRows.length > 0, progress),
    externalPeer("pytorch", "/usr/bin/python3", [fileURLToPath(new URL("pytorch_bench.py", import.meta.url)), `--threads=${machine.rivuletThreads}`, `--rows=${cpuRows.join(",")}`, ...(quick ? ["--quick"] : [])], cpuRows.length > 0, progress),
  ];
  const rows = measuredRows.map((r) => (r.group !== undefined ? r : external.reduce((row, p) => p.join(row), r)));
  Object.assign(machine, {
    jaxJs: typeof jax === "string" ? null : jaxVersion(),
    ...Object.fromEntries(external.map((p) => [p.name === "pytorch" ? "pytorch" : "jaxJsShim", p.info ?? null])),
  });
  if (json) out(JSON.stringify({ machine, rows, ...(skipped.length ? { skipped } : {}) }) + "\n");
  else out(`machine: ${machine.cpus} cpus (${machine.model}), node ${machine.node}, rivulet threads ${machine.rivuletThreads}, tfjs ${machine.tfjs}, wasm ${JSON.stringify(machine.tfjsWasm)}\n` +
    `peers: ${[`jax-js ${typeof jax === "string" ? `n/a (${jax})` : jaxVersion()} (stock Node: 1 thread)`, ...external.map((p) => p.describe())].join("; ")}\n\n${tables(rows)}\n`);
};

await main();

// The tokenizer rows (bench/tokenizers.ts: encoding and training against their own peers) print their own tables after these.
if (only === undefined || "tokenizers".includes(only)) await import("./tokenizers.js");
