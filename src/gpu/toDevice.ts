// Moving tensors and whole pytrees between devices (asynchronous, since reading a GPU tensor back is).
import type { Backend } from "../ops/backend.js";
import { Tensor } from "../ops/Tensor.js";

/** One tensor on `device` (the same tensor when it is already there). */
const moveTensor = async (t: Tensor, device: Backend): Promise<Tensor> => {
  if (t.device === device) return t;
  const data = t.device.readSync ? t.device.readSync(t.storage, t.dtype, t.size) : await t.device.read(t.storage, t.dtype, t.size);
  return new Tensor(device.upload(data, t.dtype), t.shape, t.dtype, device);
};

/**
 * Copies every tensor of a pytree (nested arrays and plain objects; other leaves kept as they are) to `device`.
 * @example
 * const gpuParams = await toDevice(params, gpu);
 * const back = await toDevice(gpuParams, cpuDevice);
 */
export const toDevice = async <T>(tree: T, device: Backend): Promise<T> => {
  const walk = async (v: unknown): Promise<unknown> => {
    if (v instanceof Tensor) return moveTensor(v, device);
    if (Array.isArray(v)) return Promise.all(v.map(walk));
    if (v !== null && typeof v === "object" && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
      const entries = await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await walk(x)] as const));
      return Object.freeze(Object.fromEntries(entries));
    }
    return v;
  };
  return (await walk(tree)) as T;
};
