// Checkpoints on disk and resuming from them: a training state in one safetensors file, written atomically.
import { Effect } from "effect";
import { saveSafetensors, loadSafetensors } from "../io/safetensorsFile.js";
import type { SafetensorsError } from "../io/SafetensorsError.js";
import type { FileSystemError } from "../io/FileSystemError.js";
import type { TrainState } from "./trainStep.js";
import { checkpointState, restoreState } from "./checkpointState.js";
import { CheckpointError } from "./CheckpointError.js";

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Saves a training state (params, optimizer state, RNG key, step, data position, accumulated gradients) to one
 * safetensors file, atomically.
 * @example
 * await Effect.runPromise(saveCheckpoint("run/last.safetensors", state));
 */
export const saveCheckpoint = (path: string, state: TrainState<unknown>): Effect.Effect<void, CheckpointError | SafetensorsError | FileSystemError> =>
  Effect.gen(function* () {
    const { tensors, metadata } = yield* Effect.try({ try: () => checkpointState(state), catch: (e) => new CheckpointError({ file: path, message: `${path}: ${reasonOf(e)}`, cause: e }) });
    yield* saveSafetensors(path, tensors, metadata);
  });

/**
 * Loads a training state saved by `saveCheckpoint`; the header is validated and the tensors come back bit for bit.
 * @example
 * const state = await Effect.runPromise(loadCheckpoint<Params>("run/last.safetensors"));
 */
export const loadCheckpoint = <P, S = unknown>(path: string): Effect.Effect<TrainState<P, S>, CheckpointError | SafetensorsError | FileSystemError> =>
  Effect.gen(function* () {
    const content = yield* loadSafetensors(path);
    return yield* Effect.try({ try: () => restoreState<P, S>(content, path), catch: (e) => new CheckpointError({ file: path, message: reasonOf(e), cause: e }) });
  });

/**
 * Promise form of `saveCheckpoint`, for a sink: `mapAsync((e) => checkpoint(path, e.state).then(() => e))`.
 * @example
 * await checkpoint("run/last.safetensors", state);
 */
export const checkpoint = (path: string, state: TrainState<unknown>): Promise<void> => Effect.runPromise(saveCheckpoint(path, state));

/**
 * Promise form of `loadCheckpoint`: the state to continue from. Feed the loader its position and the steps
 * their state, and the run continues exactly as if it had never stopped (same data order, same keys).
 * @example
 * const state = await resume<Params>("run/last.safetensors");
 * train.epochs(10, { from: state.position }).pipe(trainSteps(step, state));
 */
export const resume = <P, S = unknown>(path: string): Promise<TrainState<P, S>> => Effect.runPromise(loadCheckpoint<P, S>(path));
