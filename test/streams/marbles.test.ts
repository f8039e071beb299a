// Marble tests: ordering, subscription and unsubscription of the synchronous training operators.
import { describe, expect, it } from "vitest";
import { TestScheduler } from "rxjs/testing";
import { accumulate, earlyStopping, epochs, gradientAccumulation, type StepResult, type LoaderBatch } from "../../src/index.js";

const scheduler = () => new TestScheduler((a, e) => expect(a).toEqual(e));

const step = (epoch: number, index: number, loss: number, samples: number, last: boolean): StepResult<number> =>
  ({ state: { params: epoch * 10 + index } as never, metrics: { loss }, epoch, index, samples, last });

describe("operators in virtual time", () => {
  it("earlyStopping emits the value that exhausts patience, completes, and unsubscribes upstream", () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const losses = cold("a-b-c-d-e-f-g|", { a: 5, b: 4, c: 4.05, d: 3.99, e: 4.2, f: 4.1, g: 1 });
      const out = losses.pipe(earlyStopping({ monitor: (x: number) => x, patience: 2, minDelta: 0.1 }));
      // 4.05 and 3.99 are not 0.1 better than 4: two bad values in a row stop at d.
      expectObservable(out).toBe("a-b-c-(d|)", { a: 5, b: 4, c: 4.05, d: 3.99 });
      expectSubscriptions(losses.subscriptions).toBe("^-----!");
    });
  });

  it("earlyStopping in max mode with patience 0 stops at the first non-improvement", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const acc = cold("a-b-c-d|", { a: 0.5, b: 0.6, c: 0.6, d: 0.9 });
      expectObservable(acc.pipe(earlyStopping({ monitor: (x: number) => x, patience: 0, mode: "max" }))).toBe("a-b-(c|)", { a: 0.5, b: 0.6, c: 0.6 });
    });
    expect(() => earlyStopping({ monitor: (x: number) => x, mode: "median" as never })).toThrow('earlyStopping: mode must be "min" or "max", got "median"');
    expect(() => earlyStopping({ monitor: (x: number) => x, patience: -1 })).toThrow("patience");
  });

  it("epochs emits on each epoch's last step with sample-weighted means, and nothing for a cut-short epoch", () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const steps = cold("a-b-c-d-e-|", {
        a: step(0, 0, 1, 4, false), b: step(0, 1, 4, 2, true),
        c: step(1, 0, 2, 4, false), d: step(1, 1, 2, 2, true),
        e: step(2, 0, 9, 4, false),
      });
      // Each epoch also carries its last step (with whatever operators before epochs() added to it).
      expectObservable(steps.pipe(epochs())).toBe("--x---y---|", {
        x: { epoch: 0, state: { params: 1 }, steps: 2, samples: 6, train: { loss: 2 }, last: step(0, 1, 4, 2, true) },
        y: { epoch: 1, state: { params: 11 }, steps: 2, samples: 6, train: { loss: 2 }, last: step(1, 1, 2, 2, true) },
      });
      expectSubscriptions(steps.subscriptions).toBe("^---------!");
    });
  });

  it("accumulate emits running sample-weighted means (the Accumulator)", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const xs = cold("a-b-c|", { a: { metrics: { loss: 2, acc: 0 }, samples: 1 }, b: { metrics: { loss: 4, acc: 1 }, samples: 3 }, c: { metrics: { loss: 0, acc: 1 }, samples: 4 } });
      expectObservable(xs.pipe(accumulate())).toBe("a-b-c|", {
        a: { metrics: { loss: 2, acc: 0 }, weight: 1, count: 1 },
        b: { metrics: { loss: 3.5, acc: 0.75 }, weight: 4, count: 2 },
        c: { metrics: { loss: 1.75, acc: 0.875 }, weight: 8, count: 3 },
      });
    });
  });

  it("gradientAccumulation marks the batch closing each group of k (and each epoch's last)", () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const b = (epoch: number, index: number, last: boolean): LoaderBatch<null> => ({ epoch, index, batch: null, samples: 1, last });
      const batches = cold("abcde|", { a: b(0, 0, false), b: b(0, 1, false), c: b(0, 2, true), d: b(1, 0, false), e: b(1, 1, false) });
      const flags = { t: true, f: false };
      const out = batches.pipe(gradientAccumulation(2));
      expectObservable(out, "^--!").toBe("abc", { a: { ...b(0, 0, false), applyUpdate: flags.f }, b: { ...b(0, 1, false), applyUpdate: true }, c: { ...b(0, 2, true), applyUpdate: true } });
      expectSubscriptions(batches.subscriptions).toBe("^--!");
    });
    expect(() => gradientAccumulation(0)).toThrow("gradientAccumulation: k must be a positive integer");
  });
});
