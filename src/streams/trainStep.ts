// The training step as a pure function (state, batch) → Promise<state'>: loss and gradients (valueAndGrad), an optimizer update.
// Its other jobs live beside it: the state's types in TrainState.ts, device movement and readback in _stepDevice.ts,
// gradient accumulation in gradientAccumulation.ts.
import type { Backend } from "../ops/backend.js";
import { cpuDevice } from "../ops/device.js";
import { foldIn } from "../ops/random.js";
import { valueAndGrad } from "../graph/grad.js";
import { applyUpdates, type GradientTransformation } from "../optim/GradientTransformation.js";
import type { LoaderBatch, Position } from "./loader.js";
import { runLoss, type LossFn, type Step, type StepContext, type TrainState } from "./TrainState.js";
import { deviceOf, moveTo, onDevice, stateOn } from "./_stepDevice.js";
import { accumulateGrads, accumulatedMean } from "./gradientAccumulation.js";

export {
  trainState, runLoss, type Accumulated, type TrainState, type TrainStateOptions, type StepContext, type LossAux, type LossFn, type StepOutput, type Step,
} from "./TrainState.js";

export interface TrainStepOptions<P, B, S> {
  readonly loss: LossFn<P, B>;
  readonly optimizer: GradientTransformation<S>;
  /**
   * Where the step runs (default: the device of the params). The state and batch are moved there when they are not
   * (from the CPU), and the step runs in the device runtime's step scope (`DeviceRuntime.step`).
   */
  readonly device?: Backend;
  /**
   * On WebGPU, release what the previous state held and the next one does not as each step ends, with the batch when
   * the loader uploaded it (JAX's donated arguments; default true): memory stays flat without dispose. A state emitted
   * by the stream stays valid until the step after it runs; copy it (`await toDevice(s, cpuDevice)`) to keep it longer.
   * The state a run starts from (one this step did not make) is never donated. On the CPU nothing is donated: an
   * emitted state stays valid while it is held (stream stages such as an evaluation in `concatMap` read states while
   * later steps run); the rest of what each step creates is still recycled when its step scope closes.
   */
  readonly donate?: boolean;
}

/**
 * Builds the training step for a loss and an optimizer: gradients by `valueAndGrad`, the optimizer's update,
 * the step's key `foldIn(rng, step)`. When the batch says `applyUpdate: false` (gradient accumulation) it adds
 * `samples · grads` to `state.accum` instead; the update that closes the group uses their sample-weighted mean,
 * which equals the gradient of one big batch when the loss is a mean over samples (PyTorch's default).
 * The step returns a promise on every device (its metrics are read back); on the CPU it has already run when it returns.
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
      const accum = accumulateGrads(state.accum, grads, lb.samples);
      if (lb.applyUpdate === false) return { state: Object.freeze({ ...base, accum }) as TrainState<P, S>, loss: lossValue, aux, lr: undefined };
      g = accumulatedMean(accum);
    }
    const lr = typeof lb.lr === "function" ? lb.lr(state.step) : lb.lr;
    const { updates, state: optState } = optimizer.update(g, state.optState, state.params, lr === undefined ? undefined : { lr });
    const { accum: _, ...rest } = base;
    const next: TrainState<P, S> = Object.freeze({ ...rest, params: applyUpdates(state.params, updates), optState, step: state.step + 1 });
    return { state: next, loss: lossValue, aux, lr };
  };
  // States this step made: only those are donated, never the caller's initial state (it may start another run).
  const made = new WeakSet<object>();
  return (state, lb) => {
    const dev: Backend = device ?? deviceOf(state.params);
    const donated = !donate || dev === cpuDevice ? undefined : [made.has(state) ? state : undefined, lb.uploaded === true ? lb.batch : undefined];
    let lr: number | undefined;
    // Everything the step creates (the moved batch, activations, gradients) is released when its scope closes,
    // except the next state; the metrics' readback is already queued by then.
    return onDevice(dev, () => {
      const r = advance(stateOn(state, dev), lb, moveTo(lb.batch, dev));
      lr = r.lr;
      return { keep: r.state, loss: r.loss, aux: r.aux };
    }, { donate: donated, op: "trainStep" }).then(({ kept, metrics }) => {
      made.add(kept);
      return { state: kept, metrics: lr === undefined ? metrics : { ...metrics, lr } };
    });
  };
};
