// One training step as a pure function (state, batch) → state': loss, gradients (valueAndGrad), an optimizer update.
import { Tensor } from "../ops/Tensor.js";
import type { Backend } from "../ops/backend.js";
import { cpuDevice } from "../ops/device.js";
import { add, cast, div, mul } from "../ops/elementwise.js";
import { concat } from "../ops/join.js";
import { key as makeKey, foldIn, type Key } from "../ops/random.js";
import { valueAndGrad } from "../graph/grad.js";
import { treeLeaves, treeMap } from "../graph/pytree.js";
import { gpuScope } from "../gpu/gpuScope.js";
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
 * The numbers of a step (as `metricsOf`) read back asynchronously, for devices without synchronous readback (WebGPU),
 * in one readback. It starts before this returns, so the tensors may be released right after (the copy is already on the queue).
 */
export const readMetrics = (loss: Tensor, aux: LossAux): Promise<Record<string, number>> => {
  const entries: Array<[string, Tensor | number]> = [["loss", loss], ...Object.entries(aux.metrics ?? {})];
  const onDevice = entries.filter((e): e is [string, Tensor] => e[1] instanceof Tensor && e[1].size === 1 && !e[1].device.readSync);
  const known = new Map(entries.filter((e) => !onDevice.includes(e as [string, Tensor])).map(([k, v]) => [k, toNumber(k, v)] as const));
  if (onDevice.length === 0) return Promise.resolve(Object.fromEntries(entries.map(([k]) => [k, known.get(k)!])));
  // One readback for all of them: the scalars packed into one float32 vector (a single small copy and map).
  const packed = onDevice.length === 1 ? cast(onDevice[0]![1], "float32").reshape(1) : concat(onDevice.map(([, t]) => cast(t, "float32").reshape(1)));
  return packed.data().then((d) => {
    const read = new Map(onDevice.map(([k], i) => [k, d[i]!] as const));
    return Object.fromEntries(entries.map(([k]) => [k, known.get(k) ?? read.get(k)!]));
  });
};

/** The device of the first tensor in a tree (the CPU when there is none), found without listing the whole tree. */
export const deviceOf = (tree: unknown): Backend => {
  const seen = new Set<unknown>();
  const find = (x: unknown): Backend | undefined => {
    if (x instanceof Tensor) return x.device;
    if (x === null || typeof x !== "object" || seen.has(x)) return undefined;
    seen.add(x);
    for (const v of Array.isArray(x) ? x : Object.values(x)) {
      const d = find(v);
      if (d) return d;
    }
    return undefined;
  };
  return find(tree) ?? cpuDevice;
};

/** `tree` with every tensor on `device` (copies from the CPU are synchronous; `.to` explains any other move). */
/** `tree` with every tensor on `device` (itself when they all are already). */
export const moveTo = <T>(tree: T, device: Backend): T =>
  treeLeaves(tree).every((t) => t.device === device) ? tree : treeMap((t) => t.to(device), tree);

/** The tensors of a state that live on devices, moved to `device` (the key, step and position are plain values). */
const stateOn = <P, S>(state: TrainState<P, S>, device: Backend): TrainState<P, S> => {
  const { params, optState, modelState, accum } = state;
  const moved = { params: moveTo(params, device), optState: moveTo(optState, device), modelState: moveTo(modelState, device), accum: moveTo(accum, device) };
  if (moved.params === params && moved.optState === optState && moved.modelState === modelState && moved.accum === accum) return state;
  return Object.freeze({ ...state, params: moved.params, optState: moved.optState, ...(modelState === undefined ? {} : { modelState: moved.modelState }), ...(accum === undefined ? {} : { accum: moved.accum }) });
};

export interface TrainStepOptions<P, B, S> {
  readonly loss: LossFn<P, B>;
  readonly optimizer: GradientTransformation<S>;
  /**
   * Where the step runs (default: the device of the params). On a device without synchronous readback (WebGPU)
   * the state and batch are moved there when they are not (from the CPU), the step runs in a GPU step scope
   * (`gpuScope`), and its metrics are read back asynchronously, so the step returns a promise.
   */
  readonly device?: Backend;
  /**
   * On WebGPU, release what the previous state held and the next one does not as each step ends, with the batch when
   * the loader uploaded it (JAX's donated arguments; default true): memory stays flat without dispose. A state emitted
   * by the stream stays valid until the step after it runs; copy it (`await toDevice(s, cpuDevice)`) to keep it longer.
   * The state a run starts from (one this step did not make) is never donated.
   */
  readonly donate?: boolean;
}

/**
 * Builds the training step for a loss and an optimizer: gradients by `valueAndGrad`, the optimizer's update,
 * the step's key `foldIn(rng, step)`. When the batch says `applyUpdate: false` (gradient accumulation) it adds
 * `samples · grads` to `state.accum` instead; the update that closes the group uses their sample-weighted mean,
 * which equals the gradient of one big batch when the loss is a mean over samples (PyTorch's default).
 * On the CPU the step is synchronous; on WebGPU it is asynchronous (see `device` and `donate`).
 * @example
 * const step = trainStep({ loss: (p, { input, target }) => crossEntropy(model.forward(p, input), target), optimizer: sgd({ lr: 0.1 }) });
 * const { state, metrics } = await step(state0, batch);
 */
export const trainStep = <P, B, S>({ loss, optimizer, device, donate = true }: TrainStepOptions<P, B, S>): Step<P, B, S> => {
  const gradOf = valueAndGrad(runLoss(loss, "trainStep"), { hasAux: true });
  /** The step's arithmetic: the next state, the loss and its extras, and the learning rate when one was scheduled. */
  const advance = (state: TrainState<P, S>, lb: LoaderBatch<B>, batch: B) => {
    const parts = state.accum?.parts ?? 0;
    const stepKey = foldIn(state.rng, state.step);
    const ctx: StepContext = { key: parts > 0 ? foldIn(stepKey, parts) : stepKey, step: state.step, epoch: lb.epoch, training: true, modelState: state.modelState };
    const [[lossValue, aux], grads] = gradOf(state.params, batch, ctx);
    const modelState = aux.modelState ?? state.modelState;
    const position: Position = lb.last ? { epoch: lb.epoch + 1, batch: 0 } : { epoch: lb.epoch, batch: lb.index + 1 };
    const base = { ...state, position, ...(modelState === undefined ? {} : { modelState }) };
    let g = grads;
    if (state.accum !== undefined || lb.applyUpdate === false) {
      const weighted = treeMap((x) => mul(x, lb.samples), grads);
      const accum: Accumulated<P> = {
        grads: state.accum ? treeMap((a, b) => add(a, b), state.accum.grads, weighted) : weighted,
        samples: (state.accum?.samples ?? 0) + lb.samples,
        parts: parts + 1,
      };
      if (lb.applyUpdate === false) return { state: Object.freeze({ ...base, accum }) as TrainState<P, S>, loss: lossValue, aux, lr: undefined };
      g = treeMap((x) => div(x, accum.samples), accum.grads);
    }
    const lr = typeof lb.lr === "function" ? lb.lr(state.step) : lb.lr;
    const { updates, state: optState } = optimizer.update(g, state.optState, state.params, lr === undefined ? undefined : { lr });
    const { accum: _, ...rest } = base;
    const next: TrainState<P, S> = Object.freeze({ ...rest, params: applyUpdates(state.params, updates), optState, step: state.step + 1 });
    return { state: next, loss: lossValue, aux, lr };
  };
  const withLr = (metrics: Record<string, number>, lr: number | undefined) => (lr === undefined ? metrics : { ...metrics, lr });
  // States this step made: only those are donated, never the caller's initial state (it may start another run).
  const made = new WeakSet<object>();
  return (state, lb) => {
    const dev = device ?? deviceOf(state.params);
    if (dev.readSync) {
      const r = advance(state, lb, lb.batch);
      return { state: r.state, metrics: withLr(metricsOf(r.loss, r.aux), r.lr) };
    }
    const donated = !donate ? undefined : [made.has(state) ? state : undefined, lb.uploaded === true ? lb.batch : undefined];
    // Everything the step creates (the moved batch, activations, gradients) is released when the scope closes,
    // except the next state; the metrics' readback is already queued by then.
    const { next, metrics } = gpuScope(dev, () => {
      const r = advance(stateOn(state, dev), lb, moveTo(lb.batch, dev));
      return { next: r.state, metrics: readMetrics(r.loss, r.aux).then((m) => withLr(m, r.lr)) };
    }, { donate: donated });
    made.add(next);
    return metrics.then((m) => ({ state: next, metrics: m }));
  };
};
