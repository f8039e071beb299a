// One training step as a pure function (state, batch) → state': loss, gradients (valueAndGrad), an optimizer update.
import { Tensor } from "../ops/Tensor.js";
import { add, div, mul } from "../ops/elementwise.js";
import { key as makeKey, foldIn, type Key } from "../ops/random.js";
import { valueAndGrad } from "../graph/grad.js";
import { treeMap } from "../graph/pytree.js";
import { applyUpdates, type GradientTransformation } from "../optim/GradientTransformation.js";
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

/** A training step: pure, from the state and a positioned batch to the next state; it may be asynchronous (device readback). */
export type Step<P, B, S = unknown> = (state: TrainState<P, S>, batch: LoaderBatch<B>) => StepOutput<P, S> | Promise<StepOutput<P, S>>;

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

const toNumber = (name: string, v: Tensor | number): number => {
  if (typeof v === "number") return v;
  if (!(v instanceof Tensor) || v.size !== 1) throw new Error(`trainStep: metric "${name}" must be a number or a one-element tensor, got ${v instanceof Tensor ? `shape [${v.shape.join(", ")}]` : typeof v}`);
  return v.item();
};

/** Splits a loss function's result into the loss and its extras, checking its shape. */
export const runLoss = <P, B>(loss: LossFn<P, B>, op: string) => (params: P, batch: B, ctx: StepContext): [Tensor, LossAux] => {
  const r = loss(params, batch, ctx);
  if (r instanceof Tensor) return [r, {}];
  if (!Array.isArray(r) || !(r[0] instanceof Tensor)) throw new Error(`${op}: loss must return a scalar tensor or [tensor, { metrics?, modelState? }]`);
  return [r[0], r[1] ?? {}];
};

/** The numbers of a step: the loss and every aux metric. */
export const metricsOf = (loss: Tensor, aux: LossAux): Record<string, number> => ({
  loss: loss.item(),
  ...Object.fromEntries(Object.entries(aux.metrics ?? {}).map(([k, v]) => [k, toNumber(k, v)])),
});

/**
 * Builds the training step for a loss and an optimizer: gradients by `valueAndGrad`, the optimizer's update,
 * the step's key `foldIn(rng, step)`. When the batch says `applyUpdate: false` (gradient accumulation) it adds
 * `samples · grads` to `state.accum` instead; the update that closes the group uses their sample-weighted mean,
 * which equals the gradient of one big batch when the loss is a mean over samples (PyTorch's default).
 * @example
 * const step = trainStep({ loss: (p, { input, target }) => crossEntropy(model.forward(p, input), target), optimizer: sgd({ lr: 0.1 }) });
 * const { state, metrics } = step(state0, batch);
 */
export const trainStep = <P, B, S>({ loss, optimizer }: { readonly loss: LossFn<P, B>; readonly optimizer: GradientTransformation<S> }): Step<P, B, S> => {
  const gradOf = valueAndGrad(runLoss(loss, "trainStep"), { hasAux: true });
  return (state, lb) => {
    const parts = state.accum?.parts ?? 0;
    const stepKey = foldIn(state.rng, state.step);
    const ctx: StepContext = { key: parts > 0 ? foldIn(stepKey, parts) : stepKey, step: state.step, epoch: lb.epoch, training: true, modelState: state.modelState };
    const [[lossValue, aux], grads] = gradOf(state.params, lb.batch, ctx);
    const metrics = metricsOf(lossValue, aux);
    const modelState = aux.modelState ?? state.modelState;
    const position: Position = lb.last ? { epoch: lb.epoch + 1, batch: 0 } : { epoch: lb.epoch, batch: lb.index + 1 };
    const base = { ...state, position, ...(modelState === undefined ? {} : { modelState }) };
    let g = grads;
    if (state.accum !== undefined || lb.applyUpdate === false) {
      const weighted = treeMap((x) => mul(x, lb.samples), grads);
      const accum: Accumulated<P> = {
        grads: state.accum ? treeMap(add, state.accum.grads, weighted) : weighted,
        samples: (state.accum?.samples ?? 0) + lb.samples,
        parts: parts + 1,
      };
      if (lb.applyUpdate === false) return { state: Object.freeze({ ...base, accum }), metrics };
      g = treeMap((x) => div(x, accum.samples), accum.grads);
    }
    const lr = typeof lb.lr === "function" ? lb.lr(state.step) : lb.lr;
    const { updates, state: optState } = optimizer.update(g, state.optState, state.params, lr === undefined ? undefined : { lr });
    const { accum: _, ...rest } = base;
    return {
      state: Object.freeze({ ...rest, params: applyUpdates(state.params, updates), optState, step: state.step + 1 }),
      metrics: lr === undefined ? metrics : { ...metrics, lr },
    };
  };
};
