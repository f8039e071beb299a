// The training state and the step's types: what a run carries from step to step, what a loss sees, what a step returns.
import { Tensor } from "../ops/Tensor.js";
import { key as makeKey, type Key } from "../ops/random.js";
import type { GradientTransformation } from "../optim/GradientTransformation.js";
import type { LoaderBatch, Position } from "./loader.js";

/** Gradients summed over the micro-batches of an update not yet applied (gradient accumulation). */
export interface Accumulated<P> {
  /** Σ samplesᵢ · gradᵢ over the micro-batches so far. */
  readonly grads: P;
  readonly samples: number;
  readonly parts: number;
}

/** Everything a run carries from step to step; an immutable value, saved whole by `saveCheckpoint`. */
export interface TrainState<P, S = unknown> {
  readonly params: P;
  readonly optState: S;
  /** Buffers updated in training (BatchNorm running statistics), when the model has any. */
  readonly modelState?: unknown;
  /** The run's key; step k uses `foldIn(rng, k)`. */
  readonly rng: Key;
  /** Optimizer updates applied so far. */
  readonly step: number;
  /** The next batch to read. */
  readonly position: Position;
  /** Gradients of an update still being accumulated. */
  readonly accum?: Accumulated<P>;
}

/** What a loss function sees besides the params and the batch. */
export interface StepContext {
  /** This step's key (for dropout), `foldIn(state.rng, step)`. */
  readonly key: Key;
  readonly step: number;
  readonly epoch: number;
  /** True in training steps, false in evaluation. */
  readonly training: boolean;
  readonly modelState: unknown;
}

/** Extras a loss may return beside the loss: metrics to report (scalars) and the model's updated buffers. */
export interface LossAux {
  readonly metrics?: Readonly<Record<string, Tensor | number>>;
  readonly modelState?: unknown;
}

/** A loss: a scalar mean over the batch's samples, optionally with extras. */
export type LossFn<P, B> = (params: P, batch: B, ctx: StepContext) => Tensor | readonly [Tensor, LossAux];

/** A step's outcome: the next state and its metrics (the loss, the aux metrics, the learning rate when scheduled). */
export interface StepOutput<P, S = unknown> {
  readonly state: TrainState<P, S>;
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * A training step: pure, from the state and a positioned batch to the next state. It always returns a promise (its
 * metrics are read back from the device, asynchronously on WebGPU), so callers `await` it on every device.
 */
export type Step<P, B, S = unknown> = (state: TrainState<P, S>, batch: LoaderBatch<B>) => Promise<StepOutput<P, S>>;

export interface TrainStateOptions<P, S> {
  readonly params: P;
  readonly optimizer: GradientTransformation<S>;
  /** Seed of the run's key (default 0), or the key itself. */
  readonly seed?: number | Key;
  readonly modelState?: unknown;
}

/**
 * The state a run starts from: step 0 at epoch 0, batch 0, with the optimizer's initial state.
 * @example
 * const state0 = trainState({ params, optimizer: sgd({ lr: 0.1 }), seed: 0 });
 */
export const trainState = <P, S>({ params, optimizer, seed = 0, modelState }: TrainStateOptions<P, S>): TrainState<P, S> =>
  Object.freeze({
    params,
    optState: optimizer.init(params),
    ...(modelState === undefined ? {} : { modelState }),
    rng: typeof seed === "number" ? makeKey(seed) : seed,
    step: 0,
    position: Object.freeze({ epoch: 0, batch: 0 }),
  });

/** Splits a loss function's result into the loss and its extras, checking its shape. */
export const runLoss = <P, B>(loss: LossFn<P, B>, op: string) => (params: P, batch: B, ctx: StepContext): [Tensor, LossAux] => {
  const r = loss(params, batch, ctx);
  if (r instanceof Tensor) return [r, {}];
  if (!Array.isArray(r) || !(r[0] instanceof Tensor)) throw new Error(`${op}: loss must return a scalar tensor or [tensor, { metrics?, modelState? }]`);
  return [r[0], r[1] ?? {}];
};
