// Device movement and readback for steps: where a state lives, moving it and a batch there, reading the metrics back.
import { Tensor } from "../ops/Tensor.js";
import type { Backend } from "../ops/backend.js";
import { cpuDevice } from "../ops/device.js";
import { cast } from "../ops/elementwise.js";
import { concat } from "../ops/join.js";
import { treeLeaves, treeMap } from "../graph/pytree.js";
import { deviceRuntime } from "../gpu/DeviceRuntime.js";
import type { LossAux, TrainState } from "./TrainState.js";

const toNumber = (op: string, name: string, v: Tensor | number): number => {
  if (typeof v === "number") return v;
  if (!(v instanceof Tensor) || v.size !== 1) throw new Error(`${op}: metric "${name}" must be a number or a one-element tensor, got ${v instanceof Tensor ? `shape [${v.shape.join(", ")}]` : typeof v}`);
  return v.item();
};

/**
 * The numbers of a step (the loss and every aux metric), read back in one transfer. Shapes are checked before this
 * returns; the readback starts before it returns too, so the tensors may be released right after (on WebGPU the copy
 * is already on the queue).
 */
export const readMetrics = (loss: Tensor, aux: LossAux, op = "trainStep"): Promise<Record<string, number>> => {
  const entries: Array<[string, Tensor | number]> = [["loss", loss], ...Object.entries(aux.metrics ?? {})];
  const onDevice = entries.filter((e): e is [string, Tensor] => e[1] instanceof Tensor && e[1].size === 1 && !e[1].device.readSync);
  const known = new Map(entries.filter((e) => !onDevice.includes(e as [string, Tensor])).map(([k, v]) => [k, toNumber(op, k, v)] as const));
  if (onDevice.length === 0) return Promise.resolve(Object.fromEntries(entries.map(([k]) => [k, known.get(k)!])));
  // One readback for all of them: the scalars packed into one float32 vector (a single small copy and map).
  const packed = onDevice.length === 1 ? cast(onDevice[0]![1], "float32").reshape(1) : concat(onDevice.map(([, t]) => cast(t, "float32").reshape(1)));
  return packed.data().then((d) => {
    const read = new Map(onDevice.map(([k], i) => [k, d[i]!] as const));
    return Object.fromEntries(entries.map(([k]) => [k, known.get(k) ?? read.get(k)!]));
  });
};

/** The device of the first tensor in a tree (the CPU when there is none), found without listing the whole tree. */
export const deviceOf = (tree: unknown): Backend => {
  const seen = new Set<unknown>();
  const find = (x: unknown): Backend | undefined => {
    if (x instanceof Tensor) return x.device;
    if (x === null || typeof x !== "object" || seen.has(x)) return undefined;
    seen.add(x);
    for (const v of Array.isArray(x) ? x : Object.values(x)) {
      const d = find(v);
      if (d) return d;
    }
    return undefined;
  };
  return find(tree) ?? cpuDevice;
};

/** `tree` with every tensor on `device` (itself when they all are already; copies from the CPU are synchronous). */
export const moveTo = <T>(tree: T, device: Backend): T =>
  treeLeaves(tree).every((t) => t.device === device) ? tree : treeMap((t) => t.to(device), tree);

/** The tensors of a state that live on devices, moved to `device` (the key, step and position are plain values). */
export const stateOn = <P, S>(state: TrainState<P, S>, device: Backend): TrainState<P, S> => {
  const { params, optState, modelState, accum } = state;
  const moved = { params: moveTo(params, device), optState: moveTo(optState, device), modelState: moveTo(modelState, device), accum: moveTo(accum, device) };
  if (moved.params === params && moved.optState === optState && moved.modelState === modelState && moved.accum === accum) return state;
  return Object.freeze({ ...state, params: moved.params, optState: moved.optState, ...(modelState === undefined ? {} : { modelState: moved.modelState }), ...(accum === undefined ? {} : { accum: moved.accum }) });
};

/**
 * Runs a step's body on `device` and reads its metrics back: in the device runtime's step scope (everything the body
 * creates is released when it ends, except what `keep` reaches, and the donated storage), then one readback.
 */
export const onDevice = <R>(
  device: Backend,
  body: () => { readonly keep: R; readonly loss: Tensor; readonly aux: LossAux },
  { donate, op }: { readonly donate?: unknown; readonly op: string },
): Promise<{ readonly kept: R; readonly metrics: Record<string, number> }> => {
  try {
    const { kept, metrics } = deviceRuntime(device).step(() => {
      const r = body();
      return { kept: r.keep, metrics: readMetrics(r.loss, r.aux, op) };
    }, { donate });
    return metrics.then((m) => ({ kept, metrics: m }));
  } catch (e) {
    return Promise.reject(e);
  }
};
