// Backpressure: a lazy million-sample dataset drained by slow consumers never gets more than the prefetch depth ahead.
import { describe, expect, it } from "vitest";
import { Observable, delay, lastValueFrom, map, take, tap, toArray } from "rxjs";
import { tensor, loader, mapAsync, pauseSource, fromPull, type Dataset, type Sample, type Tensor } from "../../src/index.js";

/** A lazy dataset that counts samples produced; the consumer reports what it has finished with. */
const instrumented = (length: number) => {
  const counts = { produced: 0, consumed: 0, maxOutstanding: 0 };
  const ds: Dataset<Sample<Tensor>> = {
    length,
    get: (i) => {
      counts.produced++;
      counts.maxOutstanding = Math.max(counts.maxOutstanding, counts.produced - counts.consumed);
      return { input: tensor([i, i + 1]), target: i % 10 };
    },
  };
  return { ds, counts };
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

describe("pull-driven loaders", () => {
  it("a million samples, a slow async consumer: never more than the prefetch depth of batches outstanding", async () => {
    const { ds, counts } = instrumented(1_000_000);
    const batchSize = 8;
    const prefetch = 2;
    const timersBefore = timers();
    const seen = await lastValueFrom(
      loader(ds, { batchSize, prefetch }).epoch(0).pipe(
        mapAsync(async (b) => {
          await sleep(1);
          counts.consumed += b.target.shape[0]!;
          return b.target.shape[0]!;
        }),
        take(300),
        toArray(),
      ),
    );
    expect(seen).toHaveLength(300);
    // The batch being consumed plus `prefetch` loaded ahead of it.
    expect(counts.maxOutstanding).toBeLessThanOrEqual((prefetch + 1) * batchSize);
    expect(counts.maxOutstanding).toBeGreaterThan(batchSize); // the read-ahead really runs
    const producedAtStop = counts.produced;
    expect(producedAtStop).toBeLessThanOrEqual((300 + prefetch + 1) * batchSize);
    await sleep(30);
    expect(counts.produced).toBe(producedAtStop); // unsubscription stopped production
    expect(timers()).toBeLessThanOrEqual(timersBefore); // and left no timers behind
  });

  it("a synchronous consumer gets natural backpressure; prefetch 0 produces strictly on demand", async () => {
    const { ds, counts } = instrumented(1_000_000);
    let busy = 0;
    await lastValueFrom(
      loader(ds, { batchSize: 4, prefetch: 0 }).epoch(0).pipe(
        tap((b) => {
          for (let i = 0; i < 1e4; i++) busy += i; // synchronous work
          counts.consumed += b.target.shape[0]!;
        }),
        take(50),
      ),
    );
    expect(busy).toBeGreaterThan(0);
    expect(counts.maxOutstanding).toBeLessThanOrEqual(4);
    expect(counts.produced).toBe(50 * 4);
  });

  it("chained async stages and plain synchronous operators in between keep the bound", async () => {
    const { ds, counts } = instrumented(1_000_000);
    await lastValueFrom(
      loader(ds, { batchSize: 2, prefetch: 1 }).epoch(0).pipe(
        map((b) => b.target),
        mapAsync(async (t) => (await sleep(0), t)),
        map((t) => t.shape[0]!),
        mapAsync(async (n) => {
          await sleep(2);
          counts.consumed += n;
          return n;
        }),
        take(40),
      ),
    );
    // Each async stage may hold one batch, plus the one loaded ahead and the one being loaded.
    expect(counts.maxOutstanding).toBeLessThanOrEqual((1 + 1 + 2) * 2);
  });

  it("for await pulls the same batches", async () => {
    const { ds } = instrumented(10);
    const sizes: number[] = [];
    for await (const b of loader(ds, { batchSize: 4 }).epoch(0)) sizes.push(b.target.shape[0]!);
    expect(sizes).toEqual([4, 4, 2]);
  });

  it("is honest about plain RxJS: an operator that defers delivery cuts the signal and buffers", async () => {
    const { ds, counts } = instrumented(1000);
    let paused: boolean[] = [];
    await lastValueFrom(
      loader(ds, { batchSize: 10, prefetch: 0 }).epoch(0).pipe(
        tap(() => paused.push(pauseSource(Promise.resolve()))),
        delay(1),
        mapAsync(async (b) => {
          await sleep(1);
          counts.consumed += b.target.shape[0]!;
        }),
      ),
    );
    expect(paused.every(Boolean)).toBe(true); // before the delay the source can still be paused
    // After `delay` the consumer's pauses reach no source: everything was produced ahead of it.
    expect(counts.maxOutstanding).toBeGreaterThan(10);
    paused = [];
    const push$ = new Observable<number>((s) => {
      paused.push(pauseSource(Promise.resolve()));
      s.complete();
    });
    await lastValueFrom(push$, { defaultValue: 0 });
    expect(paused).toEqual([false]);
  });

  it("an error in the dataset reaches the subscriber and stops production", async () => {
    let produced = 0;
    const ds: Dataset<number> = { length: 100, get: (i) => { produced++; if (i === 13) throw new Error("bad sample 13"); return i; } };
    await expect(lastValueFrom(loader(ds, { batchSize: 4 }).epoch(0))).rejects.toThrow("bad sample 13");
    const at = produced;
    await sleep(10);
    expect(produced).toBe(at);
    expect(at).toBeLessThanOrEqual(4 * 6);
  });

  it("fromPull closes the iterator on unsubscribe", async () => {
    let closed = false;
    const src = fromPull(() => {
      let i = 0;
      return { next: async () => ({ done: false, value: i++ }), return: async () => ((closed = true), { done: true, value: undefined }) };
    });
    expect(await lastValueFrom(src.pipe(take(5), toArray()))).toEqual([0, 1, 2, 3, 4]);
    expect(closed).toBe(true);
  });
});
