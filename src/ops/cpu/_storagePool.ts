// The CPU's step-scoped storage: arrays allocated while a step scope is open are recorded, and those the step does not keep are released to a bounded free list.
import type { AnyTypedArray, DType } from "../dtype.js";

const ctors = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;

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
/** The most bytes the free list holds (RIVULET_CPU_POOL_MB, default 256); released buffers beyond it are dropped. */
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

/**
 * An array for `n` elements of `dtype`: fresh outside step scopes; inside one, recycled from the free list when a
 * buffer of that byte length is there, and recorded in the scope. `zeroed: false` is for kernels that write every element.
 */
export const allocStorage = (dtype: DType, n: number, zeroed = true): AnyTypedArray => {
  const frame = frames[frames.length - 1];
  if (frame === undefined) return new ctors[dtype](n);
  const bytes = n * ctors[dtype].BYTES_PER_ELEMENT;
  const buf = bytes >= POOL_MIN_BYTES ? take(bytes) : undefined;
  const a = buf === undefined ? new ctors[dtype](n) : new ctors[dtype](buf);
  if (buf !== undefined && zeroed) a.fill(0);
  frame.created.push(a);
  made.add(a);
  return a;
};

/** True when `a` (storage of a tensor with `size` elements) was released by the step scope that created it. */
export const isReleased = (a: unknown, size: number): boolean =>
  ArrayBuffer.isView(a) && (released.has(a as AnyTypedArray) || (size > 0 && a.byteLength === 0));

/** Throws the error for a tensor used after its step scope released it. */
export const assertLive = (op: string, a: unknown, size: number): void => {
  if (isReleased(a, size))
    throw new Error(
      `${op}: this tensor's CPU memory was released when the step scope that created it closed (trainStep, trainRun, deviceRuntime(device).step); return it from the step (or create it outside) to keep it`,
    );
};

const release = (a: AnyTypedArray): void => {
  const b = a.buffer;
  if (b.byteLength === 0) return;
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
  const kept = new Set<ArrayBufferLike>();
  for (const s of keep) if (ArrayBuffer.isView(s)) kept.add(s.buffer);
  for (const a of (frame as Frame).created) {
    if (kept.has(a.buffer)) parent?.created.push(a);
    else release(a);
  }
  // Donated arrays not created by a scope (the user's own, or made outside every scope) are left to the collector.
  if (donated) for (const s of donated) if (ArrayBuffer.isView(s) && !kept.has(s.buffer) && made.has(s as AnyTypedArray)) release(s as AnyTypedArray);
};

/** The free list's size in bytes (for tests and the memory figures). */
export const cpuPoolBytes = (): number => freeBytes;

/** Sets the free list's bound in bytes, dropping what it holds beyond it (tests use a small one). */
export const setCpuPoolLimit = (bytes: number): void => {
  limitBytes = bytes;
  for (const [size, list] of free)
    while (freeBytes > limitBytes && list.length > 0) {
      list.pop();
      freeBytes -= size;
    }
};
