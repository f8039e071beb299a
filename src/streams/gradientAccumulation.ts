// gradientAccumulation: marks batches so that the optimizer steps once per k batches (and at each epoch's end).
import { map, type OperatorFunction } from "rxjs";
import type { LoaderBatch } from "./loader.js";

/**
 * Groups every `k` consecutive batches of an epoch into one optimizer update: `trainStep` sums their
 * sample-weighted gradients and steps on the group's last batch (an epoch's last group may be shorter).
 * With a mean loss this equals training on batches k times larger, in 1/k of the memory.
 * @example
 * train.epochs(10).pipe(gradientAccumulation(4), trainSteps(step, state0));
 */
export const gradientAccumulation = <B>(k: number): OperatorFunction<LoaderBatch<B>, LoaderBatch<B>> => {
  if (!Number.isInteger(k) || k < 1) throw new Error(`gradientAccumulation: k must be a positive integer (batches per update), got ${JSON.stringify(k)}`);
  // Groups follow the batch index, not arrival order, so a run resumed mid-epoch groups exactly as before.
  return map((b) => ({ ...b, applyUpdate: b.last || (b.index + 1) % k === 0 }));
};
