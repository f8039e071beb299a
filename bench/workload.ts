// What a benchmark row is: one workload timed on rivulet and on each peer, in the same process.
import type * as TfNamespace from "@tensorflow/tfjs";
import type { MeasureOptions } from "./_measure.js";
import type { Jax } from "./_jax.js";

export type Tf = typeof TfNamespace;

/** A tfjs backend a peer runs on. */
export type TfBackend = "cpu" | "wasm";

/** One operation set up once and timed repeatedly; `run` returns (or resolves) only when its results have been read back. */
export interface Task {
  run(): void | Promise<void>;
  dispose?(): void;
}

/** A column of a comparison row: who runs the workload, and how (a task, or why it cannot run). */
export interface Runner {
  readonly name: string;
  task(): Promise<Task | string>;
}

/** A benchmark workload. A factory returns a string instead of a task when that side cannot run it (shown as n/a). */
export interface Workload {
  readonly name: string;
  readonly unit: "GFLOP/s" | "ms" | "samples/s" | "tokens/s";
  readonly higherIsBetter: boolean;
  /** The reported figure for a median time per run of `ms` milliseconds. */
  score(ms: number): number;
  rivulet(): Promise<Task | string>;
  /** The same arithmetic on a tfjs peer (cpu, wasm); a workload with `compare` has its own columns instead. */
  tfjs?(tf: Tf, backend: TfBackend): Task | string;
  /** The same workload on jax-js's Wasm device (peers `jax-js` in process, `jax-js-2thr` in a child process). */
  jax?(jax: Jax): Task | string;
  /**
   * Columns of its own instead of the tfjs peers (the WebGPU rows: rivulet on the CPU, tfjs-backend-webgpu); tasks
   * may then be asynchronous, and each runner's first run is an untimed warm-up (pipeline compilation).
   */
  readonly compare?: readonly Runner[];
  /** A reason to leave the row out (no WebGPU adapter; too slow on a software adapter), reported as a note. */
  skip?(): Promise<string | undefined>;
  /** The title of the table the row is printed in (default: the CPU table); e.g. the GPU adapter's name. */
  group?(): string;
  /** Timing budget when the default does not fit (a software GPU adapter). */
  budget?(): MeasureOptions;
}

/** A measured row, as printed in the table and the JSON. */
export interface Row {
  readonly workload: string;
  readonly unit: string;
  readonly higherIsBetter: boolean;
  readonly rivulet: number | null;
  readonly peers: Readonly<Record<string, number | null>>;
  readonly notes?: readonly string[];
  /** The table the row belongs to, when not the CPU one (the WebGPU rows: their adapter). */
  readonly group?: string;
}
