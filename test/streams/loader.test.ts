// loader: PyTorch DataLoader semantics (batching, drop_last, per-epoch shuffles from the seed), default collation, positions.
import { describe, expect, it } from "vitest";
import { lastValueFrom, toArray } from "rxjs";
import { tensor, loader, defaultCollate, key, foldIn, randperm, randn, stack, grad, cpuDevice, deviceRuntime, type Dataset, type Sample, type Tensor } from "../../src/index.js";

const range = (n: number): Dataset<Sample<Tensor>> => ({ length: n, get: (i) => ({ input: tensor([i, -i]), target: i % 3 }) });
const all = <T>(o: import("rxjs").Observable<T>) => lastValueFrom(o.pipe(toArray()));

describe("loader", () => {
  it("batches in order with a short last batch, or drops it", async () => {
    const l = loader(range(10), { batchSize: 4 });
    expect(l.length).toBe(3);
    const batches = await all(l.epoch(0));
    expect(batches.map((b) => b.input.shape)).toEqual([[4, 2], [4, 2], [2, 2]]);
    expect(batches[2]!.input.tolist()).toEqual([[8, -8], [9, -9]]);
    expect(batches[0]!.target.dtype).toBe("int32");
    expect(batches[0]!.target.tolist()).toEqual([0, 1, 2, 0]);
    const dropped = loader(range(10), { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect((await all(dropped.epoch(0))).length).toBe(2);
    expect(loader(range(0)).length).toBe(0);
    expect(await all(loader(range(0)).epoch(0))).toEqual([]);
  });

  it("shuffles with a new permutation each epoch, derived from foldIn(key(seed), epoch)", async () => {
    const l = loader(range(10), { batchSize: 3, shuffle: true, seed: 7 });
    const e0 = l.batchIndices(0).flat();
    const e1 = l.batchIndices(1).flat();
    expect(e0).toEqual(Array.from(randperm(foldIn(key(7), 0), 10).dataSync()));
    expect(e1).toEqual(Array.from(randperm(foldIn(key(7), 1), 10).dataSync()));
    expect(e0).not.toEqual(e1);
    expect([...e0].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    const got = (await all(l.epoch(1))).flatMap((b) => b.input.tolist() as number[][]).map((r) => r[0]);
    expect(got).toEqual(e1);
    // The same seed gives the same order on another loader; another seed another order.
    expect(loader(range(10), { batchSize: 3, shuffle: true, seed: 7 }).batchIndices(1)).toEqual(l.batchIndices(1));
    expect(loader(range(10), { batchSize: 3, shuffle: true, seed: 8 }).batchIndices(1).flat()).not.toEqual(e1);
  });

  it("epochs(n) tags every batch with its position and resumes from one", async () => {
    const l = loader(range(5), { batchSize: 2, shuffle: true });
    const run = await all(l.epochs(3));
    expect(run.map((b) => [b.epoch, b.index, b.samples, b.last])).toEqual([
      [0, 0, 2, false], [0, 1, 2, false], [0, 2, 1, true],
      [1, 0, 2, false], [1, 1, 2, false], [1, 2, 1, true],
      [2, 0, 2, false], [2, 1, 2, false], [2, 2, 1, true],
    ]);
    const resumed = await all(l.epochs(3, { from: { epoch: 1, batch: 1 } }));
    expect(resumed.map((b) => b.batch.input.tolist())).toEqual(run.slice(4).map((b) => b.batch.input.tolist()));
    expect((await all(l.epoch(2, { from: 1 }))).map((b) => b.input.tolist())).toEqual(run.slice(7).map((b) => b.batch.input.tolist()));
  });

  it("is cold: each subscription reads the epoch again", async () => {
    let gets = 0;
    const l = loader({ length: 4, get: (i: number) => (gets++, i) }, { batchSize: 2 });
    const e = l.epoch(0);
    expect((await all(e)).map((t) => t.tolist())).toEqual([[0, 1], [2, 3]]);
    expect((await all(e)).length).toBe(2);
    expect(gets).toBe(8);
  });

  it("accepts async datasets and a custom collate", async () => {
    const ds: Dataset<string> = { length: 3, get: async (i) => `s${i}` };
    const l = loader(ds, { batchSize: 2, collate: (xs) => xs.join("+") });
    expect(await all(l.epoch(0))).toEqual(["s0+s1", "s2"]);
  });

  it("rejects bad options, naming them", () => {
    expect(() => loader(range(3), { batchSize: 0 })).toThrow("loader: batchSize must be a positive integer, got 0");
    expect(() => loader(range(3), { prefetch: -1 })).toThrow("prefetch");
    expect(() => loader(range(3), { workers: 2 })).toThrow("workerDataset");
    expect(() => loader({} as Dataset<number>)).toThrow("loader: dataset must be a Dataset");
    expect(() => loader(range(3)).epoch(-1)).toThrow("loader.epoch: epoch must be a non-negative integer");
    expect(() => loader(range(3)).epochs(2, { from: { epoch: 0, batch: 3 } })).toThrow("loader.epochs: from must be a position");
  });
});

describe("defaultCollate", () => {
  it("stacks tensors, numbers, booleans, strings, records and arrays recursively", () => {
    const b = defaultCollate([
      { x: tensor([1, 2]), meta: { id: "a", ok: true, w: 0.5 }, pair: [1, tensor([[1]])] },
      { x: tensor([3, 4]), meta: { id: "b", ok: false, w: 2 }, pair: [2, tensor([[2]])] },
    ]);
    expect(b.x.shape).toEqual([2, 2]);
    expect(b.meta.id).toEqual(["a", "b"]);
    expect(b.meta.ok.dtype).toBe("bool");
    expect(b.meta.w.dtype).toBe("float32");
    expect(b.meta.w.tolist()).toEqual([0.5, 2]);
    expect(b.pair[0].dtype).toBe("int32");
    expect(b.pair[1].shape).toEqual([2, 1, 1]);
  });

  it("stacks CPU samples by copying their storage: the same tensor as stack, for every dtype, shape and rank", () => {
    const floats = Array.from({ length: 5 }, (_, i) => randn(key(i), [3, 2, 4]));
    const cases: Tensor[][] = [
      floats,
      floats.map((t) => t.mul(10).astype("int32")),
      floats.map((t) => t.gt(0)),
      [tensor(7, { dtype: "float32" }), tensor(-1.5)], // zero-dimensional samples become a vector
      [tensor([[1, 2, 3]])],
    ];
    for (const ts of cases) {
      const b = defaultCollate(ts), s = stack(ts);
      expect([b.shape, b.dtype]).toEqual([s.shape, s.dtype]);
      expect(Array.from(b.dataSync())).toEqual(Array.from(s.dataSync()));
    }
    // The batch owns its memory: it is not a view of any sample's storage.
    expect(defaultCollate(floats).dataSync()[0]).toBe(floats[0]!.dataSync()[0]);
  });

  it("collates samples being differentiated through stack, so gradients flow back to each sample", () => {
    const g = grad((xs: Tensor[]) => defaultCollate(xs).mul(tensor([[1, 2], [3, 4]])).sum());
    const [ga, gb] = g([tensor([1, 1]), tensor([1, 1])]);
    expect(ga!.tolist()).toEqual([1, 2]);
    expect(gb!.tolist()).toEqual([3, 4]);
  });

  it("refuses a sample released by its step scope, naming the problem", () => {
    let tmp: Tensor | undefined;
    deviceRuntime(cpuDevice).step(() => {
      tmp = randn(key(9), [2048]).mul(2);
      return 0;
    });
    expect(() => defaultCollate([tmp!, tmp!])).toThrow(/released when the step scope/);
  });

  it("names the field and the samples that cannot be collated", () => {
    expect(() => defaultCollate([{ x: tensor([1, 2]) }, { x: tensor([1, 2, 3]) }])).toThrow(
      "defaultCollate: x: cannot stack a float32 tensor of shape [2] (sample 0) with a float32 tensor of shape [3] (sample 1)",
    );
    expect(() => defaultCollate([{ x: 1 }, { y: 1 }])).toThrow("sample 0 has keys {x} but sample 1 has {y}");
    expect(() => defaultCollate([{ d: new Uint8Array(2) }])).toThrow("defaultCollate: d: cannot collate Uint8Array");
    expect(() => defaultCollate([])).toThrow("non-empty array");
  });
});
