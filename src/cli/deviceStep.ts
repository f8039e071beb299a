// The CLI's classifier loss, training step and evaluation pass, built on the streams' device-aware trainStep and evaluation.
import {
  nn, crossEntropy, accuracy, trainStep, evaluation, key as makeKey,
  type Backend, type Tensor, type Step, type GradientTransformation, type Loader, type LossFn,
} from "../index.js";

/** A collated batch: inputs `[N, ...]` and int32 class indices `[N]`. */
export interface Batch {
  readonly input: Tensor;
  readonly target: Tensor;
}

/**
 * Cross-entropy of `model` with accuracy as a metric; in training mode the model's buffers (BatchNorm) are carried on.
 * @example
 * steps$.pipe(evaluate(test, { loss: classifierLoss(model), when: (s) => s.last }));
 */
export const classifierLoss = (model: nn.Module<Tensor, Tensor>): LossFn<nn.Params, Batch> => (params, { input, target }, ctx) => {
  const { output, state } = model.apply({ params, state: (ctx.modelState ?? {}) as nn.State }, input, { training: ctx.training, key: ctx.key });
  const modelState = ctx.training && Object.keys(state).length > 0 ? { modelState: state } : {};
  return [crossEntropy(output, target), { metrics: { accuracy: accuracy(output, target) }, ...modelState }];
};

export interface DeviceStepOptions<S> {
  readonly model: nn.Module<Tensor, Tensor>;
  readonly optimizer: GradientTransformation<S>;
  readonly device: Backend;
}

/**
 * Cross-entropy training of `model` as a `Step` for `trainSteps`, on `device` (the streams' `trainStep` with
 * step-scoped, donated GPU memory there); metrics `loss` and `accuracy`.
 * @example
 * const step = deviceStep({ model, optimizer: sgd({ lr: 0.9 }), device });
 * train.epochs(10).pipe(trainSteps(step, state0), epochs());
 */
export const deviceStep = <S>({ model, optimizer, device }: DeviceStepOptions<S>): Step<nn.Params, Batch, S> =>
  trainStep<nn.Params, Batch, S>({ loss: classifierLoss(model), optimizer, device });

/**
 * The mean cross-entropy and accuracy of `model` over one pass of `data`, in evaluation mode, on the device of `variables`.
 * @example
 * const { loss, accuracy } = await deviceEvaluation(model, test, { params, state });
 */
export const deviceEvaluation = async <B extends Batch>(model: nn.Module<Tensor, Tensor>, data: Loader<B>, variables: nn.Variables): Promise<{ loss: number; accuracy: number }> => {
  const state = { params: variables.params, optState: undefined, modelState: variables.state, rng: makeKey(0), step: 0, position: { epoch: 0, batch: 0 } };
  const r = await evaluation(data, classifierLoss(model), state);
  return { loss: r.loss ?? NaN, accuracy: r.accuracy ?? NaN };
};
