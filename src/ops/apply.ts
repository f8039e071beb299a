// Runs one primitive: infers the output type, dispatches to the device's kernel, and records the autodiff node.
import { Tensor, type Node } from "./Tensor.js";
import type { Backend, Buf } from "./backend.js";
import type { Prim, PrimParams } from "./primitive.js";
import type { Rules } from "./rule.js";
import { isRecording } from "./_tape.js";
import { rules } from "./prims/index.js";
import { defaultDevice } from "./device.js";

const toBuf = (t: Tensor): Buf<unknown> => ({ data: t.storage, shape: t.shape, dtype: t.dtype });

/** Applies primitive `prim` to `inputs`; the only place tensors are computed. */
export const applyPrim = <P extends Prim>(prim: P, inputs: readonly Tensor[], params: PrimParams[P], device?: Backend): Tensor => {
  const dev = inputs[0]?.device ?? device ?? defaultDevice();
  for (const t of inputs)
    if (t.device !== dev)
      throw new Error(`${prim}: tensors are on different devices (${dev.name} and ${t.device.name}); move them with .to(device) first`);
  const table: Rules = rules();
  const rule = table[prim];
  const out = rule.out(inputs, params);
  const kernel = dev.kernels[prim] as ((i: readonly Buf<unknown>[], p: PrimParams[P], o: typeof out) => unknown) | undefined;
  const data = kernel === undefined ? null : kernel(inputs.map(toBuf), params, out);
  // A composite primitive the device has no kernel for (or whose kernel declined) runs as its decomposition, whose
  // own primitives are what the tape records.
  if (data === null && rule.decompose !== undefined) return (rule.decompose as (i: readonly Tensor[], p: PrimParams[P]) => Tensor)(inputs, params);
  if (kernel === undefined) throw new Error(`${prim}: device ${dev.name} has no kernel for this primitive`);
  const node: Node | null =
    isRecording() && inputs.some((t) => t.requiresGrad) ? { prim, inputs, params } : null;
  return new Tensor(data, out.shape, out.dtype, dev, node, node !== null);
};
