// The GPU storage a value reaches: what a step scope keeps (its result) or releases (donated inputs).
import type { Backend } from "../ops/backend.js";
import { Tensor } from "../ops/Tensor.js";
import { GpuStorage } from "./GpuStorage.js";
import type { WebGpuBackend } from "./webgpuBackend.js";

/** True for a WebGPU backend (the only kind with step scopes). */
export const isWebGpu = (d: Backend): d is WebGpuBackend => typeof (d as Partial<WebGpuBackend>).beginScope === "function";

/** Storage of `device` reachable from a value: tensors inside arrays, plain objects and Maps (a pytree, optimizer state, aux). */
export const reachable = (value: unknown, device: object): Set<GpuStorage> => {
  const out = new Set<GpuStorage>();
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object" || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Tensor) {
      if ((v.device as object) === device && v.storage instanceof GpuStorage) out.add(v.storage);
      return;
    }
    if (v instanceof Map) for (const [k, x] of v) { walk(k); walk(x); }
    else if (Array.isArray(v)) v.forEach(walk);
    else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
};
