// The allocator of the WebAssembly arena's heap: size classes with free lists over a bump pointer that grows the memory.
//
// Blocks are 64-byte aligned and sized to a class: a power of two or one of its quarter steps (4, 5, 6, 7 × 2^k),
// so a block wastes under a quarter of its bytes. A freed block goes to its class's free list and is reused whole
// for a later request of the same class; blocks are never split or merged. That bounds the heap: it never holds
// more than, summed over classes, the most bytes of that class live at once (plus the reserve below) — a step that
// repeats its allocations allocates nothing new after its first run. When the bump pointer reaches the cap (or the
// caller forbids new space), a request takes a free block of a larger class (up to twice its size) before giving up.

/** A heap block: its byte offset and class size, and a generation bumped each time it is freed (stale views compare it). */
export interface HeapBlock {
  readonly offset: number;
  readonly bytes: number;
  gen: number;
  live: boolean;
}

/** A heap over [base, cap) of a linear memory; `grow(end)` makes bytes below `end` addressable (false when it cannot). */
export interface ArenaHeap {
  /** A block of at least `bytes` bytes, or null when the heap is at its cap (`grow: false`: only a free block, no new space). */
  alloc(bytes: number, grow?: boolean): HeapBlock | null;
  /** Returns a live block to its free list (bumping its generation); a block already free is left alone. */
  free(block: HeapBlock): void;
  /** Bytes handed out by the bump pointer so far (live and free). */
  readonly reserved: () => number;
  /** Bytes in the free lists. */
  readonly freeBytes: () => number;
  /** Bytes in live blocks. */
  readonly liveBytes: () => number;
}

/** Every block is aligned to, and a multiple of, this many bytes. */
export const HEAP_ALIGN = 64;

/** The class size of a request: up to 256 bytes the next multiple of 64, above it the smallest 4, 5, 6 or 7 × 2^k (k ≥ 6) that holds it. */
export const sizeClass = (bytes: number): number => {
  if (bytes <= 4 * HEAP_ALIGN) return Math.max(1, Math.ceil(bytes / HEAP_ALIGN)) * HEAP_ALIGN;
  const k = Math.max(6, Math.floor(Math.log2(bytes)) - 2);
  for (let kk = k; ; kk++) for (const q of [4, 5, 6, 7]) if (q * 2 ** kk >= bytes) return q * 2 ** kk;
};

/** A heap whose first block starts at `base` (a multiple of 64) and whose blocks end at or below `cap`. */
export const makeHeap = (base: number, cap: number, grow: (end: number) => boolean): ArenaHeap => {
  if (base % HEAP_ALIGN !== 0) throw new Error(`arena heap: base ${base} is not a multiple of ${HEAP_ALIGN}`);
  const lists = new Map<number, HeapBlock[]>();
  let top = base, freeBytes = 0, liveBytes = 0;
  const takeFree = (size: number): HeapBlock | null => {
    const b = lists.get(size)?.pop();
    if (b === undefined) return null;
    freeBytes -= b.bytes;
    return b;
  };
  const alloc = (bytes: number, mayGrow = true): HeapBlock | null => {
    if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new Error(`arena heap: cannot allocate ${bytes} bytes`);
    const size = sizeClass(Math.max(1, bytes));
    let b = takeFree(size);
    if (b === null && mayGrow && top + size <= cap && grow(top + size)) {
      b = { offset: top, bytes: size, gen: 0, live: false };
      top += size;
    }
    // At the cap: any free block of a larger class up to twice the size, rather than failing.
    for (let s = sizeClass(size + 1); b === null && s <= 2 * size; s = sizeClass(s + 1)) b = takeFree(s);
    if (b === null) return null;
    b.live = true;
    liveBytes += b.bytes;
    return b;
  };
  const free = (b: HeapBlock): void => {
    if (!b.live) return;
    b.live = false;
    b.gen++;
    liveBytes -= b.bytes;
    freeBytes += b.bytes;
    let list = lists.get(b.bytes);
    if (list === undefined) lists.set(b.bytes, (list = []));
    list.push(b);
  };
  return { alloc, free, reserved: () => top - base, freeBytes: () => freeBytes, liveBytes: () => liveBytes };
};
