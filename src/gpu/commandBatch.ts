// Lazy submission: every dispatch of a step goes into one command encoder, submitted only before a readback, at scope end, or when full.
import type { BufferPool } from "./bufferPool.js";
import type { CachedPipeline } from "./pipelineCache.js";

/** Parameter blocks are bound at offsets that are multiples of this (the WebGPU default storage-offset alignment). */
const SLOT = 256;
/** The parameter arena of one batch; a batch that fills it is submitted and a new one begins. */
const ARENA_BYTES = 1 << 18;
/** Dispatches per submission at most, so a long loop without readbacks still feeds the GPU. */
const MAX_DISPATCHES = 1024;
const MAX_GROUPS = 65535;

/**
 * One open command encoder and compute pass. Parameters of every dispatch are packed into a host arena and written
 * to the GPU with one queue write just before submission (queue writes run before the commands submitted after them).
 */
export class CommandBatch {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly arena: GPUBuffer;
  private readonly host = new ArrayBuffer(ARENA_BYTES);
  private readonly words = new Int32Array(this.host);
  private used = 0;
  private dispatches = 0;
  /** Submissions so far (a training step should cost a handful). */
  submissions = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly pool: BufferPool,
    private readonly onValidation: (check: Promise<GPUError | null>) => void,
  ) {
    this.arena = device.createBuffer({ size: ARENA_BYTES, usage: 0x80 /* STORAGE */ | 0x8 /* COPY_DST */ });
  }

  private begin(): GPUCommandEncoder {
    if (!this.encoder) {
      this.device.pushErrorScope("validation");
      this.encoder = this.device.createCommandEncoder();
    }
    return this.encoder;
  }

  /** Encodes one dispatch; `buffers` are the inputs then the outputs, in binding order after the parameters. */
  dispatch(p: CachedPipeline, params: readonly number[], buffers: readonly GPUBuffer[], workgroups: number | readonly [number, number, number]): void {
    const grid = typeof workgroups === "number" ? null : workgroups;
    if (grid ? grid[0] * grid[1] * grid[2] <= 0 : (workgroups as number) <= 0) return;
    const bytes = Math.max(4, params.length * 4);
    const span = Math.ceil(bytes / SLOT) * SLOT;
    if (span > ARENA_BYTES) throw new Error(`webgpu: kernel parameters too large (${bytes} bytes)`);
    if (this.used + span > ARENA_BYTES || this.dispatches >= MAX_DISPATCHES) this.flush();
    const enc = this.begin();
    const at = this.used;
    for (let i = 0; i < params.length; i++) this.words[at / 4 + i] = params[i]! | 0;
    this.used += span;
    this.dispatches++;
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.arena, offset: at, size: bytes } }];
    buffers.forEach((buffer, i) => entries.push({ binding: i + 1, resource: { buffer } }));
    const group = this.device.createBindGroup({ layout: p.layout, entries });
    this.pass ??= enc.beginComputePass();
    this.pass.setPipeline(p.pipeline);
    this.pass.setBindGroup(0, group);
    if (grid) this.pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    else {
      const n = workgroups as number;
      const x = Math.min(n, MAX_GROUPS);
      this.pass.dispatchWorkgroups(x, Math.ceil(n / x));
    }
  }

  /** Encodes a buffer copy in order with the dispatches around it. */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    if (bytes <= 0) return;
    const enc = this.begin();
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    enc.copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Submits what was encoded (if anything); buffers released meanwhile become reusable. */
  flush(): void {
    if (this.encoder) {
      if (this.pass) this.pass.end();
      if (this.used > 0) this.device.queue.writeBuffer(this.arena, 0, this.host, 0, this.used);
      this.device.queue.submit([this.encoder.finish()]);
      this.onValidation(this.device.popErrorScope());
      this.submissions++;
      this.encoder = null;
      this.pass = null;
      this.used = 0;
      this.dispatches = 0;
    }
    this.pool.recycle();
  }
}
