// The CPU's step-scoped storage: arrays allocated while a step scope is open live in the WebAssembly arena's heap (resident), are recorded, and those the step does not keep are freed.
//
// Inside a scope an array of at least POOL_MIN_BYTES is a view of a heap block (kernels then read and write it in
// place); without an arena (RIVULET_CPU_WASM=0, no shared memory) or with the heap at its cap it is a plain array,
// recycled through a bounded free list of detached buffers as before. Smaller arrays, and every array allocated
// outside scopes, are plain and left to the garbage collector. Who frees a resident block:
// - the scope that made it, at its end, unless the step's result reaches it (then the enclosing scope owns it);
// - a later step it is donated to, unless that step's result reaches it;
// - otherwise (kept past the outermost scope and never donated) a FinalizationRegistry, once the array is garbage:
//   such memory returns to the heap only when the collector runs.
// A freed block is reused by the next allocation of its size class, so a released view would see another tensor's
// numbers: each view records its block's generation, and `assertLive` compares it before every read.
import type { AnyTypedArray, DType } from "../dtype.js";
import type { HeapBlock } from "./_arenaHeap.js";
import { getArena, type Arena } from "./_wasmArena.js";

const ctors = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;
const views: Record<DType, (b: SharedArrayBuffer, offset: number, n: number) => AnyTypedArray> = {
  float32: (b, o, n) => new Float32Array(b, o, n),
  int32: (b, o, n) => new Int32Array(b, o, n),
  bool: (b, o, n) => new Uint8Array(b, o, n),
};

/** An open CPU step scope: the arrays allocated while it is innermost. */
interface Frame {
  readonly created: AnyTypedArray[];
}

// Below this size a fresh array is as cheap as recycling one (detaching costs a few microseconds): small arrays are
// only marked released (for the error on later use) and left to the garbage collector.
const POOL_MIN_BYTES = 4096;

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
/** Whether CPU step scopes are on (RIVULET_CPU_POOL=0 turns them off, for comparisons: every array is then fresh). */
export const cpuPoolEnabled = env["RIVULET_CPU_POOL"] !== "0";
/**
 * The most bytes the free list holds (RIVULET_CPU_POOL_MB, default 256; released buffers beyond it are dropped), and
 * the most heap bytes kept past every scope that may await the collector before the heap stops taking new space.
 */
const poolMb = Number(env["RIVULET_CPU_POOL_MB"] ?? 256);
if (!Number.isFinite(poolMb) || poolMb < 0)
  throw new Error(`RIVULET_CPU_POOL_MB must be a number of megabytes >= 0, got ${JSON.stringify(env["RIVULET_CPU_POOL_MB"])}`);
let limitBytes = poolMb * 2 ** 20;

const frames: Frame[] = [];
const free = new Map<number, ArrayBuffer[]>();
let freeBytes = 0;
// Arrays released by a scope (checked before any read). No storage array reaches user code (dataSync and data
// return copies, and a user's own array given to fromTyped is never recorded), so none needs protecting from reuse.
const released = new WeakSet<AnyTypedArray>();
// Arrays allocated inside a scope: the only donated storage released (never a user's array, nor one made outside scopes).
const made = new WeakSet<AnyTypedArray>();

const take = (bytes: number): ArrayBuffer | undefined => {
  const list = free.get(bytes);
  const buf = list?.pop();
  if (buf !== undefined) freeBytes -= bytes;
  return buf;
};

/** A resident array's block and the block's generation when the array was made (a different one: released). */
interface Resident {
  readonly block: HeapBlock;
  readonly gen: number;
}
const resident = new WeakMap<AnyTypedArray, Resident>();
// Resident arrays kept past every scope and never donated go back to the heap when collected.
const collected = new FinalizationRegistry<Resident>((r) => freeResident(r));
let arena: Arena | null | undefined;
// Zeros copied into recycled blocks: `.set` from a plain array is several times faster than `.fill(0)` on shared memory.
const zeros = new Uint8Array(1 << 16);

const freeResident = (r: Resident): void => {
  if (r.block.gen !== r.gen || !r.block.live) return;
  if (escaped.delete(r.block)) escapedBytes -= r.block.bytes;
  arena!.heap.free(r.block);
};

const zeroFill = (a: AnyTypedArray): void => {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  for (let at = 0; at < bytes.length; at += zeros.length) bytes.set(bytes.length - at >= zeros.length ? zeros : zeros.subarray(0, bytes.length - at), at);
};

// Resident arrays kept past every scope are freed by the collector, but the collector cannot see the heap's memory:
// a view is a few bytes of JavaScript heap, and a loop that keeps each step's new parameters (trainStep on the CPU
// donates nothing) would fill the arena long before a major collection ran. Such an array therefore holds an
// untouched ArrayBuffer of its size: V8 counts it as external memory, so the collections come as they would for
// plain arrays (and large ones are zero pages the OS never commits). Only once the memory awaiting the collector
// outgrows what the last step kept (twice that, plus 1 MiB), though: a loop that donates its previous state
// (deviceRuntime(device).step with donate) frees what it kept one step later, and allocating, then collecting, a
// ballast of every parameter and optimizer moment each step cost it for nothing.
// Collections only free memory once the event loop runs the registry's callbacks, which a loop that never yields
// (synchronous steps, or awaits of settled promises) does not allow: so while more than the pool bound
// (RIVULET_CPU_POOL_MB) of such memory awaits the collector, new storage is plain arrays.
const ballast = new WeakMap<AnyTypedArray, ArrayBuffer>();
const escaped = new Set<HeapBlock>();
let escapedBytes = 0;
// Bytes kept past every scope by the outermost scope closing now, and by the one before it.
let keptNow = 0, keptBefore = 0;
let ballastMade = 0;
const escape = (a: AnyTypedArray): void => {
  const r = resident.get(a)!;
  if (r.block.gen !== r.gen) return;
  // Registered only now: the arrays a scope releases (nearly all of them) never need the registry.
  collected.register(a, r);
  if (escaped.has(r.block)) return;
  if (escapedBytes > 2 * keptBefore + 2 ** 20) {
    ballast.set(a, new ArrayBuffer(a.byteLength));
    ballastMade += a.byteLength;
  }
  escaped.add(r.block);
  escapedBytes += r.block.bytes;
  keptNow += r.block.bytes;
};

/** A view of a fresh heap block for `n` elements, or undefined without an arena or with the heap full. */
const residentArray = (dtype: DType, n: number, bytes: number): AnyTypedArray | undefined => {
  // Over the bound, storage is plain: the heap's free blocks are left to the kernels' temporaries, which a result kept
  // past the scope would otherwise take, making the next temporary grow the heap (one block per step).
  if (escapedBytes > limitBytes) return undefined;
  arena ??= getArena();
  const block = arena?.heap.alloc(bytes);
  if (!block) return undefined;
  const a = views[dtype](arena!.buffer(), block.offset, n);
  const r = { block, gen: block.gen };
  resident.set(a, r);
  return a;
};

/** The live heap block `a` is a view of, if it is resident storage still holding its numbers. */
const residentBlock = (a: AnyTypedArray): Resident | undefined => {
  const r = resident.get(a);
  return r !== undefined && r.block.gen === r.gen ? r : undefined;
};

/**
 * An array for `n` elements of `dtype`: fresh outside step scopes; inside one, a view of an arena heap block when
 * large (else recycled from the free list when a buffer of that byte length is there, else fresh), recorded in the
 * scope. `zeroed: false` is for kernels that write every element.
 */
export const allocStorage = (dtype: DType, n: number, zeroed = true): AnyTypedArray => {
  const frame = frames[frames.length - 1];
  if (frame === undefined) return new ctors[dtype](n);
  const bytes = n * ctors[dtype].BYTES_PER_ELEMENT;
  let a: AnyTypedArray | undefined;
  if (bytes >= POOL_MIN_BYTES) {
    a = residentArray(dtype, n, bytes);
    if (a !== undefined) {
      if (zeroed) zeroFill(a);
    } else {
      const buf = take(bytes);
      if (buf !== undefined) {
        a = new ctors[dtype](buf);
        if (zeroed) a.fill(0);
      }
    }
  }
  a ??= new ctors[dtype](n);
  frame.created.push(a);
  made.add(a);
  return a;
};

/** True when `a` (storage of a tensor with `size` elements) was released by the step scope that created it. */
export const isReleased = (a: unknown, size: number): boolean => {
  if (!ArrayBuffer.isView(a)) return false;
  const r = resident.get(a as AnyTypedArray);
  if (r !== undefined) return r.block.gen !== r.gen;
  return released.has(a as AnyTypedArray) || (size > 0 && a.byteLength === 0);
};

/** Throws the error for a tensor used after its step scope released it. */
export const assertLive = (op: string, a: unknown, size: number): void => {
  if (isReleased(a, size))
    throw new Error(
      `${op}: this tensor's CPU memory was released when the step scope that created it closed (trainStep, trainRun, deviceRuntime(device).step); return it from the step (or create it outside) to keep it`,
    );
};

const release = (a: AnyTypedArray): void => {
  const bytes = a.byteLength;
  if (bytes === 0) return; // empty, or already detached
  // Small arrays (every array a scope makes below POOL_MIN_BYTES is its own) are neither resident nor recycled: only
  // marked, without reading `a.buffer`, which makes V8 move a small array's elements out to a new ArrayBuffer.
  if (bytes < POOL_MIN_BYTES) {
    released.add(a);
    return;
  }
  const r = resident.get(a);
  if (r !== undefined) return freeResident(r);
  const b = a.buffer;
  released.add(a);
  if (b.byteLength < POOL_MIN_BYTES || !(b instanceof ArrayBuffer)) return;
  // Transferring detaches `b` (every view of it now has length 0, so later reads fail loudly instead of seeing
  // another tensor's numbers) and moves its memory, without copying, to a buffer only the free list holds.
  const moved = structuredClone(b, { transfer: [b] });
  if (freeBytes + moved.byteLength > limitBytes) return;
  let list = free.get(moved.byteLength);
  if (list === undefined) free.set(moved.byteLength, (list = []));
  list.push(moved);
  freeBytes += moved.byteLength;
};

/**
 * What keeping `a` keeps: its heap block when resident (every resident array shares the arena's buffer), else its
 * buffer (a reshape shares the array itself, so both tensors keep each other's memory either way).
 */
const storageKey = (a: AnyTypedArray): unknown => residentBlock(a)?.block ?? a.buffer;

/** Opens a CPU step scope (`ScopedMemory.beginScope`). */
export const beginCpuScope = (): unknown => {
  const f: Frame = { created: [] };
  frames.push(f);
  return f;
};

/**
 * Closes the innermost CPU step scope (`ScopedMemory.endScope`): arrays it recorded whose buffer `keep` does not
 * reach are released (kept ones move to the enclosing scope), and so are the `donated` arrays `keep` does not reach.
 * Keeping is by buffer, so tensors sharing storage (a reshape) keep each other's memory.
 */
export const endCpuScope = (frame: unknown, keep: ReadonlySet<unknown>, donated?: ReadonlySet<unknown>): void => {
  if (frames[frames.length - 1] !== frame)
    throw new Error("step scope: scopes on one device must close innermost first (overlapping async steps on one device are not supported)");
  frames.pop();
  const parent = frames[frames.length - 1];
  const kept = new Set<unknown>();
  keptNow = 0;
  for (const s of keep) if (ArrayBuffer.isView(s)) kept.add(storageKey(s as AnyTypedArray));
  for (const a of (frame as Frame).created) {
    if (!kept.has(storageKey(a))) release(a);
    else if (parent !== undefined) parent.created.push(a);
    else if (resident.has(a)) escape(a);
  }
  // Donated arrays not created by a scope (the user's own, or made outside every scope) are left to the collector.
  if (donated)
    for (const s of donated)
      if (ArrayBuffer.isView(s) && made.has(s as AnyTypedArray) && !kept.has(storageKey(s as AnyTypedArray))) release(s as AnyTypedArray);
  if (parent === undefined) keptBefore = keptNow;
};

/** Bytes free for reuse: the free list's plus the arena heap's (for tests and the memory figures). */
export const cpuPoolBytes = (): number => freeBytes + (arena?.heap.freeBytes() ?? 0);

/** Where step-scoped CPU memory is: the plain free list; the arena heap's free, live and reserved (ever bumped) bytes; the heap bytes kept past every scope, awaiting the collector; and the ballast made for them so far. */
export const cpuMemoryStats = (): { freeListBytes: number; heapFreeBytes: number; heapLiveBytes: number; heapReservedBytes: number; escapedBytes: number; ballastBytesMade: number } => ({
  freeListBytes: freeBytes,
  escapedBytes,
  ballastBytesMade: ballastMade,
  heapFreeBytes: arena?.heap.freeBytes() ?? 0,
  heapLiveBytes: arena?.heap.liveBytes() ?? 0,
  heapReservedBytes: arena?.heap.reserved() ?? 0,
});

/** True when `a` is storage living in the WebAssembly arena's heap (whether or not since released). */
export const isResident = (a: AnyTypedArray): boolean => resident.has(a);

/** Sets the pool bound in bytes (the plain free list's, dropping what it holds beyond it, and the heap's collector-owned bytes; tests use a small one); the arena heap cannot shrink. */
export const setCpuPoolLimit = (bytes: number): void => {
  limitBytes = bytes;
  for (const [size, list] of free)
    while (freeBytes > limitBytes && list.length > 0) {
      list.pop();
      freeBytes -= size;
    }
};
