// The small pipeline pinned by the committed recording test/fixtures/recordings/tinyTraining.jsonl: two shuffled epochs of SGD.
import { map, type Observable } from "rxjs";
import { loader, trainStep, trainState, trainSteps, sgd, type Tensor } from "../../src/index.js";
import { tinyData, tinyParams, tinyLoss } from "./_tiny.js";

export interface Logged {
  readonly epoch: number;
  readonly index: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly params: { readonly w: Tensor; readonly b: Tensor };
}

export const tinyTraining = (): Observable<Logged> => {
  const opt = sgd({ lr: 0.2, momentum: 0.5 });
  return loader(tinyData(6), { batchSize: 2, shuffle: true, seed: 3 }).epochs(2).pipe(
    trainSteps(trainStep({ loss: tinyLoss, optimizer: opt }), trainState({ params: tinyParams(), optimizer: opt })),
    map((s) => ({ epoch: s.epoch, index: s.index, metrics: s.metrics, params: s.state.params })),
  );
};
