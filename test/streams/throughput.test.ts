// Tests for throughput(): examples per second on a fake clock, the gap between epochs (evaluation) left out; evaluate's `when`; epochs()' last step.
import { from, lastValueFrom, map, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { epochs, evaluate, loader, sgd, throughput, trainState, trainStep, trainSteps } from "../../src/index.js";
import { tinyData, tinyLoss, tinyParams } from "./_tiny.js";

describe("throughput", () => {
  it("rates each epoch by its own steps; the time before a later epoch's first step is estimated from the last epoch", async () => {
    // Clock readings: subscription at 0, then one per value. Epoch 0: 10 samples at 100, 300, 400 ms (30 samples in 400 ms).
    // Epoch 1 starts at 5000 (4.6 s of evaluation after the last step): its first batch is charged 10 × 400/30 ms.
    const times = [0, 100, 300, 400, 5000, 5200];
    let i = 0;
    const values = [0, 0, 0, 1, 1].map((epoch) => ({ epoch, samples: 10 }));
    const rates = await lastValueFrom(from(values).pipe(throughput({ clock: () => times[i++]! }), map((v) => v.examples_per_sec), toArray()));
    const perMs = 400 / 30;
    expect(rates.map((r) => Number(r.toFixed(6)))).toEqual([100, 20_000 / 300, 75, 10_000 / (10 * perMs), 20_000 / (10 * perMs + 200)].map((r) => Number(r.toFixed(6))));
  });

  it("passes the values on with the field added, and restarts for each subscription", async () => {
    const source = from([{ epoch: 0, samples: 4, x: "a" }]).pipe(throughput({ clock: () => 0 }));
    expect(await lastValueFrom(source)).toEqual({ epoch: 0, samples: 4, x: "a", examples_per_sec: Infinity });
    expect(await lastValueFrom(source)).toMatchObject({ x: "a" });
  });
});

describe("evaluate with when, and epochs' last step", () => {
  it("evaluates only the picked steps (each epoch's last) on the step stream; epochs() carries the last step's added fields", async () => {
    const opt = sgd({ lr: 0.1 });
    const train = loader(tinyData(6), { batchSize: 2 });
    const test = loader(tinyData(4), { batchSize: 4 });
    const steps = await lastValueFrom(
      train.epochs(2).pipe(trainSteps(trainStep({ loss: tinyLoss, optimizer: opt }), trainState({ params: tinyParams(), optimizer: opt })),
        evaluate(test, { loss: tinyLoss, when: (s) => s.last }), toArray()),
    );
    expect(steps.map((s) => s.test !== undefined)).toEqual([false, false, true, false, false, true]);
    // The same numbers as evaluate on the epoch stream.
    const perEpoch = await lastValueFrom(
      train.epochs(2).pipe(trainSteps(trainStep({ loss: tinyLoss, optimizer: opt }), trainState({ params: tinyParams(), optimizer: opt })),
        throughput(), epochs(), evaluate(test, { loss: tinyLoss }), toArray()),
    );
    expect(perEpoch.map((e) => e.test)).toEqual([steps[2]!.test, steps[5]!.test]);
    expect(perEpoch.map((e) => [e.last.index, e.last.last, typeof e.last.examples_per_sec])).toEqual([[2, true, "number"], [2, true, "number"]]);
  });
});
