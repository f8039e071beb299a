// CPU step scopes: released tensors fail loudly on every read path, kept/returned/donated storage survives, recycled buffers give the same numbers.
import { describe, expect, it } from "vitest";
import {
  applyUpdates, conv2d, cpuDevice, crossEntropy, deviceRuntime, encodeSafetensors, fromTyped, key, randint, randn, sgd, split, tensor, valueAndGrad,
  pad, trainState, trainStep, zeros, type Tensor,
} from "../../../src/index.js";
import { cpuMemoryStats, cpuPoolBytes, setCpuPoolLimit } from "../../../src/ops/cpu/_storagePool.js";
import { allocFor } from "../../../src/ops/dtype.js";

const step = <A>(f: () => A, donate?: unknown): A => deviceRuntime(cpuDevice).step(f, donate === undefined ? {} : { donate });
const RELEASED = /released when the step scope that created it closed.*return it from the step/;

// Scopes are off under RIVULET_CPU_POOL=0 (every array fresh): these tests are about them.
describe.runIf(process.env["RIVULET_CPU_POOL"] !== "0")("CPU step scopes", () => {
  it("a tensor released by its step throws the clear error on every read path (large: detached; small: marked)", async () => {
    for (const n of [4096, 3]) {
      const x = randn(key(1), [n]);
      let tmp: Tensor | undefined;
      const kept = step(() => {
        tmp = x.mul(2);
        return tmp.add(1);
      });
      const t = tmp!;
      expect(() => t.add(1)).toThrow(RELEASED);
      expect(() => t.dataSync()).toThrow(RELEASED);
      await expect(t.data()).rejects.toThrow(RELEASED);
      expect(() => t.tolist()).toThrow(RELEASED);
      expect(() => t.sum().item()).toThrow(RELEASED);
      expect(() => t.toString()).toThrow(RELEASED);
      expect(() => encodeSafetensors({ t })).toThrow(RELEASED);
      // What the step returned is intact: x*2+1.
      const xs = x.dataSync(), ks = kept.dataSync();
      for (let i = 0; i < n; i++) expect(ks[i]).toBe(Math.fround(Math.fround(xs[i]! * 2) + 1));
    }
  });

  it("keeps by storage: a returned reshape keeps the tensor it shares memory with; nested scopes hand keep outward", () => {
    const x = tensor(Array.from({ length: 2048 }, (_, i) => i));
    let y: Tensor | undefined;
    const r = step(() => {
      y = x.mul(2);
      return y.reshape([32, 64]);
    });
    expect(y!.reshape([2048]).dataSync()[5]).toBe(10);
    expect(r.dataSync()[2047]).toBe(4094);
    let inner: Tensor | undefined;
    const outer = step(() => {
      inner = step(() => x.add(1));
      expect(inner.dataSync()[0]).toBe(1); // kept by the inner scope: alive in the outer one
      return inner.mul(3);
    });
    expect(() => inner!.add(1)).toThrow(RELEASED); // released by the outer scope
    expect(outer.dataSync()[1]).toBe(6);
  });

  it("donated storage is released unless the result reaches it; a failing step releases its temporaries, nothing donated", () => {
    const x = randn(key(2), [4096]);
    const y = step(() => x.mul(2));
    const z = step(() => y.add(1), y);
    expect(() => y.add(1)).toThrow(RELEASED);
    const same = step(() => ({ kept: z, other: z.mul(0) }), z); // donating what the result reaches keeps it
    expect(same.kept.dataSync()[0]).toBe(z.dataSync()[0]);
    let tmp: Tensor | undefined;
    expect(() => step(() => {
      tmp = z.mul(3);
      throw new Error("step failed");
    }, z)).toThrow("step failed");
    expect(() => tmp!.add(1)).toThrow(RELEASED);
    expect(z.dataSync()[0]).toBe(Math.fround(Math.fround(x.dataSync()[0]! * 2) + 1));
    // A user's own array (fromTyped) or one made outside every scope is never released by donation.
    const mine = new Float32Array(4096).fill(7);
    const own = fromTyped(mine, [4096]);
    const outside = x.mul(1);
    step(() => own.add(outside), { own, outside });
    expect(mine.length).toBe(4096);
    expect(own.dataSync()[4095]).toBe(7);
    expect(outside.dataSync()[0]).toBe(x.dataSync()[0]);
  });

  it("recycles released buffers: zeros are zero, dataSync arrays are copies the pool never takes", () => {
    const x = randn(key(3), [8192]);
    step(() => {
      x.mul(5);
    });
    expect(cpuPoolBytes()).toBeGreaterThanOrEqual(8192 * 4); // the product's buffer went to the free list
    const read = step(() => x.mul(3).dataSync());
    expect(read[7]).toBe(Math.fround(x.dataSync()[7]! * 3));
    // The next steps reuse the buffers the first ones released; recycled zeros must still be zero.
    const z = step(() => zeros([8192]).add(0));
    expect(z.dataSync().every((v) => v === 0)).toBe(true);
    step(() => {
      x.add(1);
    });
    const fresh = step(() => allocFor("float32", 8192).every((v) => v === 0)); // allocFor promises zeros
    expect(fresh).toBe(true);
    step(() => {
      x.add(2);
    });
    const padded = step(() => pad(x.slice([0, 8190]), [1, 1])); // a kernel that writes only the interior
    expect([padded.dataSync()[0], padded.dataSync()[8191]]).toEqual([0, 0]);
    step(() => x.mul(11));
    expect(read.length).toBe(8192); // never detached
    expect(read[7]).toBe(Math.fround(x.dataSync()[7]! * 3)); // never overwritten
  });

  it("a few training steps are bit-identical with and without scopes, and memory is flat across steps", () => {
    const [kw, kx, ky] = split(key(4), 3);
    const init = { w: randn(kw!, [6, 3, 3, 3]).mul(0.2), v: randn(kw!, [6 * 12 * 12, 10]).mul(0.02) };
    const x = randn(kx!, [16, 3, 14, 14]);
    const y = randint(ky!, 0, 10, [16]);
    const opt = sgd({ lr: 0.1, momentum: 0.9 });
    const lossOf = valueAndGrad((p: typeof init) => crossEntropy(conv2d(x, p.w).relu().reshape([16, -1]).matmul(p.v), y));
    const once = (s: { params: typeof init; opt: ReturnType<typeof opt.init> }) => {
      const [loss, grads] = lossOf(s.params);
      const { updates, state } = opt.update(grads, s.opt, s.params);
      return { params: applyUpdates(s.params, updates), opt: state, loss: (loss as Tensor).item() };
    };
    let plain = { params: init, opt: opt.init(init), loss: 0 };
    let scoped = plain;
    const pool: number[] = [], heap: number[] = [];
    for (let i = 0; i < 8; i++) {
      plain = once(plain);
      const prev = scoped;
      scoped = step(() => once(prev), prev);
      pool.push(cpuPoolBytes());
      heap.push(cpuMemoryStats().heapReservedBytes);
      expect(scoped.loss).toBe(plain.loss);
    }
    const bits = (t: Tensor) => Buffer.from(t.dataSync().buffer);
    expect(bits(scoped.params.w).equals(bits(plain.params.w))).toBe(true);
    expect(bits(scoped.params.v).equals(bits(plain.params.v))).toBe(true);
    // After the first steps every step takes back what the one before released: the free list stops growing.
    expect(new Set(pool.slice(3)).size).toBe(1);
    expect(new Set(heap.slice(3)).size).toBe(1); // and the arena heap allocates nothing new
    // The plain free list (no arena, or the heap full) is bounded: beyond the limit released buffers are dropped.
    setCpuPoolLimit(64 * 1024);
    expect(cpuMemoryStats().freeListBytes).toBeLessThanOrEqual(64 * 1024);
    const prev = scoped;
    scoped = step(() => once(prev), prev);
    expect(cpuMemoryStats().freeListBytes).toBeLessThanOrEqual(64 * 1024);
    setCpuPoolLimit(256 * 2 ** 20);
  });

  it("trainStep scopes every CPU step: its activations are recycled, every emitted state stays valid (nothing donated)", async () => {
    const [kw, kx] = split(key(5));
    const params = { w: randn(kw!, [64, 10]).mul(0.1) };
    const batch = { input: randn(kx!, [128, 64]), target: tensor(Array.from({ length: 128 }, (_, i) => i % 10), { dtype: "int32" }) };
    const opt = sgd({ lr: 0.1 });
    const step = trainStep({ loss: (p: typeof params, b: typeof batch) => crossEntropy(b.input.matmul(p.w).relu(), b.target), optimizer: opt });
    let state = trainState({ params, optimizer: opt });
    const states = [state];
    setCpuPoolLimit(0); // drop everything held, then count what the steps release
    setCpuPoolLimit(256 * 2 ** 20);
    for (let i = 0; i < 3; i++) {
      state = (await step(state, { epoch: 0, index: i, batch, samples: 128, last: false })).state;
      states.push(state);
    }
    expect(cpuPoolBytes()).toBeGreaterThanOrEqual(128 * 10 * 4); // the [128, 10] activations went back to the free list
    // Each state still reads (no state was donated), and consecutive ones differ by one SGD update.
    const w = states.map((s) => s.params.w.dataSync());
    for (let i = 1; i < w.length; i++) expect(w[i]!.some((v, j) => v !== w[i - 1]![j])).toBe(true);
  });
});
