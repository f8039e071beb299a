// Tensor storage resident in the WebAssembly arena inside CPU step scopes: kernels read it in place, release is exact, kept memory survives, garbage is collected, and no two live tensors alias.
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { describe, expect, it } from "vitest";
import { cat, conv2d, cpuDevice, deviceRuntime, key, randn, split, type Tensor } from "../../../src/index.js";
import { cpuMemoryStats, isResident, setCpuPoolLimit } from "../../../src/ops/cpu/_storagePool.js";
import { getArena } from "../../../src/ops/cpu/_wasmArena.js";
import type { AnyTypedArray } from "../../../src/ops/dtype.js";

const step = <A>(f: () => A, donate?: unknown): A => deviceRuntime(cpuDevice).step(f, donate === undefined ? {} : { donate });
const RELEASED = /released when the step scope that created it closed/;
const storage = (t: Tensor) => t.storage as AnyTypedArray;

/** Counts the arena heap's allocations while `f` runs (the heap object is patched for the duration). */
const countAllocs = <A>(f: () => A): { result: A; allocs: number } => {
  const heap = getArena()!.heap as { alloc: (bytes: number) => unknown };
  const alloc = heap.alloc;
  let allocs = 0;
  heap.alloc = (bytes) => (allocs++, alloc(bytes));
  try {
    return { result: f(), allocs };
  } finally {
    heap.alloc = alloc;
  }
};

// Without the arena (RIVULET_CPU_WASM=0) or without scopes (RIVULET_CPU_POOL=0) nothing is resident: stepScope.test.ts covers those.
describe.runIf(process.env["RIVULET_CPU_WASM"] !== "0" && process.env["RIVULET_CPU_POOL"] !== "0")("resident CPU storage", () => {
  it("inside a step large storage is a view of the arena and kernels read it in place; outside it is plain and staged", () => {
    expect(getArena()).not.toBeNull();
    const [ka, kb] = split(key(1));
    const a = randn(ka!, [64, 96]), b = randn(kb!, [96, 80]);
    expect(isResident(storage(a))).toBe(false);
    const outside = countAllocs(() => a.matmul(b));
    expect(outside.allocs).toBe(3); // both operands and the result staged through temporaries
    const inside = step(() => {
      const a2 = a.add(0), b2 = b.add(0); // resident copies
      expect([isResident(storage(a2)), storage(a2).buffer instanceof SharedArrayBuffer]).toEqual([true, true]);
      const c = countAllocs(() => a2.matmul(b2));
      expect(c.allocs).toBe(1); // the result's block only: nothing staged, nothing copied out
      expect(isResident(storage(c.result))).toBe(true);
      expect(isResident(storage(a2.sum()))).toBe(false); // under POOL_MIN_BYTES: a plain array
      return c.result;
    });
    expect(Buffer.from(inside.dataSync().buffer).equals(Buffer.from(outside.result.dataSync().buffer))).toBe(true);
    // What users get is never arena memory.
    expect(inside.dataSync().buffer instanceof SharedArrayBuffer).toBe(false);
  });

  it("a released view throws even after its block is reused by another tensor, which reads its own numbers", async () => {
    const x = randn(key(2), [4096]);
    let old: Tensor | undefined;
    step(() => {
      old = x.mul(2);
    });
    const oldStorage = storage(old!);
    const next = step(() => x.mul(3)); // same size class: the block `old` had
    expect(storage(next).byteOffset).toBe(oldStorage.byteOffset);
    expect(() => old!.dataSync()).toThrow(RELEASED);
    expect(() => old!.add(1)).toThrow(RELEASED);
    await expect(old!.data()).rejects.toThrow(RELEASED);
    expect(next.dataSync()[9]).toBe(Math.fround(x.dataSync()[9]! * 3));
  });

  it("kept storage survives its step, moves to the enclosing scope when nested, and is freed when donated", () => {
    const x = randn(key(3), [8192]);
    const kept = step(() => x.mul(2));
    expect(isResident(storage(kept))).toBe(true);
    step(() => {
      x.mul(5); // reuses released blocks, never the kept one
      x.mul(7);
    });
    expect(kept.dataSync()[3]).toBe(Math.fround(x.dataSync()[3]! * 2));
    let inner: Tensor | undefined;
    const outer = step(() => {
      inner = step(() => x.add(1));
      x.add(2); // a temporary of the outer scope, allocated after the inner one closed: never inner's block
      expect(inner.dataSync()[0]).toBe(Math.fround(x.dataSync()[0]! + 1));
      return inner.mul(3);
    });
    expect(() => inner!.add(0)).toThrow(RELEASED);
    expect(outer.dataSync()[0]).toBe(Math.fround(Math.fround(x.dataSync()[0]! + 1) * 3));
    const keptAt = storage(kept).byteOffset;
    const after = step(() => kept.add(1), kept); // donated: kept's block is freed at the step's end
    expect(() => kept.add(0)).toThrow(RELEASED);
    expect(after.dataSync()[3]).toBe(Math.fround(Math.fround(x.dataSync()[3]! * 2) + 1));
    const again = step(() => x.mul(9)); // the free list is last-in first-out: kept's block
    expect(storage(again).byteOffset).toBe(keptAt);
    // Donating a tensor twice frees its block once: afterwards two live tensors of its class get two blocks.
    step(() => after.add(0), after);
    const r2 = step(() => x.add(4), after); // after is already released: donating it again must not free its block twice
    const two = step(() => [x.mul(1), x.mul(2)] as const);
    expect(new Set([r2, ...two].map((t) => storage(t).byteOffset)).size).toBe(3);
    expect([r2.dataSync()[1], two[0].dataSync()[1], two[1].dataSync()[1], again.dataSync()[1]]).toEqual(
      [Math.fround(x.dataSync()[1]! + 4), x.dataSync()[1], Math.fround(x.dataSync()[1]! * 2), Math.fround(x.dataSync()[1]! * 9)],
    );
  });

  it("storage kept past every step is returned to the heap by the garbage collector", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await settle(); // earlier tests' garbage first
    const x = randn(key(4), [1 << 16]); // a 256 KiB class of its own
    const survivor = step(() => x.mul(2));
    const made = (): number => {
      const t = step(() => x.mul(3));
      return storage(t).byteOffset; // t becomes garbage when this returns
    };
    made();
    const free0 = cpuMemoryStats().heapFreeBytes, live0 = cpuMemoryStats().heapLiveBytes;
    for (let i = 0; i < 20 && cpuMemoryStats().heapFreeBytes === free0; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(cpuMemoryStats().heapFreeBytes).toBe(free0 + (1 << 18));
    expect(cpuMemoryStats().heapLiveBytes).toBe(live0 - (1 << 18));
    expect(survivor.dataSync()[5]).toBe(Math.fround(x.dataSync()[5]! * 2)); // still referenced: never collected
  });

  it("ballast (external memory that makes V8 collect) only once kept storage outgrows what the last step kept: never in a donating loop", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    for (let i = 0; i < 3; i++) {
      gc(); // earlier tests' kept storage, collected first
      await new Promise((r) => setTimeout(r, 5));
    }
    const x = randn(key(8), [1 << 16]); // 256 KiB per result
    const ballast = () => cpuMemoryStats().ballastBytesMade;
    let s = step(() => x.mul(1));
    const before = ballast();
    for (let i = 0; i < 12; i++) {
      const prev = s;
      s = step(() => prev.add(1), prev); // the previous result donated: freed by the next step
    }
    expect(ballast()).toBe(before);
    const kept: Tensor[] = [];
    for (let i = 0; i < 12; i++) kept.push(step(() => x.mul(i))); // nothing donated: 3 MiB awaiting the collector
    expect(ballast() - before).toBeGreaterThanOrEqual(4 * (1 << 18));
    expect(ballast() - before).toBeLessThan(12 * (1 << 18)); // not from the first: the last step kept 256 KiB
  });

  it("a loop that keeps every step's result and never yields to the collector stops taking new heap space at the pool bound", () => {
    const x = randn(key(7), [1 << 15]); // 128 KiB per result
    setCpuPoolLimit(1 << 20); // at most 1 MiB of kept results awaiting the collector
    try {
      const kept: Tensor[] = [];
      const reserved0 = cpuMemoryStats().heapReservedBytes;
      for (let i = 0; i < 40; i++) kept.push(step(() => x.mul(i)));
      // Past the bound results are plain arrays: the heap grows by about the bound, not 40 × 128 KiB.
      expect(cpuMemoryStats().heapReservedBytes - reserved0).toBeLessThanOrEqual((1 << 20) + (1 << 17));
      expect(kept.filter((t) => !isResident(storage(t))).length).toBeGreaterThan(20);
      kept.forEach((t, i) => expect(t.dataSync()[100]).toBe(Math.fround(x.dataSync()[100]! * i)));
    } finally {
      setCpuPoolLimit(256 * 2 ** 20);
    }
  });

  it("random op sequences give bit-identical numbers in scopes (resident, recycled) and without, step after step", () => {
    const ks = split(key(5), 4);
    const init = { a: randn(ks[0]!, [48, 64]), b: randn(ks[1]!, [64, 48]), img: randn(ks[2]!, [4, 3, 12, 12]), w: randn(ks[3]!, [5, 3, 3, 3]) };
    type S = typeof init;
    const ops: ((s: S, t: Tensor) => Tensor)[] = [
      (s, t) => t.add(s.a.matmul(s.b).reshape([48, 48]).sum()),
      (s, t) => t.mul(0.5).sigmoid(),
      (s, t) => t.exp().mul(0.01).add(t),
      (s, t) => t.permute([1, 0]).add(t),
      (s, t) => t.sub(conv2d(s.img, s.w, { padding: 1 }).reshape([4, 5 * 144]).sum(1).mean()),
      (s, t) => t.matmul(s.a.reshape([48, 64]).slice([0, 48], [0, 48])).tanh(),
      (s, t) => t.div(t.abs().add(1)),
      (s, t) => t.sub(t.mean(0, { keepdim: true }).expand([48, 48])), // layout kernels that write every element of an uninitialised block
      (s, t) => cat([t.slice([0, 24]), t.slice([24, 48])], 0).mul(t.slice(null, [0, 48, 1])),
    ];
    const program = (seed: number) => {
      let r = seed;
      return Array.from({ length: 12 }, () => ((r = (r * 1103515245 + 12345) % 2 ** 31), ops[r % ops.length]!));
    };
    // One step: every intermediate is returned (so it stays live to the end: a live block handed out twice would
    // show) and compared bit for bit, as is the state carried (and donated) from step to step.
    const once = (s: S, seed: number): { state: S; seen: Tensor[] } => {
      const seen: Tensor[] = [];
      let t = s.a.matmul(s.b);
      for (const op of program(seed)) {
        t = op(s, t);
        seen.push(t);
      }
      const all = seen.reduce((acc, u) => acc.add(u.mul(0.001)), t);
      const state = { a: s.a.add(all.sum(1, { keepdim: true }).mul(1e-4)), b: s.b.sub(all.sum(0, { keepdim: true }).reshape([1, 48]).slice([0, 1], [0, 48]).mul(1e-4)), img: s.img.mul(0.999), w: s.w.add(all.mean().mul(1e-3)) };
      return { state, seen };
    };
    const bits = (t: Tensor) => Buffer.from(t.dataSync().buffer);
    let plain = init, scoped = init;
    for (let i = 0; i < 6; i++) {
      const p = once(plain, i + 1);
      const prev = scoped;
      const r = step(() => once(prev, i + 1), i === 0 ? undefined : prev);
      expect(r.seen.map((t) => isResident(storage(t)))).toContain(true);
      r.seen.forEach((t, j) => expect(bits(t).equals(bits(p.seen[j]!)), `step ${i}, op ${j}`).toBe(true));
      plain = p.state;
      scoped = r.state;
    }
    expect(isResident(storage(scoped.a))).toBe(true);
    for (const k of ["a", "b", "img", "w"] as const) expect(bits(scoped[k]).equals(bits(plain[k]))).toBe(true);
  });

  it("with the heap full, storage falls back to plain arrays and kernels to the TypeScript reference, with the same numbers", () => {
    const [ka, kb] = split(key(6));
    const a = randn(ka!, [40, 70]), b = randn(kb!, [70, 50]);
    const want = a.matmul(b).sigmoid().dataSync();
    const heap = getArena()!.heap as { alloc: (bytes: number) => unknown };
    const alloc = heap.alloc;
    heap.alloc = () => null;
    try {
      const got = step(() => {
        const c = a.matmul(b).sigmoid();
        expect(isResident(storage(c))).toBe(false);
        return c;
      });
      // The reference GEMM sums in another order: equal to float32 rounding.
      const g = got.dataSync();
      for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(want[i]!, 5);
    } finally {
      heap.alloc = alloc;
    }
  });
});
