// What a WGSL kernel family needs from the backend: fresh storage, and a way to launch a cached pipeline in the current batch.
import type { GpuStorage } from "../GpuStorage.js";

/** One kernel launch: WGSL source (cached by text and entry point), bindings, parameter words and grid. */
export interface Launch {
  /** The kernel's name, for error messages. */
  readonly kernel: string;
  readonly wgsl: string;
  readonly entry?: string;
  /** Read-only storage bindings 1..k (binding 0 is the parameter block). */
  readonly inputs: readonly GPUBuffer[];
  /** Read-write storage bindings after the inputs. */
  readonly outputs: readonly GPUBuffer[];
  /** Parameter words, bound at binding 0 as `array<i32>` (u32 values are written as their bit pattern). */
  readonly params: readonly number[];
  /** Number of workgroups along x (split over x and y when it exceeds the per-dimension limit). */
  readonly workgroups: number;
  /** An explicit 3-D grid instead (tiled kernels: x, y tiles and z batches). */
  readonly grid?: readonly [number, number, number];
}

export interface GpuContext {
  /** New storage for `n` 4-byte elements, tracked by the innermost open scope. */
  alloc(n: number): GpuStorage;
  /** Encodes one dispatch into the current batch. */
  launch(l: Launch): void;
  /** Gives back scratch storage at once (safe: reuse waits until the batch using it is submitted). */
  release(s: GpuStorage): void;
  /** The device's bad-index flag buffer (4 words: code, value, size, axis), bound by indexing kernels. */
  readonly flags: GPUBuffer;
}

/** Threads per workgroup of the one-dimensional kernels. */
export const WG = 256;

/** Workgroups needed for `n` threads of `WG`. */
export const groupsFor = (n: number, per = WG): number => Math.ceil(n / per);
