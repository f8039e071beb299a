// Loaders with worker threads: the same batches in the same order, errors naming the sample, workers stopped when done.
import { describe, expect, it } from "vitest";
import { lastValueFrom, take, tap, toArray } from "rxjs";
import { loader, workerDataset, type Sample, type Tensor } from "../../src/index.js";

const module = new URL("./_workerData.ts", import.meta.url).href;
const workerCount = () => process.getActiveResourcesInfo().filter((r) => r === "MessagePort").length; // one per live worker thread
const settle = () => new Promise((r) => setTimeout(r, 200));

describe("loader workers", () => {
  it("loads in worker threads, in order, the same batches as in this thread", async () => {
    const before = workerCount();
    const ds = await workerDataset<Sample<Tensor>>({ module, export: "squares", args: [23] });
    const threaded = loader(ds, { batchSize: 4, shuffle: true, seed: 2, workers: 3 });
    const local = loader(ds, { batchSize: 4, shuffle: true, seed: 2 });
    const [a, b] = await Promise.all([lastValueFrom(threaded.epoch(1).pipe(toArray())), lastValueFrom(local.epoch(1).pipe(toArray()))]);
    expect(a).toHaveLength(6);
    expect(a.map((x) => x.input.tolist())).toEqual(b.map((x) => x.input.tolist()));
    expect(a.map((x) => [x.target.dtype, x.target.tolist()])).toEqual(b.map((x) => [x.target.dtype, x.target.tolist()]));
    await settle();
    expect(workerCount()).toBe(before); // terminated on completion
  });

  it("terminates the workers when the consumer unsubscribes", async () => {
    const before = workerCount();
    const ds = await workerDataset<Sample<Tensor>>({ module, export: "squares", args: [400] });
    let during = 0;
    const got = await lastValueFrom(loader(ds, { batchSize: 2, workers: 2 }).epoch(0).pipe(tap(() => (during = workerCount())), take(3), toArray()));
    expect(during).toBe(before + 2);
    expect(got.map((x) => x.target.tolist())).toEqual([[0, 1], [2, 0], [1, 2]]);
    await settle();
    expect(workerCount()).toBe(before);
  });

  it("an error in a worker surfaces on the stream naming the sample", async () => {
    const ds = await workerDataset<Sample<Tensor>>({ module, export: "squares", args: [20, 9] });
    await expect(lastValueFrom(loader(ds, { batchSize: 4, workers: 2 }).epoch(0))).rejects.toThrow(
      /loader: worker 0 failed loading sample 9 \(batch 2\) of squares from .*_workerData\.ts: sample 9 is unreadable/,
    );
  });

  it("checks the recipe", async () => {
    await expect(workerDataset({ module: "./relative.ts", export: "x" })).rejects.toThrow("workerDataset: module must be an absolute path or a file URL");
    await expect(workerDataset({ module, export: "nope" })).rejects.toThrow('has no export "nope"');
  });
});
