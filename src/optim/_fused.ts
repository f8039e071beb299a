// When an optimizer takes the fused CPU update (one pass per parameter, src/ops/cpu/optimizerKernels.ts) instead of its ops.
import { Tensor } from "../ops/Tensor.js";
import { cpuDevice } from "../ops/device.js";
import { isRecording } from "../ops/_tape.js";

let enabled = globalThis.process?.env?.["RIVULET_CPU_FUSED_OPTIM"] !== "0";

/**
 * True when the fused update may replace the ops for these tensors: all float32 CPU tensors, and no gradient being
 * recorded through them (the fused update records no tape node). Other devices (WebGPU) and traced updates run the ops.
 */
export const fusable = (ts: readonly (Tensor | null)[]): boolean =>
  enabled &&
  ts.every((t) => t === null || (t.device === cpuDevice && t.dtype === "float32" && t.storage instanceof Float32Array && t.storage.length === t.size)) &&
  !(isRecording() && ts.some((t) => t?.requiresGrad === true));

/** The storage of a tensor `fusable` accepted. */
export const f32 = (t: Tensor): Float32Array => t.storage as Float32Array;

/** A CPU float32 tensor of `like`'s shape over `data` (a fused kernel's result). */
export const tensorLike = (like: Tensor, data: Float32Array): Tensor => new Tensor(data, like.shape, "float32", cpuDevice);

/**
 * Runs `f` with the fused updates on or off (tests and benchmarks compare both paths; RIVULET_CPU_FUSED_OPTIM=0 turns
 * them off for a whole process).
 */
export const withFusedUpdates = <T>(on: boolean, f: () => T): T => {
  const prev = enabled;
  enabled = on;
  try {
    return f();
  } finally {
    enabled = prev;
  }
};
