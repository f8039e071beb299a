// The thread pool's load estimate (_machineLoad.ts): /proc/loadavg parsing, smoothing and hysteresis on injected samples, and the pool obeying it.
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { LOAD_SMOOTH_MS, nextMachineLoad, othersRunning, sampleOthersRunning, type MachineLoad } from "../../../src/ops/cpu/_machineLoad.js";
import { gemmPoolStats, setLoadProbe } from "../../../src/ops/cpu/_gemmPool.js";
import { gemmWasm } from "../../../src/ops/cpu/matmul.js";

/** Feeds samples `every` ms apart from state `s` (the first at s.at + every); returns every state after a sample. */
const feed = (s: MachineLoad | null, samples: readonly number[], threads: number, every = 50): MachineLoad[] => {
  const out: MachineLoad[] = [];
  let at = s?.at ?? 0;
  for (const x of samples) out.push((s = nextMachineLoad(s, x, (at += every), threads)));
  return out;
};
const repeat = (x: number, n: number): number[] => new Array<number>(n).fill(x);
/** The time (ms after the first state) of the first state whose decision is `overloaded`, or -1. */
const turnsAt = (states: readonly MachineLoad[], overloaded: boolean): number => {
  const i = states.findIndex((s) => s.overloaded === overloaded);
  return i < 0 ? -1 : states[i]!.at - states[0]!.at;
};

describe("machine load: /proc/loadavg's runnable threads less the reader", () => {
  it("parses the fourth field and subtracts the calling thread", () => {
    expect(othersRunning("0.52 0.41 0.30 3/250 4242\n")).toBe(2);
    expect(othersRunning("12.00 9.10 7.75 1/97 1\n")).toBe(0);
    expect(othersRunning("0.00 0.00 0.00 17/1200 99")).toBe(16);
  });

  it("answers null for text that is not /proc/loadavg's", () => {
    expect(othersRunning("")).toBeNull();
    expect(othersRunning("0.52 0.41 0.30")).toBeNull();
    expect(othersRunning("0.52 0.41 0.30 x/250 4242")).toBeNull();
  });

  it.runIf(existsSync("/proc/loadavg"))("samples a whole number of threads on Linux", () => {
    const x = sampleOthersRunning();
    expect(Number.isInteger(x)).toBe(true);
    expect(x).toBeGreaterThanOrEqual(0);
  });
});

describe("machine load: smoothing and hysteresis (2 threads)", () => {
  it("takes the first sample as it is", () => {
    expect(nextMachineLoad(null, 0, 5, 2)).toEqual({ others: 0, at: 5, overloaded: false });
    expect(nextMachineLoad(null, 3, 5, 2)).toEqual({ others: 3, at: 5, overloaded: true });
    expect(nextMachineLoad(null, 1, 5, 2).overloaded).toBe(false); // one other thread leaves a core free
  });

  it("averages with weight 1 - exp(-dt / LOAD_SMOOTH_MS) on the new sample", () => {
    const s = nextMachineLoad({ others: 0, at: 0, overloaded: false }, 4, LOAD_SMOOTH_MS, 2);
    expect(s.others).toBeCloseTo(4 * (1 - Math.exp(-1)), 12);
    expect(s.at).toBe(LOAD_SMOOTH_MS);
    // a sample after a long quiet spell counts almost alone
    expect(nextMachineLoad({ others: 0, at: 0, overloaded: false }, 4, 100 * LOAD_SMOOTH_MS, 2).others).toBeCloseTo(4, 10);
  });

  it("ignores short bursts: 200 ms of 6 other threads after an idle spell", () => {
    const idle = feed(null, repeat(0, 20), 2).at(-1)!;
    const states = feed(idle, [...repeat(6, 4), ...repeat(0, 40)], 2);
    expect(states.every((s) => !s.overloaded)).toBe(true);
  });

  it("turns single-threaded within about 3 s of two other busy threads, and back within about 3 s of them stopping", () => {
    const idle = feed(null, repeat(0, 20), 2).at(-1)!;
    const busy = feed(idle, repeat(2, 100), 2); // 5 s
    const on = turnsAt(busy, true);
    expect(on).toBeGreaterThan(1500);
    expect(on).toBeLessThan(3500);
    const calm = feed(busy.at(-1)!, repeat(0, 100), 2);
    const off = turnsAt(calm, false);
    expect(off).toBeGreaterThan(0);
    expect(off).toBeLessThan(3500);
  });

  it("one other busy thread on 2 cores keeps both threads", () => {
    expect(feed(null, repeat(1, 400), 2).every((s) => !s.overloaded)).toBe(true);
  });

  it("flickering near the threshold does not flip the decision back and forth", () => {
    // idle, then two other threads (one turn), then they alternate 1 and 2 every sample: the average hovers about
    // 1.5, the threshold to turn single-threaded; once turned, it stays so until the average falls below 1.25
    const states = feed(null, [...repeat(0, 20), ...repeat(2, 200), ...Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? 1 : 2))], 2);
    const flips = states.slice(1).filter((s, i) => s.overloaded !== states[i]!.overloaded).length;
    expect(flips).toBe(1);
    expect(states.at(-1)!.overloaded).toBe(true);
  });

  it("scales with the pool: 4 other threads overload 4 threads, 3 do not", () => {
    expect(feed(null, repeat(4, 200), 4).at(-1)!.overloaded).toBe(true);
    expect(feed(null, repeat(3, 200), 4).at(-1)!.overloaded).toBe(false);
  });
});

describe.runIf(process.env["RIVULET_CPU_WASM"] !== "0" && availableParallelism() > 1 && !process.env["RIVULET_CPU_THREADS"])(
  "machine load: the pool follows the probe",
  () => {
    const A = Float32Array.from({ length: 200 * 160 }, (_, i) => Math.sin(i));
    const B = Float32Array.from({ length: 160 * 200 }, (_, i) => Math.cos(i));
    const product = () => gemmWasm(A, 1, false, B, 1, false, 1, 200, 160, 200, true);

    it("a crowded machine keeps every block on the calling thread; an idle one lets the workers in", async () => {
      setLoadProbe(() => 1e6);
      const before = gemmPoolStats().workerBlocks;
      for (let t = 0; t < 5; t++) product();
      expect(gemmPoolStats().workerBlocks).toBe(before);
      setLoadProbe(() => 0);
      // a worker that is slow to wake leaves its share to the caller: allow a few products before one claims a block
      for (let t = 0; t < 40 && gemmPoolStats().workerBlocks === before; t++) {
        product();
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(gemmPoolStats().workerBlocks).toBeGreaterThan(before);
      setLoadProbe(null);
    });
  },
);
