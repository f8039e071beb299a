// Training as a stream: trainStep against a hand-written update, trainSteps/epochs/evaluate, gradient accumulation, schedules.
import { describe, expect, it } from "vitest";
import { lastValueFrom, map, toArray } from "rxjs";
import {
  loader, trainStep, trainState, trainSteps, epochs, evaluate, evaluation, gradientAccumulation, schedule, mapAsync,
  valueAndGrad, sgd, adam, applyUpdates, crossEntropy, foldIn, dropout, stepLR, sum, treeLeaves, type Tensor,
} from "../../src/index.js";
import { tinyData, tinyParams, tinyLoss, logits, type Params, type Batch } from "./_tiny.js";
import { expectClose } from "../_harness.js";

const bitsOf = (p: Params) => treeLeaves(p).map((t) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer)));

describe("trainStep", () => {
  it("is one valueAndGrad + optimizer update returned as a promise, and advances step and position", async () => {
    const opt = sgd({ lr: 0.1, momentum: 0.9 });
    const s0 = trainState({ params: tinyParams(), optimizer: opt, seed: 3 });
    const [lb] = await lastValueFrom(loader(tinyData(6), { batchSize: 4 }).epochs(1).pipe(toArray()));
    const out = trainStep({ loss: tinyLoss, optimizer: opt })(s0, lb!);
    expect(out).toBeInstanceOf(Promise); // one return type on every device, the CPU included
    const { state, metrics } = await out;
    const [loss, grads] = valueAndGrad((p: Params) => crossEntropy(logits(p, lb!.batch.input), lb!.batch.target))(s0.params);
    const expected = applyUpdates(s0.params, opt.update(grads, opt.init(s0.params), s0.params).updates);
    expect(bitsOf(state.params)).toEqual(bitsOf(expected));
    expect(metrics.loss).toBe(loss.item());
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0);
    expect(state.step).toBe(1);
    expect(state.position).toEqual({ epoch: 0, batch: 1 });
    expect(s0.step).toBe(0); // the old state is untouched
  });

  it("gives the loss foldIn(rng, step) as its key and training: true", async () => {
    const seen: Array<[number[], boolean]> = [];
    const step = trainStep<Params, Batch, unknown>({
      loss: (p, b, ctx) => {
        seen.push([[...ctx.key.words], ctx.training]);
        return sum(dropout(ctx.key, logits(p, b.input), { p: 0.5 })).mul(0);
      },
      optimizer: sgd({ lr: 0.1 }),
    });
    const s0 = trainState({ params: tinyParams(), optimizer: sgd({ lr: 0.1 }), seed: 5 });
    await lastValueFrom(loader(tinyData(4), { batchSize: 2 }).epochs(1).pipe(trainSteps(step, s0)));
    expect(seen).toEqual([[[...foldIn(s0.rng, 0).words], true], [[...foldIn(s0.rng, 1).words], true]]);
  });
});

describe("trainSteps, epochs and evaluate", () => {
  it("threads the state through the batches and averages epochs over samples", async () => {
    const opt = adam({ lr: 0.05 });
    const train = loader(tinyData(10), { batchSize: 4, shuffle: true, seed: 1 });
    const step = trainStep({ loss: tinyLoss, optimizer: opt });
    const s0 = trainState({ params: tinyParams(), optimizer: opt });
    const steps = await lastValueFrom(train.epochs(3).pipe(trainSteps(step, s0), toArray()));
    expect(steps.map((s) => s.state.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const results = await lastValueFrom(train.epochs(3).pipe(trainSteps(step, s0), epochs(), toArray()));
    expect(results.map((r) => [r.epoch, r.steps, r.samples])).toEqual([[0, 3, 10], [1, 3, 10], [2, 3, 10]]);
    const e1 = steps.slice(3, 6);
    expect(results[1]!.train.loss).toBeCloseTo(e1.reduce((a, s) => a + s.metrics.loss! * s.samples, 0) / 10, 12);
    expect(bitsOf(results[2]!.state.params)).toEqual(bitsOf(steps[8]!.state.params));
    expect(results[2]!.train.loss).toBeLessThan(results[0]!.train.loss!);
  });

  it("evaluates on a test loader at each epoch's end (loss and accuracy over all test samples)", async () => {
    const opt = sgd({ lr: 0.5 });
    const train = loader(tinyData(8), { batchSize: 4 });
    const test = loader(tinyData(5, 9), { batchSize: 2 });
    const s0 = trainState({ params: tinyParams(), optimizer: opt });
    const out = await lastValueFrom(
      train.epochs(2).pipe(trainSteps(trainStep({ loss: tinyLoss, optimizer: opt }), s0), epochs(), evaluate(test, { loss: tinyLoss }), toArray()),
    );
    expect(out.map((r) => r.epoch)).toEqual([0, 1]);
    const p = out[1]!.state.params;
    const all = await lastValueFrom(loader(tinyData(5, 9), { batchSize: 5 }).epoch(0));
    const manual = crossEntropy(logits(p, all.input), all.target).item();
    expect(Math.abs(out[1]!.test.loss! - manual)).toBeLessThan(1e-6);
    const direct = await evaluation(test, tinyLoss, out[1]!.state);
    expect(direct).toEqual(out[1]!.test);
    expect(out[1]!.test.accuracy! * 5).toBeCloseTo(Math.round(out[1]!.test.accuracy! * 5), 6);
  });

  it("gradient accumulation over k batches equals one batch k times larger", async () => {
    // 10 samples: batches of 2 grouped by 3 make updates over 6 and 4 samples, like batches of 6.
    const opt = sgd({ lr: 0.3, momentum: 0.9 });
    const s0 = trainState({ params: tinyParams(), optimizer: opt });
    const step = trainStep({ loss: tinyLoss, optimizer: opt });
    const small = await lastValueFrom(loader(tinyData(10), { batchSize: 2 }).epochs(2).pipe(gradientAccumulation(3), trainSteps(step, s0), toArray()));
    const big = await lastValueFrom(loader(tinyData(10), { batchSize: 6 }).epochs(2).pipe(trainSteps(step, s0), toArray()));
    const a = small[small.length - 1]!.state;
    const b = big[big.length - 1]!.state;
    expect(a.step).toBe(4);
    expect(b.step).toBe(4);
    expect(a.accum).toBeUndefined();
    for (const [x, y] of treeLeaves(a.params).map((t, i) => [t, treeLeaves(b.params)[i]!] as const))
      expectClose(x, y, { atol: 1e-6, rtol: 1e-5 });
    expect(small.map((s) => s.state.step)).toEqual([0, 0, 1, 1, 2, 2, 2, 3, 3, 4]);
  });

  it("schedules the learning rate per step or per epoch", async () => {
    const opt = sgd({ lr: 123 });
    const s0 = trainState({ params: tinyParams(), optimizer: opt });
    const step = trainStep({ loss: tinyLoss, optimizer: opt });
    const l = loader(tinyData(6), { batchSize: 2 });
    const perStep = await lastValueFrom(l.epochs(2).pipe(schedule((k) => 0.1 * (k + 1)), trainSteps(step, s0), map((s) => s.metrics.lr), toArray()));
    expect(perStep.map((x) => +x!.toFixed(6))).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    const perEpoch = await lastValueFrom(l.epochs(3).pipe(schedule(stepLR({ lr: 1, stepSize: 1, gamma: 0.5 }), { interval: "epoch" }), trainSteps(step, s0), map((s) => s.metrics.lr), toArray()));
    expect(perEpoch).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]);
    expect(() => schedule(0.1 as never)).toThrow("schedule: expected a schedule");
  });

  it("an asynchronous step (device readback) pauses the loader until it is done", async () => {
    const opt = sgd({ lr: 0.1 });
    const sync = trainStep({ loss: tinyLoss, optimizer: opt });
    let produced = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const data = tinyData(64);
    const counting = { length: data.length, get: (i: number) => (produced++, data.get(i)) };
    const step = async (s: Parameters<typeof sync>[0], b: Parameters<typeof sync>[1]) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      return sync(s, b);
    };
    const s0 = trainState({ params: tinyParams(), optimizer: opt });
    let consumedBatches = 0;
    let maxAhead = 0;
    await lastValueFrom(
      loader(counting, { batchSize: 4, prefetch: 1 }).epochs(1).pipe(
        trainSteps(step, s0),
        map((s) => {
          consumedBatches++;
          maxAhead = Math.max(maxAhead, produced / 4 - consumedBatches);
          return s;
        }),
      ),
    );
    expect(consumedBatches).toBe(16);
    expect(maxInFlight).toBe(1);
    expect(maxAhead).toBeLessThanOrEqual(2);
  });

  it("steps that fail surface as stream errors", async () => {
    const opt = sgd({ lr: 0.1 });
    const bad = trainStep<ReturnType<typeof tinyParams>, Batch, unknown>({ loss: () => "nope" as unknown as Tensor, optimizer: opt });
    const s0 = trainState({ params: tinyParams(), optimizer: opt });
    await expect(lastValueFrom(loader(tinyData(4), { batchSize: 2 }).epochs(1).pipe(trainSteps(bad, s0)))).rejects.toThrow("trainStep: loss must return");
    await expect(lastValueFrom(loader(tinyData(4), { batchSize: 2 }).epochs(1).pipe(mapAsync(async () => { throw new Error("sink failed"); })))).rejects.toThrow("sink failed");
  });
});
