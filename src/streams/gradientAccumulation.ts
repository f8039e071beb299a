// Gradient accumulation: the operator marking which batches close an update, and the sums trainStep keeps between them.
import { map, type OperatorFunction } from "rxjs";
import { add, div, mul } from "../ops/elementwise.js";
import { treeMap } from "../graph/pytree.js";
import type { LoaderBatch } from "./loader.js";
import type { Accumulated } from "./TrainState.js";

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

/** Adds one micro-batch's mean gradients, weighted by its sample count, to the sums so far (none before the first). */
export const accumulateGrads = <P>(accum: Accumulated<P> | undefined, grads: P, samples: number): Accumulated<P> => {
  const weighted = treeMap((x) => mul(x, samples), grads);
  return {
    grads: accum ? treeMap((a, b) => add(a, b), accum.grads, weighted) : weighted,
    samples: (accum?.samples ?? 0) + samples,
    parts: (accum?.parts ?? 0) + 1,
  };
};

/**
 * The sample-weighted mean gradient of the accumulated micro-batches: with a loss that is a mean over samples
 * (PyTorch's default) it equals the gradient of one batch holding them all.
 */
export const accumulatedMean = <P>(accum: Accumulated<P>): P => treeMap((x) => div(x, accum.samples), accum.grads);
