// The device storage a value reaches: what a step scope keeps (its result) or releases (donated inputs).
import { Tensor } from "../ops/Tensor.js";

/** Storage of `device` reachable from a value: tensors inside arrays, plain objects and Maps (a pytree, optimizer state, aux). */
export const reachable = (value: unknown, device: object): Set<unknown> => {
  const out = new Set<unknown>();
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object" || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Tensor) {
      if ((v.device as object) === device) out.add(v.storage);
      return;
    }
    if (v instanceof Map) for (const [k, x] of v) { walk(k); walk(x); }
    else if (Array.isArray(v)) v.forEach(walk);
    else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
};
