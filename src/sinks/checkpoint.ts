// The checkpoint sink: safetensors files every N steps and on the best value of a metric, written atomically, the last K kept.
import { Effect } from "effect";
import type { MonoTypeOperatorFunction } from "rxjs";
import type { SafetensorsMetadata } from "../io/encodeSafetensors.js";
import { loadSafetensors } from "../io/safetensorsFile.js";
import type { Module } from "../nn/Module.js";
import { saveCheckpoint, type CheckpointState } from "../streams/checkpoint.js";
import { sinkOperator } from "./_sinkOperator.js";
import { SinkError, sinkCall, sinkFolder } from "./SinkError.js";

export interface CheckpointsOptions<T> {
  /** The state to save from a value (a TrainState, or `{ params }`); called only for values that are saved. */
  readonly save: (value: T) => CheckpointState;
  /** Save params and buffers as this model's state_dict (PyTorch's names), as saveCheckpoint's `model`. */
  // `any`: a model of any input and output type; only its structure is read.
  readonly model?: Module<any, any>;
  /** Extra string metadata for every file (`step`, `metric`, `mode` and `value` are the sink's own). */
  readonly metadata?: SafetensorsMetadata;
  /** Save `step-<step>.safetensors` when the step is a multiple of this. */
  readonly every?: number;
  /** Save `best.safetensors` whenever this field of the value improves (mode "min" by default). */
  readonly bestOf?: { readonly metric: string; readonly mode?: "min" | "max" };
  /** Keep only the K most recently written step files (default: all). Older ones are deleted only after the new one is in place. */
  readonly keepLast?: number;
  /** The step of a value (default its `step` field). */
  readonly step?: (value: T) => number;
}

const STEP_FILE = /^step-(\d+)\.safetensors$/;
const BEST_FILE = "best.safetensors";

/** The step file name: zero-padded to six digits so names sort in step order, as `step-000123.safetensors`. */
export const checkpointName = (step: number): string => `step-${String(step).padStart(6, "0")}.safetensors`;

interface State {
  best: number | undefined;
}

/**
 * Saves checkpoints (saveCheckpoint's files) from a stream of training values and passes the values on. Each file is written to a temporary
 * name, synced and renamed, so a crash never leaves a half-written checkpoint; with `keepLast`, older step files are
 * deleted only once the new one is safely renamed. On subscription the folder is created and checked writable (a bad
 * folder fails at the start), and a `best.safetensors` left by an earlier run for the same metric and mode is the value
 * to beat. Every file's metadata gets `step` (and, for best, `metric`, `mode` and `value`).
 * @example
 * steps$.pipe(checkpoints("runs/lenet/ckpt", { every: 500, keepLast: 3, bestOf: { metric: "test_acc", mode: "max" },
 *   save: (s) => s.state, step: (s) => s.state.step }));
 */
export const checkpoints = <T>(dir: string, options: CheckpointsOptions<T>): MonoTypeOperatorFunction<T> => {
  const { save, model, metadata = {}, every, bestOf, keepLast, step: stepOf = (v: T) => (v as { step?: unknown }).step as number } = options;
  if (every === undefined && bestOf === undefined) throw new Error(`checkpoints: ${dir}: pass every (steps) or bestOf ({ metric, mode }), or both`);
  if (every !== undefined && !(Number.isInteger(every) && every > 0)) throw new Error(`checkpoints: every must be a positive integer number of steps, got ${every}`);
  if (keepLast !== undefined && !(Number.isInteger(keepLast) && keepLast > 0)) throw new Error(`checkpoints: keepLast must be a positive integer, got ${keepLast}`);
  const mode = bestOf?.mode ?? "min";
  if (mode !== "min" && mode !== "max") throw new Error(`checkpoints: bestOf.mode must be "min" or "max", got ${JSON.stringify(mode)}`);
  const fail = (message: string, file = dir, cause?: unknown) => new SinkError({ sink: "checkpoints", file, cause, message: `checkpoints: ${message}` });

  const fs = Effect.promise(() => import("node:fs/promises"));
  const pathJoin = (name: string) => Effect.promise(() => import("node:path")).pipe(Effect.map(({ join }) => join(dir, name)));

  /** The metadata of an earlier run's best.safetensors, or undefined when there is none or it cannot be read (it is then simply beaten). */
  const readBestMetadata = Effect.gen(function* () {
    const file = yield* pathJoin(BEST_FILE);
    return yield* loadSafetensors(file).pipe(
      Effect.map((f): SafetensorsMetadata | undefined => f.metadata),
      Effect.orElseSucceed(() => undefined),
    );
  });

  const write = (name: string, state: CheckpointState, extra: Record<string, string>) =>
    Effect.gen(function* () {
      const file = yield* pathJoin(name);
      yield* saveCheckpoint(file, state, { ...(model === undefined ? {} : { model }), metadata: { ...metadata, ...extra } }).pipe(
        Effect.mapError((e) => fail(`cannot save ${file}: ${e.message}`, file, e)),
      );
    });

  const prune = Effect.gen(function* () {
    if (keepLast === undefined) return;
    const { readdir, rm, stat } = yield* fs;
    const names = yield* sinkCall("checkpoints", dir, "list", () => readdir(dir));
    const files = [];
    for (const n of names.filter((n) => STEP_FILE.test(n))) {
      const file = yield* pathJoin(n);
      const info = yield* sinkCall("checkpoints", file, "stat", () => stat(file));
      if (info.isFile()) files.push({ file, mtime: info.mtimeMs, step: Number(STEP_FILE.exec(n)![1]) });
    }
    // "Last" by write time, then step: a run restarted at a lower step in the same folder must not delete what it just wrote.
    files.sort((a, b) => a.mtime - b.mtime || a.step - b.step);
    for (const { file } of files.slice(0, Math.max(0, files.length - keepLast)))
      yield* sinkCall("checkpoints", file, "delete the old checkpoint", () => rm(file, { force: true }));
  });

  return sinkOperator<T, State>({
    open: Effect.gen(function* () {
      // Created one level at a time, probed and its free space checked now (not hours into training; and never the
      // recursive mkdir that spins forever under /proc).
      yield* sinkFolder("checkpoints", dir);
      const state: State = { best: undefined };
      if (bestOf !== undefined) {
        const meta = yield* readBestMetadata;
        const value = Number(meta?.value);
        if (meta?.metric === bestOf.metric && meta.mode === mode && Number.isFinite(value)) state.best = value;
      }
      return state;
    }),
    write: (state, value) =>
      Effect.gen(function* () {
        const step = stepOf(value);
        if (!(Number.isInteger(step) && step >= 0))
          return yield* Effect.fail(fail(`${dir}: a value's step must be a non-negative integer (pass { step: (v) => ... } if it is elsewhere), got ${JSON.stringify(step)}`));
        const metric = bestOf === undefined ? undefined : (value as Record<string, unknown>)[bestOf.metric];
        const periodic = every !== undefined && step % every === 0;
        // Values without the metric (steps between evaluations) are not candidates; NaN never improves.
        const improves =
          typeof metric === "number" && !Number.isNaN(metric) && (state.best === undefined || (mode === "min" ? metric < state.best : metric > state.best));
        if (!periodic && !improves) return;
        const checkpoint = yield* Effect.try({ try: () => save(value), catch: (e) => fail(`${dir}: save threw at step ${step}: ${e instanceof Error ? e.message : String(e)}`, dir, e) });
        if (periodic) {
          yield* write(checkpointName(step), checkpoint, { step: String(step) });
          yield* prune;
        }
        if (improves) {
          yield* write(BEST_FILE, checkpoint, { step: String(step), metric: bestOf!.metric, mode, value: String(metric) });
          state.best = metric;
        }
      }),
    close: () => Effect.void,
  });
};
