// What a benchmark row is: one workload timed on rivulet and on each peer, in the same process.
import type * as TfNamespace from "@tensorflow/tfjs";

export type Tf = typeof TfNamespace;

/** A tfjs backend a peer runs on. */
export type TfBackend = "cpu" | "wasm";

/** One operation set up once and timed repeatedly; `run` returns only when its results have been read back. */
export interface Task {
  run(): void;
  dispose?(): void;
}

/** A benchmark workload. A factory returns a string instead of a task when that side cannot run it (shown as n/a). */
export interface Workload {
  readonly name: string;
  readonly unit: "GFLOP/s" | "ms";
  readonly higherIsBetter: boolean;
  /** The reported figure for a median time per run of `ms` milliseconds. */
  score(ms: number): number;
  rivulet(): Promise<Task | string>;
  tfjs(tf: Tf, backend: TfBackend): Task | string;
}

/** A measured row, as printed in the table and the JSON. */
export interface Row {
  readonly workload: string;
  readonly unit: string;
  readonly higherIsBetter: boolean;
  readonly rivulet: number | null;
  readonly peers: Readonly<Record<string, number | null>>;
  readonly notes?: readonly string[];
}
