// DPO, the second route to the same preferences: the policy is trained on the pairs directly against its frozen reference, with no reward model or sampling.
import { Observable, map } from "rxjs";
import type { Tensor } from "../../ops/Tensor.js";
import type { Module, Params } from "../../nn/Module.js";
import { adam } from "../../optim/adam.js";
import { loader } from "../../streams/loader.js";
import { trainState, trainStep } from "../../streams/trainStep.js";
import { trainSteps } from "../../streams/trainSteps.js";
import type { CausalLm } from "../../nlp/generate.js";
import type { GptInput, GptOutput } from "../../nlp/models/gpt.js";
import type { TokenPair } from "./preferencePairs.js";
import { dpoLoss } from "./preferenceLosses.js";
import { responseLogprobs } from "./evaluatePolicy.js";
import { sequences, type Sequences } from "./_sequences.js";

interface PairBatch {
  readonly chosen: Sequences;
  readonly rejected: Sequences;
}

/** Options of `trainDpo` (TRL's DPOConfig: beta 0.1, sigmoid loss). */
export interface TrainDpoOptions {
  readonly beta?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Adam's learning rate (default 1e-4). */
  readonly lr?: number;
  readonly seed?: number;
}

/** One DPO step: the loss, how often the implicit reward ranks the pair right, the mean margin, and the params. */
export interface DpoStep {
  readonly epoch: number;
  readonly step: number;
  readonly loss: number;
  readonly reward_accuracy: number;
  readonly reward_margin: number;
  readonly params: Params;
}

/**
 * Trains `model` (from `params`) with DPO on token pairs against the frozen `reference`: sequence log-likelihoods of
 * each response under both, then −log σ(β·margin); emits a report per step.
 * @example
 * trainDpo(lm.module, lm.params, lm, pairs, { beta: 0.1, epochs: 2 }).subscribe((s) => console.log(s.loss));
 */
export const trainDpo = (model: Module<GptInput, GptOutput>, params: Params, reference: CausalLm, pairs: readonly TokenPair[], options: TrainDpoOptions = {}): Observable<DpoStep> => {
  const { beta = 0.1, epochs = 2, batchSize = 16, lr = 1e-4, seed = 0 } = options;
  if (pairs.length === 0) throw new Error("trainDpo: no preference pairs to train on");
  const optimizer = adam({ lr });
  const logp = (p: Params, s: Sequences): Tensor => responseLogprobs({ module: model, params: p }, s).sum(-1);
  const step = trainStep<Params, PairBatch, unknown>({
    loss: (p, b) => {
      const out = dpoLoss(
        { policyChosen: logp(p, b.chosen), policyRejected: logp(p, b.rejected), referenceChosen: responseLogprobs(reference, b.chosen).sum(-1), referenceRejected: responseLogprobs(reference, b.rejected).sum(-1) },
        { beta },
      );
      const margin = out.chosenRewards.sub(out.rejectedRewards);
      return [out.loss, { metrics: { reward_accuracy: margin.gt(0).astype("float32").mean(), reward_margin: margin.mean() } }] as const;
    },
    optimizer: optimizer as never,
  });
  const pairLoader = loader({ length: pairs.length, get: (i: number) => pairs[i]! }, {
    batchSize, shuffle: true, seed,
    collate: (ps: TokenPair[]): PairBatch => ({ chosen: sequences(ps.map((p) => p.prompt), ps.map((p) => p.chosen)), rejected: sequences(ps.map((p) => p.prompt), ps.map((p) => p.rejected)) }),
  });
  return pairLoader.epochs(epochs).pipe(
    trainSteps(step, trainState({ params, optimizer: optimizer as never, seed })),
    map((r): DpoStep => ({ epoch: r.epoch, step: r.state.step, loss: r.metrics.loss!, reward_accuracy: r.metrics.reward_accuracy!, reward_margin: r.metrics.reward_margin!, params: r.state.params })),
  );
};
