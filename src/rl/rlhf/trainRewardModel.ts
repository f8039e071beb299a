// Stage 2 of RLHF: a reward model trained on preference pairs with the Bradley–Terry loss, as a stream of training steps with held-out accuracy.
import { Observable, map } from "rxjs";
import type { Tensor } from "../../ops/Tensor.js";
import type { Module, Params } from "../../nn/Module.js";
import { adamw } from "../../optim/adam.js";
import { loader } from "../../streams/loader.js";
import { trainState, trainStep } from "../../streams/trainStep.js";
import { trainSteps } from "../../streams/trainSteps.js";
import type { RewardInput } from "./rewardModel.js";
import type { TokenPair } from "./preferencePairs.js";
import { bradleyTerryLoss, pairwiseAccuracy } from "./preferenceLosses.js";
import { sequences, type Sequences } from "./_sequences.js";

/** A batch of pairs as two padded sequence batches. */
interface PairBatch {
  readonly chosen: Sequences;
  readonly rejected: Sequences;
}

const collatePairs = (pairs: readonly TokenPair[]): PairBatch => ({
  chosen: sequences(pairs.map((p) => p.prompt), pairs.map((p) => p.chosen)),
  rejected: sequences(pairs.map((p) => p.prompt), pairs.map((p) => p.rejected)),
});

const rewards = (rm: Module<RewardInput, Tensor>, params: Params, s: Sequences): Tensor => rm.forward(params, { ids: s.ids, attentionMask: s.attention });

/** Options of `trainRewardModel`. */
export interface TrainRewardModelOptions {
  readonly epochs?: number;
  readonly batchSize?: number;
  /** AdamW's learning rate (default 3e-4; weight decay 0). */
  readonly lr?: number;
  readonly seed?: number;
  /** Pairs never trained on, for the held-out pairwise accuracy reported after each epoch. */
  readonly validation?: readonly TokenPair[];
}

/** One step's report; `val_accuracy` and `params` come with the last step of each epoch. */
export interface RewardModelStep {
  readonly epoch: number;
  readonly step: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly val_accuracy?: number;
  readonly params?: Params;
}

/**
 * Fits `rm` (starting from `params`) to rank each pair's chosen response above its rejected one: −log σ(r_c − r_r),
 * minibatches of pairs, shuffled each epoch.
 * @example
 * trainRewardModel(rm, rmParams, trainPairs, { epochs: 3, validation: heldOut }).subscribe((s) => console.log(s.loss));
 */
export const trainRewardModel = (rm: Module<RewardInput, Tensor>, params: Params, pairs: readonly TokenPair[], options: TrainRewardModelOptions = {}): Observable<RewardModelStep> => {
  const { epochs = 2, batchSize = 16, lr = 3e-4, seed = 0, validation = [] } = options;
  if (pairs.length === 0) throw new Error("trainRewardModel: no preference pairs to train on");
  const optimizer = adamw({ lr, weightDecay: 0 });
  const step = trainStep<Params, PairBatch, unknown>({
    loss: (p, b) => {
      const [rc, rr] = [rewards(rm, p, b.chosen), rewards(rm, p, b.rejected)];
      return [bradleyTerryLoss(rc, rr), { metrics: { accuracy: rc.gt(rr).astype("float32").mean() } }] as const;
    },
    optimizer: optimizer as never,
  });
  const pairLoader = loader({ length: pairs.length, get: (i: number) => pairs[i]! }, { batchSize, shuffle: true, seed, collate: collatePairs });
  const accuracyOn = (p: Params, held: readonly TokenPair[]): number => {
    if (held.length === 0) return Number.NaN;
    const b = collatePairs(held);
    return pairwiseAccuracy(rewards(rm, p, b.chosen), rewards(rm, p, b.rejected));
  };
  return pairLoader.epochs(epochs).pipe(
    trainSteps(step, trainState({ params, optimizer: optimizer as never, seed })),
    map((r): RewardModelStep => ({
      epoch: r.epoch, step: r.state.step, loss: r.metrics.loss!, accuracy: r.metrics.accuracy!,
      ...(r.last ? { val_accuracy: accuracyOn(r.state.params, validation), params: r.state.params } : {}),
    })),
  );
};
