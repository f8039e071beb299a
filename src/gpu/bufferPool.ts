// A pool of GPU storage buffers keyed by size class: released buffers are reused instead of created, so a training loop's memory stays flat.

/** Usage of every tensor buffer: read and written by kernels, copied in (upload) and out (readback). */
const STORAGE_USAGE = 0x80 /* STORAGE */ | 0x4 /* COPY_SRC */ | 0x8 /* COPY_DST */;

/**
 * The size class a request is served from: 256 bytes at least, then four classes per power of two
 * (at most 25% waste, and a steady-state loop reuses exactly the buffers it freed).
 */
export const sizeClass = (bytes: number): number => {
  if (bytes <= 256) return 256;
  const step = 2 ** (Math.floor(Math.log2(bytes - 1)) - 2);
  return Math.ceil(bytes / step) * step;
};

/** Counters a test or a progress bar can watch. */
export interface PoolStats {
  /** Bytes in buffers held by live tensors (or by commands not yet submitted). */
  readonly liveBytes: number;
  /** Bytes in every buffer the pool has created and not destroyed (live + free). */
  readonly allocatedBytes: number;
  readonly liveBuffers: number;
  readonly freeBuffers: number;
  /** Buffers created so far (a flat training loop stops creating after its first step). */
  readonly created: number;
}

/**
 * Hands out storage buffers by size class. Released buffers wait in `pending` until the batch that may still
 * read them is submitted (`recycle`), because queue writes run before any not-yet-submitted command.
 */
export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pending: GPUBuffer[] = [];
  private live = 0;
  private liveCount = 0;
  private total = 0;
  private freeCount = 0;
  private createdCount = 0;

  constructor(
    private readonly device: GPUDevice,
    /** Called with the size of each newly created buffer, so its allocation can be checked for out-of-memory. */
    private readonly onCreate: (bytes: number, create: () => GPUBuffer) => GPUBuffer,
  ) {}

  /** A buffer of at least `bytes` bytes (its contents are undefined: kernels overwrite what they own). */
  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    let buf = list?.pop();
    if (buf) this.freeCount--;
    else {
      buf = this.onCreate(size, () => this.device.createBuffer({ size, usage: STORAGE_USAGE }));
      this.total += size;
      this.createdCount++;
    }
    this.live += size;
    this.liveCount++;
    return buf;
  }

  /** Returns a buffer; it becomes reusable at the next `recycle` (after the current batch is submitted). */
  release(buf: GPUBuffer): void {
    this.live -= buf.size;
    this.liveCount--;
    this.pending.push(buf);
  }

  /** Makes buffers released before the last submission reusable. */
  recycle(): void {
    for (const buf of this.pending) {
      const list = this.free.get(buf.size);
      if (list) list.push(buf);
      else this.free.set(buf.size, [buf]);
      this.freeCount++;
    }
    this.pending = [];
  }

  /** Destroys every free buffer (live ones stay), returning the bytes given back to the driver. */
  trim(): number {
    let freed = 0;
    for (const list of this.free.values())
      for (const buf of list.splice(0)) {
        freed += buf.size;
        buf.destroy();
      }
    this.total -= freed;
    this.freeCount = 0;
    return freed;
  }

  stats(): PoolStats {
    return { liveBytes: this.live, allocatedBytes: this.total, liveBuffers: this.liveCount, freeBuffers: this.freeCount, created: this.createdCount };
  }
}
