// A classifier's training step and evaluation pass that run on any device: the batch moves to the device, GPU memory is step-scoped, metrics are read back asynchronously.
import {
  nn, valueAndGrad, crossEntropy, argmax, eq, cast, sum, foldIn, applyUpdates, gpuScope,
  type Backend, type Tensor, type Key, type Step, type TrainState, type GradientTransformation, type Loader,
} from "../index.js";

/** A collated batch: inputs `[N, ...]` and int32 class indices `[N]`. */
export interface Batch {
  readonly input: Tensor;
  readonly target: Tensor;
}

/** The number of rows whose highest logit is the target, as a scalar tensor (summed on the device, read back once). */
const correct = (logits: Tensor, target: Tensor): Tensor => sum(cast(eq(argmax(logits, 1), cast(target, "int32")), "float32"));

const read = async (x: Tensor): Promise<number> => (await x.data())[0]!;

/**
 * Lets the event loop turn once. On the CPU a step's promises all resolve as microtasks, so without this a training
 * loop never yields to I/O callbacks: sink writes, TensorBoard flushes and Ctrl-C would wait until the run ends.
 */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface DeviceStepOptions<S> {
  readonly model: nn.Module<Tensor, Tensor>;
  readonly optimizer: GradientTransformation<S>;
  readonly device: Backend;
  /** Told each step's duration in milliseconds and its samples (for examples per second). */
  readonly onTimed?: (ms: number, samples: number) => void;
}

/**
 * Cross-entropy training of `model` as a `Step` for `trainSteps`: forward in training mode with the step's key
 * (`foldIn(rng, step)`, for dropout) and the model's buffers (BatchNorm) carried in `state.modelState`, gradients by
 * `valueAndGrad`, the optimizer's update; metrics `loss` and `accuracy`. On WebGPU the step runs in a `gpuScope` that
 * donates the previous state, so memory stays flat.
 * @example
 * const step = deviceStep({ model, optimizer: sgd({ lr: 0.9 }), device });
 * train.epochs(10).pipe(trainSteps(step, state0), epochs());
 */
export const deviceStep = <S>({ model, optimizer, device, onTimed }: DeviceStepOptions<S>): Step<nn.Params, Batch, S> => {
  const lossOf = valueAndGrad(
    (params: nn.Params, x: Tensor, y: Tensor, state: nn.State, k: Key) => {
      const { output, state: next } = model.apply({ params, state }, x, { training: true, key: k });
      return [crossEntropy(output, y), { correct: correct(output, y), state: next }] as const;
    },
    { hasAux: true },
  );
  return async (st: TrainState<nn.Params, S>, lb) => {
    const start = performance.now();
    const next = gpuScope(device, () => {
      const [[loss, aux], grads] = lossOf(st.params, lb.batch.input.to(device), lb.batch.target.to(device), (st.modelState ?? {}) as nn.State, foldIn(st.rng, st.step));
      const { updates, state: optState } = optimizer.update(grads, st.optState, st.params);
      const position = lb.last ? { epoch: lb.epoch + 1, batch: 0 } : { epoch: lb.epoch, batch: lb.index + 1 };
      const state: TrainState<nn.Params, S> = Object.freeze({
        ...st, params: applyUpdates(st.params, updates), optState, step: st.step + 1, position,
        ...(Object.keys(aux.state).length === 0 ? {} : { modelState: aux.state }),
      });
      return { state, loss, correct: aux.correct };
    }, { donate: st });
    const [loss, hits] = await Promise.all([read(next.loss), read(next.correct)]);
    onTimed?.(performance.now() - start, lb.samples);
    await yieldToEventLoop();
    return { state: next.state, metrics: { loss, accuracy: hits / lb.samples } };
  };
};

/**
 * The mean cross-entropy and accuracy of `model` over one pass of `data`, in evaluation mode, on `device`.
 * @example
 * const { loss, accuracy } = await deviceEvaluation(model, test, { params, state }, device);
 */
export const deviceEvaluation = async <B extends Batch>(
  model: nn.Module<Tensor, Tensor>,
  data: Loader<B>,
  variables: nn.Variables,
  device: Backend,
): Promise<{ loss: number; accuracy: number; samples: number }> => {
  let [lossSum, hits, samples] = [0, 0, 0];
  for await (const lb of data.epochs(1)) {
    const r = gpuScope(device, () => {
      const output = model.forward(variables.params, lb.batch.input.to(device), { state: variables.state });
      const y = lb.batch.target.to(device);
      return { loss: crossEntropy(output, y), correct: correct(output, y) };
    });
    const [loss, c] = await Promise.all([read(r.loss), read(r.correct)]);
    await yieldToEventLoop();
    [lossSum, hits, samples] = [lossSum + loss * lb.samples, hits + c, samples + lb.samples];
  }
  return { loss: samples === 0 ? NaN : lossSum / samples, accuracy: samples === 0 ? NaN : hits / samples, samples };
};
