// The WebGPU backend: GPU-buffer storage from a pool, lazily batched WGSL kernels for every primitive, async readback with typed errors.
import type { Backend, Kernels } from "../ops/backend.js";
import type { AnyTypedArray, DType } from "../ops/dtype.js";
import { BufferPool, type PoolStats } from "./bufferPool.js";
import { CommandBatch } from "./commandBatch.js";
import { PipelineCache } from "./pipelineCache.js";
import { GpuStorage, type Allocation } from "./GpuStorage.js";
import { DeviceLost, GpuKernelError, GpuValidationError, OutOfMemory, ShaderCompilationError, type GpuError } from "./errors.js";
import type { GpuInfo } from "./gpuInfo.js";
import type { GpuContext, Launch } from "./kernels/_context.js";
import { binary, cast, unary, where } from "./kernels/elementwise.js";
import { argReduce, cumsum, reduce } from "./kernels/reduce.js";
import { concat, expand, pad, permute, reshape, slice } from "./kernels/layout.js";
import { gather, indexAdd, indexSelect, scatterAdd, INDEX_ERROR_OPS } from "./kernels/indexing.js";
import { argsort } from "./kernels/argsort.js";
import { matmul } from "./kernels/matmul.js";
import { fold, unfold } from "./kernels/window.js";
import { uniform } from "./kernels/random.js";

/** Pool, submission and pipeline counters of one device. */
export interface GpuStats extends PoolStats {
  readonly submissions: number;
  readonly pipelines: number;
}

/** An open step scope: the storage created while it is innermost. */
export interface ScopeFrame {
  readonly created: Set<GpuStorage>;
}

/** A WebGPU device as a rivulet backend (pass it as `device` to creation functions, or move tensors with `.to`). */
export interface WebGpuBackend extends Backend {
  readonly name: "webgpu";
  readonly info: GpuInfo;
  readonly device: GPUDevice;
  stats(): GpuStats;
  /** Submits whatever is encoded (done automatically before readback and at scope end). */
  flush(): void;
  /** Submits, waits for the GPU, and rejects with the first error the device reported (a GpuError). */
  sync(): Promise<void>;
  /** A failure already reported by the device, without waiting (cleared once taken, except a lost device). */
  takeFailure(): GpuError | null;
  /** Opens a step scope: storage created until `endScope` is tracked by it. */
  beginScope(): ScopeFrame;
  /**
   * Closes the innermost scope, releasing its storage except `keep` (which moves to the enclosing scope), and the
   * `donated` storage (inputs the result replaces) that `keep` does not hold.
   */
  endScope(frame: ScopeFrame, keep: ReadonlySet<unknown>, donated?: ReadonlySet<unknown>): void;
  /** Destroys the device (its buffers go with it); later use fails with DeviceLost. */
  destroy(): void;
}

const MAP_READ = 0x1;
const COPY_DST = 0x8;

/** Builds the backend over an acquired device. */
export const makeWebGpuBackend = (device: GPUDevice, info: GpuInfo): WebGpuBackend => {
  const failures: GpuError[] = [];
  const checks = new Set<Promise<void>>();
  let lost: DeviceLost | null = null;
  const track = <T>(p: Promise<T>, onValue: (v: T) => GpuError | null): void => {
    const c: Promise<void> = p.then(
      (v) => { const e = onValue(v); if (e) failures.push(e); },
      () => undefined,
    ).finally(() => checks.delete(c));
    checks.add(c);
  };

  void device.lost.then((l) => {
    lost = new DeviceLost({ reason: l.reason, message: `webgpu: device lost (${l.reason}): ${l.message}` });
  });
  device.addEventListener?.("uncapturederror", (ev) => {
    const error = (ev as GPUUncapturedErrorEvent).error;
    failures.push(new GpuValidationError({ message: `webgpu: ${error.message}` }));
  });

  const pool = new BufferPool(device, (bytes, create) => {
    device.pushErrorScope("out-of-memory");
    const buf = create();
    track(device.popErrorScope(), (e) =>
      e ? new OutOfMemory({ bytes, liveBytes: pool.stats().liveBytes, message: `webgpu: out of memory allocating ${bytes} bytes (${pool.stats().liveBytes} bytes live): ${e.message}` }) : null);
    return buf;
  });
  const pipelines = new PipelineCache(device, (c) => track(c, (e) => e));
  const batch = new CommandBatch(device, pool, (c) => track(c, (e) => (e ? new GpuValidationError({ message: `webgpu: ${e.message}` }) : null)));
  // Bad-index flags: [op code, index, axis size, axis], checked and cleared at every readback.
  const flags = device.createBuffer({ size: 16, usage: 0x80 | 0x4 | COPY_DST });
  device.queue.writeBuffer(flags, 0, new Uint32Array(4));

  const scopes: ScopeFrame[] = [];
  const registry = new FinalizationRegistry<Allocation>((a) => {
    if (!a.released) {
      a.released = true;
      pool.release(a.buffer);
    }
  });
  const checkAlive = (): void => {
    if (lost) throw lost;
  };

  const ctx: GpuContext = {
    alloc: (n) => {
      checkAlive();
      const bytes = Math.max(4, n * 4);
      const storage = new GpuStorage(backend, { buffer: pool.acquire(bytes), bytes, released: false });
      registry.register(storage, storage.alloc, storage);
      scopes[scopes.length - 1]?.created.add(storage);
      return storage;
    },
    release: (s) => {
      if (s.alloc.released) return;
      s.alloc.released = true;
      registry.unregister(s);
      pool.release(s.alloc.buffer);
      for (const f of scopes) f.created.delete(s);
    },
    launch: (l: Launch) => {
      checkAlive();
      const p = pipelines.get(l.kernel, l.wgsl, l.entry ?? "main", l.inputs.length, l.outputs.length);
      batch.dispatch(p, l.params, [...l.inputs, ...l.outputs], l.grid ?? l.workgroups);
    },
    flags,
  };

  const kernels: Kernels<GpuStorage> = {
    unary: unary(ctx), binary: binary(ctx), where: where(ctx), cast: cast(ctx),
    reduce: reduce(ctx), argReduce: argReduce(ctx), cumsum: cumsum(ctx),
    reshape: reshape(ctx), permute: permute(ctx), expand: expand(ctx), slice: slice(ctx), pad: pad(ctx), concat: concat(ctx),
    gather: gather(ctx), scatterAdd: scatterAdd(ctx), indexSelect: indexSelect(ctx), indexAdd: indexAdd(ctx), argsort: argsort(ctx),
    matmul: matmul(ctx), unfold: unfold(ctx), fold: fold(ctx), uniform: uniform(ctx),
  };
  // Kernels check that every input lives on this device before touching its buffer.
  for (const [name, k] of Object.entries(kernels) as [string, (i: readonly { data: unknown }[], p: unknown, o: unknown) => unknown][])
    (kernels as unknown as Record<string, unknown>)[name] = (inputs: readonly { data: unknown }[], p: unknown, o: unknown) => {
      for (const x of inputs)
        if (!(x.data instanceof GpuStorage) || x.data.owner !== backend)
          throw new Error(`${name}: an input is not stored on this WebGPU device; move it with .to(device) first`);
      return k(inputs, p, o);
    };

  const takeFailure = (): GpuError | null => {
    if (lost) return lost;
    if (failures.length === 0) return null;
    // A shader error explains the validation errors that follow it, so it is reported first.
    const rank = (e: GpuError) => ["ShaderCompilationError", "OutOfMemory", "GpuKernelError", "GpuValidationError"].indexOf(e._tag);
    const first = [...failures].sort((a, b) => rank(a) - rank(b))[0]!;
    failures.length = 0;
    return first;
  };
  const settle = async (): Promise<void> => {
    while (checks.size > 0) await Promise.all([...checks]);
    const f = takeFailure();
    if (f) throw f;
  };

  const backend: WebGpuBackend = {
    name: "webgpu",
    info,
    device,
    // Typed over GpuStorage inside; the Backend face is storage-agnostic (as the CPU's), so it passes as any device.
    kernels: kernels as unknown as Kernels<unknown>,
    upload: (data: AnyTypedArray, dtype: DType): GpuStorage => {
      const s = ctx.alloc(data.length);
      if (data.length > 0) {
        const words = dtype === "float32" ? Float32Array.from(data) : Int32Array.from(data);
        device.queue.writeBuffer(s.buffer, 0, words);
      }
      return s;
    },
    read: async (s: unknown, dtype: DType, size: number): Promise<AnyTypedArray> => {
      checkAlive();
      if (!(s instanceof GpuStorage) || s.owner !== backend) throw new Error("read: this storage does not belong to this WebGPU device");
      const buffer = s.buffer;
      batch.flush();
      const bytes = size * 4;
      const staging = device.createBuffer({ size: bytes + 16, usage: MAP_READ | COPY_DST });
      const enc = device.createCommandEncoder();
      if (bytes > 0) enc.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
      enc.copyBufferToBuffer(flags, 0, staging, bytes, 16);
      device.queue.submit([enc.finish()]);
      device.queue.writeBuffer(flags, 0, new Uint32Array(4));
      try {
        await staging.mapAsync(MAP_READ);
      } catch (e) {
        staging.destroy();
        checkAlive();
        throw e;
      }
      const raw = staging.getMappedRange().slice(0);
      staging.unmap();
      staging.destroy();
      await settle();
      const flag = new Int32Array(raw, bytes, 4);
      if (flag[0] !== 0) {
        const op = INDEX_ERROR_OPS[flag[0]!] ?? "index";
        throw new GpuKernelError({ kernel: op, message: `${op}: index ${flag[1]} is out of range for dimension ${flag[3]} of size ${flag[2]} (found on WebGPU)` });
      }
      if (dtype === "float32") return new Float32Array(raw, 0, size);
      if (dtype === "int32") return new Int32Array(raw, 0, size);
      return Uint8Array.from(new Int32Array(raw, 0, size));
    },
    stats: () => ({ ...pool.stats(), submissions: batch.submissions, pipelines: pipelines.size }),
    flush: () => {
      if (!lost) batch.flush();
    },
    sync: async () => {
      checkAlive();
      batch.flush();
      await device.queue.onSubmittedWorkDone();
      await settle();
    },
    takeFailure,
    beginScope: () => {
      const f: ScopeFrame = { created: new Set() };
      scopes.push(f);
      return f;
    },
    endScope: (frame, keep, donated) => {
      if (scopes[scopes.length - 1] !== frame)
        throw new Error("step scope: scopes on one device must close innermost first (overlapping async steps on one device are not supported)");
      scopes.pop();
      const parent = scopes[scopes.length - 1];
      for (const s of frame.created) {
        if (keep.has(s)) parent?.created.add(s);
        else ctx.release(s);
      }
      if (donated) for (const s of donated) if (!keep.has(s) && s instanceof GpuStorage) ctx.release(s);
      if (!lost) batch.flush();
    },
    destroy: () => {
      pool.trim();
      device.destroy();
    },
  };
  return backend;
};
