// The tagged errors of the WebGPU backend: what failed (adapter, device, memory, a shader) and Dawn's own words for why.
import { Data } from "effect";

/** No usable WebGPU adapter or device: Dawn's reason, or why rivulet declined the one it found (a software adapter). */
export class GpuUnavailable extends Data.TaggedError("GpuUnavailable")<{
  readonly reason: string;
  readonly message: string;
}> {}

/** The device was lost (destroyed, driver reset, or the process's GPU went away); every later use fails. */
export class DeviceLost extends Data.TaggedError("DeviceLost")<{
  readonly reason: string;
  readonly message: string;
}> {}

/** A buffer allocation failed (caught with pushErrorScope("out-of-memory")). */
export class OutOfMemory extends Data.TaggedError("OutOfMemory")<{
  readonly bytes: number;
  readonly liveBytes: number;
  readonly message: string;
}> {}

/** A WGSL kernel did not compile: the kernel, the line and its text, and the compiler's message. */
export class ShaderCompilationError extends Data.TaggedError("ShaderCompilationError")<{
  readonly kernel: string;
  readonly line: number;
  readonly column: number;
  readonly sourceLine: string;
  readonly message: string;
}> {}

/** Dawn rejected a command (a bug in a rivulet kernel, or a limit of this adapter exceeded). */
export class GpuValidationError extends Data.TaggedError("GpuValidationError")<{
  readonly message: string;
}> {}

/** A kernel found bad input on the device (an index out of range); reported at the next readback, as CUDA's device asserts are. */
export class GpuKernelError extends Data.TaggedError("GpuKernelError")<{
  readonly kernel: string;
  readonly message: string;
}> {}

/** Any failure the WebGPU backend reports after a device was acquired. */
export type GpuError = DeviceLost | OutOfMemory | ShaderCompilationError | GpuValidationError | GpuKernelError;
