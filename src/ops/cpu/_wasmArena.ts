// The shared WebAssembly memory the SIMD kernels run in: per-thread scratch, one instance per thread, and a heap.
//
// Memory design (docs/cpu-performance.md, docs/resource-model.md): above the module's reserved bytes and each
// thread's packing scratch lies a heap (_arenaHeap.ts). Inside CPU step scopes tensor storage is allocated there
// (_storagePool.ts), so kernels read their operands and write their results in place, on every thread, with no
// copies; outside scopes tensors keep garbage-collected typed arrays, and a kernel call copies those operands into
// temporary heap blocks and its result out. The memory grows on demand (to the next power of two of pages) and
// never shrinks (WebAssembly memories cannot); it is capped at 2 GiB, beyond which storage falls back to plain arrays.
//
// Growing a shared memory keeps every existing view valid (views cover the length they were made with; the memory
// is never moved), but `memory.buffer` is then a new SharedArrayBuffer object: `owns` recognises a view of the arena
// by its buffer being one of those the memory has returned, and a view's byteOffset is then its address.
import { kernelsWasm } from "./_wasm/kernelsWasm.js";
import { makeHeap, type ArenaHeap } from "./_arenaHeap.js";

// The few WebAssembly JS API members used here (the project's `lib` has no DOM types, Node's have none).
/** A shared WebAssembly.Memory. */
export interface WasmMemory { readonly buffer: ArrayBuffer | SharedArrayBuffer; grow(pages: number): number }
/** A compiled WebAssembly.Module (opaque; posted to workers). */
export interface WasmModule { readonly __wasmModule?: never }
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (m: WasmModule, imports: object) => { exports: object };
}

/** The exports of the kernels module (pointers are byte offsets into the arena). */
export interface KernelExports {
  readonly scratch_floats: () => number;
  readonly gemm_block: (
    a: number, transA: number, b: number, transB: number, c: number,
    m: number, k: number, n: number, i0: number, i1: number, j0: number, j1: number, scratch: number,
  ) => void;
  /** Packs columns [j0, j1) of op(B) for every k block into the shared packed B at bp (kernels.c). */
  readonly gemm_pack_b_slab: (b: number, transB: number, k: number, n: number, j0: number, j1: number, bp: number) => void;
  /** Rows [i0, i1) of C = op(A)·op(B) from op(B) packed whole at bp (kernels.c); bit-identical to gemm_block's. */
  readonly gemm_rows_packed_b: (
    a: number, transA: number, bp: number, c: number, m: number, k: number, n: number, i0: number, i1: number, scratch: number,
  ) => void;
  readonly unfold: (
    src: number, dst: number, planes: number, h: number, w: number, kh: number, kw: number, sh: number, sw: number,
    dh: number, dw: number, pt: number, pl: number, oh: number, ow: number, value: number,
  ) => void;
  readonly fold: (
    src: number, dst: number, planes: number, h: number, w: number, kh: number, kw: number, sh: number, sw: number,
    dh: number, dw: number, pt: number, pl: number, oh: number, ow: number,
  ) => void;
  /** op 0: exp, 1: sigmoid, 2: tanh, 3: neg, 4: abs, 5: sqrt (elementwise.c). */
  readonly unary: (op: number, src: number, dst: number, n: number) => void;
  /** Output elements [lo, hi) of the binary op or where described at byte pointer d (elementwise.c). */
  readonly elementwise: (d: number, lo: number, hi: number) => void;
  /** Block b of a convolution job (kind 0: forward, 1: input gradient, 2: weight gradient) described at byte pointer d (conv.c). */
  readonly conv_block: (kind: number, d: number, b: number, scratch: number) => void;
  /** Packs a convolution job's weights once at its descriptor's D_AP (conv.c; kind 0: W, 1: Wᵀ). */
  readonly conv_pack: (kind: number, d: number) => void;
  /** dst = the sum of `count` consecutive arrays of n floats at src, added in order. */
  readonly sum_partials: (src: number, dst: number, count: number, n: number) => void;
  /** Copies a 4-axis box of 4-byte elements between strided layouts (layout.c; strides in elements). */
  readonly strided_copy: (
    src: number, dst: number, n0: number, n1: number, n2: number, n3: number,
    s0: number, s1: number, s2: number, s3: number, d0: number, d1: number, d2: number, d3: number,
  ) => void;
  /** Adds src's rows into the zeroed dst at rows idx (index_add along an axis; layout.c). */
  readonly index_add_rows: (src: number, idx: number, dst: number, outer: number, n: number, k: number, inner: number) => void;
  /** Reduces n floats at x over the merged runs described at w into nout outputs at out (reduce.c; op 0 sum, 1 prod, 2 max, 3 min). */
  readonly reduce_runs: (op: number, x: number, n: number, w: number, nd: number, lastReduced: number, accd: number, out: number, nout: number) => void;
  /** Broadcasts the 4-byte elements at src into o over the nd merged output runs described at w (reduce.c). */
  readonly expand_runs: (src: number, o: number, w: number, nd: number) => void;
  /** Block b of the max pooling, row-wise gather or scatterAdd job described at byte pointer d (pool.c). */
  readonly pool_block: (d: number, b: number) => void;
  /** Writes the window taps of the POOL_ANY job described at byte pointer d (pool.c). */
  readonly pool_taps: (d: number) => void;
  /** One Adam/AdamW update of n elements (optim.c; s: byte pointer to its nine float32 scalars). */
  readonly adam_step: (flags: number, s: number, g: number, p: number, m: number, v: number, vmax: number, u: number, mo: number, vo: number, vmaxo: number, n: number) => void;
  /** One SGD update of n elements (optim.c). */
  readonly sgd_step: (flags: number, wd: number, mu: number, damp: number, scale: number, g: number, p: number, buf: number, u: number, bo: number, n: number) => void;
  /** One RMSprop update of n elements (optim.c; s: byte pointer to its six float32 scalars). */
  readonly rmsprop_step: (flags: number, s: number, g: number, p: number, sq: number, ga: number, buf: number, u: number, sqo: number, gao: number, bufo: number, n: number) => void;
  /** One Adagrad update of n elements (optim.c). */
  readonly adagrad_step: (flags: number, wd: number, negClr: number, eps: number, g: number, p: number, sum: number, u: number, sumo: number, n: number) => void;
  /** Floats of thread scratch a block of the Winograd job described at byte pointer d needs (winograd.c). */
  readonly wino_scratch_floats: (d: number) => number;
  /** Block b of the Winograd transform job described at byte pointer d (winograd.c). */
  readonly wino_block: (d: number, b: number, scratch: number) => void;
}

export interface Arena {
  readonly memory: WasmMemory;
  readonly module: WasmModule;
  /** The calling thread's instance. */
  readonly exports: KernelExports;
  /** Threads the arena has scratch for (the caller is thread 0). */
  readonly threads: number;
  /** Byte offset of thread t's packing scratch. */
  readonly scratch: (t: number) => number;
  /** A float32 view of the whole arena (take it after any heap allocation, which may grow the memory). */
  readonly f32: () => Float32Array<ArrayBufferLike>;
  /** The same memory as int32 words (descriptors). */
  readonly i32: () => Int32Array<ArrayBufferLike>;
  /** The same memory as bytes (bool operands). */
  readonly u8: () => Uint8Array<ArrayBufferLike>;
  /** The heap that resident storage and per-call temporaries (staged operands, results outside scopes) come from. */
  readonly heap: ArenaHeap;
  /** The memory's current buffer. */
  readonly buffer: () => SharedArrayBuffer;
  /** True when `b` is a buffer this memory has returned: a view of it lives in the arena, at its byteOffset. */
  readonly owns: (b: ArrayBufferLike) => boolean;
}

const PAGE = 65536;
/** Bytes below this belong to the module itself (its unused stack pointer and nothing else). */
const RESERVED = 1 << 20;
const MAX_PAGES = 32768; // 2 GiB, as linked (--max-memory)

/** Threads in all: RIVULET_CPU_THREADS if set (1 turns workers off), else one per core, at most 32. */
export const threadCount = (): number => {
  const env = Number(globalThis.process?.env?.["RIVULET_CPU_THREADS"] || "");
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 64);
  const os = globalThis.process?.getBuiltinModule?.("node:os");
  const cores = os?.availableParallelism?.() ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(cores, 32));
};

const decode = (b64: string): Uint8Array => {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
};

const create = (): Arena | null => {
  const WebAssembly = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (WebAssembly === undefined || typeof SharedArrayBuffer === "undefined") return null;
  if (globalThis.process?.env?.["RIVULET_CPU_WASM"] === "0") return null;
  const module = new WebAssembly.Module(decode(kernelsWasm));
  const threads = threadCount();
  const memory = new WebAssembly.Memory({ initial: RESERVED / PAGE, maximum: MAX_PAGES, shared: true });
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  const scratchBytes = Math.ceil((exports.scratch_floats() * 4) / PAGE) * PAGE;
  const buffers = new WeakSet<ArrayBufferLike>();
  let current = memory.buffer as SharedArrayBuffer;
  buffers.add(current);
  const buffer = (): SharedArrayBuffer => {
    const b = memory.buffer as SharedArrayBuffer;
    if (b !== current) buffers.add((current = b));
    return b;
  };
  const grow = (end: number): boolean => {
    const have = buffer().byteLength;
    if (end <= have) return true;
    if (end > MAX_PAGES * PAGE) return false;
    // to the next power of two, so that a slowly growing workload does not grow the memory every call
    const want = Math.min(MAX_PAGES, Math.max(Math.ceil(end / PAGE), 2 ** Math.ceil(Math.log2(end / PAGE))));
    try {
      memory.grow(want - have / PAGE);
    } catch {
      return false; // the engine could not reserve more: callers fall back to plain arrays
    }
    buffer();
    return true;
  };
  const heap = makeHeap(RESERVED + threads * scratchBytes, MAX_PAGES * PAGE, grow);
  let view: Float32Array<ArrayBufferLike> = new Float32Array(0);
  const f32 = (): Float32Array<ArrayBufferLike> => {
    const b = buffer();
    if (view.buffer !== b) view = new Float32Array(b);
    return view;
  };
  let words: Int32Array<ArrayBufferLike> = new Int32Array(0);
  const i32 = (): Int32Array<ArrayBufferLike> => {
    const b = buffer();
    if (words.buffer !== b) words = new Int32Array(b);
    return words;
  };
  let bytes: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  const u8 = (): Uint8Array<ArrayBufferLike> => {
    const b = buffer();
    if (bytes.buffer !== b) bytes = new Uint8Array(b);
    return bytes;
  };
  return { memory, module, exports, threads, scratch: (t) => RESERVED + t * scratchBytes, f32, i32, u8, heap, buffer, owns: (b) => buffers.has(b) };
};

let arena: Arena | null | undefined;

/** The arena, created on first use; null where shared WebAssembly memory is unavailable (then the TypeScript kernels run). */
export const getArena = (): Arena | null => {
  if (arena === undefined) {
    try {
      arena = create();
    } catch {
      arena = null; // no SIMD, no threads support in this engine, or the memory could not be reserved
    }
  }
  return arena;
};
