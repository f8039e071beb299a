// The storage of one WebGPU tensor: a pooled buffer with identity, shared by reshapes, released by its scope or by the garbage collector.

/** What the finalizer needs to give a buffer back without keeping its storage alive. */
export interface Allocation {
  readonly buffer: GPUBuffer;
  /** Bytes the tensor's elements occupy (the buffer may be larger: size classes). */
  readonly bytes: number;
  released: boolean;
}

/**
 * A tensor's GPU storage. Tensors never write into storage they did not just create, so a reshape shares it
 * (same object); whatever owns the object last — a scope or the garbage collector — gives the buffer back once.
 */
export class GpuStorage {
  constructor(
    /** The backend that made it (kernels refuse storage from another device). */
    readonly owner: object,
    readonly alloc: Allocation,
  ) {}

  /** The buffer, or a clear error when its scope has already released it. */
  get buffer(): GPUBuffer {
    if (this.alloc.released)
      throw new Error(
        "webgpu: this tensor's GPU memory was released when the step scope that created it closed (trainStep, runStep, deviceRuntime(device).step); return it from the step (or create it outside) to keep it",
      );
    return this.alloc.buffer;
  }
}
