// A CPU-bound pull pipeline still lets the event loop turn, so timers, I/O callbacks and signals are not starved.
import { describe, expect, it } from "vitest";
import { lastValueFrom, map, toArray } from "rxjs";
import { fromPull } from "../../src/index.js";

const busy = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe("fromPull", () => {
  it("yields to the event loop during a long synchronous consumer chain", async () => {
    let delivered = 0;
    let timerSawDelivered = -1;
    setTimeout(() => (timerSawDelivered = delivered), 0);
    const source = fromPull(() => (async function* () { for (let i = 0; i < 60; i++) yield i; })());
    const out = await lastValueFrom(source.pipe(map((i) => { busy(2); delivered++; return i; }), toArray()));
    expect(out).toHaveLength(60);
    // The timer ran while the stream was still going (about every 10 ms of work), not only after it ended.
    expect(timerSawDelivered).toBeGreaterThan(0);
    expect(timerSawDelivered).toBeLessThan(60);
  });
});
