// The arena heap's allocator: size classes, reuse, growth, the fragmentation bound and the cap.
import { describe, expect, it } from "vitest";
import { HEAP_ALIGN, makeHeap, sizeClass, type HeapBlock } from "../../../src/ops/cpu/_arenaHeap.js";

/** A heap over a pretend memory that records how far it was asked to grow. */
const pretend = (base: number, cap: number) => {
  const ends: number[] = [];
  const heap = makeHeap(base, cap, (end) => (ends.push(end), true));
  return { heap, ends };
};

/** A deterministic generator (mulberry32), so a failing sequence can be replayed. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe("arena heap", () => {
  it("size classes hold the request, are 64-byte multiples and waste under a quarter above 256 bytes", () => {
    expect([1, 64, 65, 256, 257, 4096, 4097, 5120, 5121, 1 << 20].map(sizeClass)).toEqual(
      [64, 64, 128, 256, 320, 4096, 5120, 5120, 6144, 1 << 20],
    );
    const r = rng(1);
    for (let i = 0; i < 2000; i++) {
      const bytes = 257 + Math.floor(r() * 2 ** (8 + r() * 22));
      const c = sizeClass(bytes);
      expect(c).toBeGreaterThanOrEqual(bytes);
      expect(c % HEAP_ALIGN).toBe(0);
      expect(c).toBeLessThan(bytes * 1.25 + HEAP_ALIGN);
    }
  });

  it("reuses a freed block for the next request of its class and bumps its generation; a second free is a no-op", () => {
    const { heap } = pretend(1 << 20, 1 << 30);
    const a = heap.alloc(5000)!;
    expect(a.offset).toBe(1 << 20);
    expect(a.bytes).toBe(5120);
    const b = heap.alloc(5000)!;
    expect(b.offset).toBe(a.offset + 5120);
    heap.free(a);
    expect(a.gen).toBe(1);
    heap.free(a); // already free: nothing changes
    expect([a.gen, heap.freeBytes()]).toEqual([1, 5120]);
    const c = heap.alloc(5100)!; // same class: the freed block, not new space
    expect(c).toBe(a);
    expect([c.live, heap.freeBytes(), heap.reserved(), heap.liveBytes()]).toEqual([true, 0, 10240, 10240]);
    expect(heap.alloc(4000)!.offset).toBe(a.offset + 10240); // another class: new space
  });

  it("grows the memory for new space only, and no two live blocks ever overlap", () => {
    const { heap, ends } = pretend(1 << 16, 1 << 30);
    const r = rng(2);
    const live: HeapBlock[] = [];
    for (let i = 0; i < 3000; i++) {
      if (live.length > 0 && r() < 0.45) heap.free(live.splice(Math.floor(r() * live.length), 1)[0]!);
      else live.push(heap.alloc(64 + Math.floor(r() * 100_000))!);
    }
    const sorted = [...live].sort((x, y) => x.offset - y.offset);
    for (let i = 0; i < sorted.length; i++) {
      expect(sorted[i]!.offset % HEAP_ALIGN).toBe(0);
      if (i > 0) expect(sorted[i]!.offset).toBeGreaterThanOrEqual(sorted[i - 1]!.offset + sorted[i - 1]!.bytes);
    }
    // Every growth asked for exactly the end of the new block, in increasing order.
    for (let i = 1; i < ends.length; i++) expect(ends[i]!).toBeGreaterThan(ends[i - 1]!);
    expect(ends[ends.length - 1]).toBe((1 << 16) + heap.reserved());
  });

  it("fragmentation is bounded: reserved bytes never exceed the sum over classes of the most live at once, and a repeated step reserves nothing new", () => {
    const { heap } = pretend(0, 2 ** 31);
    const r = rng(3);
    const step = Array.from({ length: 200 }, () => ({ bytes: 4096 + Math.floor(r() * 400_000), freeAt: Math.floor(r() * 200) }));
    const peak = new Map<number, number>(), now = new Map<number, number>();
    const runStep = () => {
      const held: (HeapBlock | null)[] = [];
      step.forEach((s, i) => {
        held.push(heap.alloc(s.bytes));
        const c = sizeClass(s.bytes);
        now.set(c, (now.get(c) ?? 0) + c);
        peak.set(c, Math.max(peak.get(c) ?? 0, now.get(c)!));
        step.forEach((t, j) => {
          if (j <= i && t.freeAt === i && held[j]) {
            heap.free(held[j]!);
            held[j] = null;
            now.set(sizeClass(t.bytes), now.get(sizeClass(t.bytes))! - sizeClass(t.bytes));
          }
        });
      });
      held.forEach((b, j) => {
        if (b) {
          heap.free(b);
          now.set(sizeClass(step[j]!.bytes), now.get(sizeClass(step[j]!.bytes))! - sizeClass(step[j]!.bytes));
        }
      });
    };
    runStep();
    const first = heap.reserved();
    const bound = [...peak.values()].reduce((s, v) => s + v, 0);
    expect(first).toBeLessThanOrEqual(bound);
    for (let i = 0; i < 5; i++) runStep();
    expect(heap.reserved()).toBe(first);
    expect(heap.liveBytes()).toBe(0);
  });

  it("at the cap: takes a free block of a larger class up to twice the size, else answers null (the caller falls back)", () => {
    const { heap } = pretend(0, 64 * 1024);
    const big = heap.alloc(40_000)!; // class 40960
    expect(heap.alloc(30_000)).toBeNull(); // 40960 + 32768 > cap
    heap.free(big);
    const small = heap.alloc(30_000)!; // no room for new space: the free 40960 block (≤ 2 × 32768)
    expect(small.offset).toBe(big.offset);
    heap.free(small);
    expect(heap.alloc(16_000)).not.toBeNull(); // 16384 of new space fits beside it
    expect(heap.alloc(16_000)).toBeNull(); // the only free block (40960) is over twice 16384: null rather than waste it
    const refusing = makeHeap(0, 1 << 30, () => false); // the engine cannot grow the memory
    expect(refusing.alloc(4096)).toBeNull();
    expect(() => heap.alloc(-1)).toThrow(/cannot allocate -1 bytes/);
  });
});
