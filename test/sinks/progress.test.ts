// Tests for the progress sink: exact bar redraws on a fake TTY, exact plain lines otherwise, never both.
import { from, lastValueFrom, Subject, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { progress, type ProgressValue } from "../../src/sinks/index.js";

const fakeOutput = (isTTY: boolean, columns = 100) => {
  const chunks: string[] = [];
  return { chunks, output: { isTTY, columns, write: (s: string) => chunks.push(s) } };
};

/** Two epochs of 100 samples in batches of 25; the fake clock advances a second after each value. */
const twoEpochs: ProgressValue[] = [1, 2].flatMap((epoch) =>
  [25, 50, 75, 100].map((samples, i) => ({ epoch, samples, total: 100, loss: 1 / (epoch + i), accuracy: 0.5 + 0.1 * i })),
);

const run = async (values: readonly ProgressValue[], isTTY: boolean, options: { every?: number; interval?: number; epochs?: number } = {}) => {
  const { chunks, output } = fakeOutput(isTTY);
  let now = 0;
  const seen = await lastValueFrom(
    from(values).pipe(progress({ output, clock: () => now, ...options }), toArray()),
    { defaultValue: [] },
  );
  return { chunks, seen };
};

describe("progress", () => {
  it("prints plain lines every `every` of the epoch and a summary per epoch when not a TTY", async () => {
    const { chunks, output } = fakeOutput(false);
    let now = 0;
    from(twoEpochs)
      .pipe(progress({ output, clock: () => now, epochs: 2, every: 0.5 }))
      .subscribe(() => (now += 1000));
    expect(chunks).toEqual([
      "epoch 1/2  50%  50/100 [00:01<00:01, 50.0 samples/s] loss 0.5000 acc 0.6000\n",
      "epoch 1/2 done: 100 samples in 00:03 (33.3 samples/s), loss 0.2500 acc 0.8000\n",
      // Epoch 2's clock leaves out the second between the epochs (evaluation, in a run): it starts at its first value
      // less that batch's share of epoch 1's time per sample (25 × 30 ms), so 50 samples took 1.75 s.
      "epoch 2/2  50%  50/100 [00:02<00:02, 28.6 samples/s] loss 0.3333 acc 0.6000\n",
      "epoch 2/2 done: 100 samples in 00:04 (26.7 samples/s), loss 0.2000 acc 0.8000\n",
    ]);
  });

  it("redraws one bar per epoch in place on a TTY and leaves it on screen at the epoch's end", async () => {
    const { chunks, output } = fakeOutput(true, 120);
    let now = 0;
    from(twoEpochs)
      .pipe(progress({ output, clock: () => now, epochs: 2, interval: 0 }))
      .subscribe(() => (now += 1000));
    expect(chunks).toEqual([
      "\repoch 1/2  25%|████████                      |  25/100 [00:00<?, ? samples/s] loss 1.0000 acc 0.5000\x1b[K",
      "\repoch 1/2  50%|███████████████               |  50/100 [00:01<00:01, 50.0 samples/s] loss 0.5000 acc 0.6000\x1b[K",
      "\repoch 1/2  75%|███████████████████████       |  75/100 [00:02<00:01, 37.5 samples/s] loss 0.3333 acc 0.7000\x1b[K",
      "\repoch 1/2 100%|██████████████████████████████| 100/100 [00:03<00:00, 33.3 samples/s] loss 0.2500 acc 0.8000\x1b[K\n",
      "\repoch 2/2  25%|████████                      |  25/100 [00:01<00:02, 33.3 samples/s] loss 0.5000 acc 0.5000\x1b[K",
      "\repoch 2/2  50%|███████████████               |  50/100 [00:02<00:02, 28.6 samples/s] loss 0.3333 acc 0.6000\x1b[K",
      "\repoch 2/2  75%|███████████████████████       |  75/100 [00:03<00:01, 27.3 samples/s] loss 0.2500 acc 0.7000\x1b[K",
      "\repoch 2/2 100%|██████████████████████████████| 100/100 [00:04<00:00, 26.7 samples/s] loss 0.2000 acc 0.8000\x1b[K\n",
    ]);
  });

  it("never mixes the two: no carriage returns or escapes in plain output, no plain lines on a TTY", async () => {
    const plain = (await run(twoEpochs, false)).chunks.join("");
    expect(plain).not.toMatch(/[\r\x1b]/);
    const tty = (await run(twoEpochs, true)).chunks;
    expect(tty.every((c) => c.startsWith("\r"))).toBe(true);
    expect(tty.join("").split("\n")).toHaveLength(3); // two finished bars, nothing after
    expect(tty.join("")).not.toContain("done:");
  });

  it("passes every value through unchanged", async () => {
    expect((await run(twoEpochs, false)).seen).toEqual(twoEpochs);
  });

  it("throttles TTY redraws to `interval` but always draws the epoch's end", async () => {
    const { chunks, output } = fakeOutput(true);
    let now = 0;
    from(twoEpochs.slice(0, 4))
      .pipe(progress({ output, clock: () => now, interval: 1500 }))
      .subscribe(() => (now += 1000));
    // Draws at 0 ms, skips 1000 (too soon), draws 2000, then the end at 3000.
    expect(chunks.map((c) => /(\d+)\/100/.exec(c)![1])).toEqual(["25", "75", "100"]);
  });

  it("without a total prints time-based lines without bar, percentage or ETA, and ends the epoch when the stream ends", async () => {
    const { chunks, output } = fakeOutput(false);
    let now = 0;
    from([10, 20, 30, 40].map((samples) => ({ epoch: 1, samples, loss: 0.5 })))
      .pipe(progress({ output, clock: () => now, interval: 2000 }))
      .subscribe(() => (now += 1000));
    expect(chunks).toEqual([
      "epoch 1 30 [00:02, 15.0 samples/s] loss 0.5000\n",
      "epoch 1 done: 40 samples in 00:04 (10.0 samples/s), loss 0.5000\n",
    ]);
  });

  it("ends the bar's line before an error so the error prints on its own line", () => {
    const { chunks, output } = fakeOutput(true);
    const s = new Subject<ProgressValue>();
    let error: unknown;
    s.pipe(progress({ output, clock: () => 0 })).subscribe({ error: (e: unknown) => (error = e) });
    s.next({ epoch: 1, samples: 5, total: 10 });
    s.error(new Error("boom"));
    expect(chunks.at(-1)).toBe("\n");
    expect((error as Error).message).toBe("boom");
  });

  it("cuts bar lines to the terminal's width so the redraw never wraps", async () => {
    const { chunks, output } = fakeOutput(true, 40);
    from([{ epoch: 1, samples: 1, total: 1000, loss: 1 }]).pipe(progress({ output, clock: () => 0 })).subscribe();
    expect(chunks[0]!.replace("\r", "").replace("\x1b[K", "").length).toBeLessThan(40);
  });

  it("with perBatch, sums batch sizes and shows sample-weighted running means, as d2l's Accumulator", () => {
    const { chunks, output } = fakeOutput(false);
    let now = 0;
    const batches = [
      { epoch: 1, samples: 30, total: 60, loss: 1.0, accuracy: 0.5 },
      { epoch: 1, samples: 20, total: 60, loss: 0.5, accuracy: 1.0 },
      { epoch: 1, samples: 10, total: 60, loss: 0.2, accuracy: 1.0 },
      { epoch: 2, samples: 60, total: 60, loss: 0.1, accuracy: 0.9 },
    ];
    from(batches)
      .pipe(progress({ output, clock: () => now, perBatch: true, every: 0.5 }))
      .subscribe(() => (now += 1000));
    // Epoch 1 ends at loss (30·1 + 20·0.5 + 10·0.2) / 60 = 0.7, accuracy (30·0.5 + 20·1 + 10·1) / 60 = 0.75.
    expect(chunks).toEqual([
      "epoch 1  50% 30/60 [00:00<?, ? samples/s] loss 1.0000 acc 0.5000\n",
      "epoch 1 done: 60 samples in 00:02 (30.0 samples/s), loss 0.7000 acc 0.7500\n",
      // Epoch 2's one batch is timed at epoch 1's 2 s / 60 samples, not by the gap since epoch 1 ended.
      "epoch 2 done: 60 samples in 00:02 (30.0 samples/s), loss 0.1000 acc 0.9000\n",
    ]);
  });

  it("rounds a huge (diverging) loss to three significant digits instead of printing every digit", () => {
    const { chunks, output } = fakeOutput(false);
    from([{ epoch: 1, samples: 10, total: 10, loss: 1.234567e30, accuracy: 0.1 }, { epoch: 2, samples: 10, total: 10, loss: 99999.5, accuracy: 0.1 }])
      .pipe(progress({ output, clock: () => 0 }))
      .subscribe();
    expect(chunks.map((c) => c.replace(/^.*\), /, ""))).toEqual(["loss 1.23e+30 acc 0.1000\n", "loss 99999.5000 acc 0.1000\n"]);
  });

  it("rejects bad options with a clear error", () => {
    expect(() => progress({ every: 0 })).toThrow("progress: every must be a fraction of the epoch in (0, 1], got 0");
    expect(() => progress({ interval: -1 })).toThrow("progress: interval must be a number of milliseconds >= 0, got -1");
  });
});
