// The CPU backend: typed-array storage and the reference kernel for every primitive (fused kernels for the composite ones).
import type { Backend, Kernels } from "../backend.js";
import { allocUninit, type AnyTypedArray } from "../dtype.js";
import { numel } from "../_shape.js";
import { assertLive, beginCpuScope, cpuPoolEnabled, endCpuScope } from "./_storagePool.js";
import type { ScopedMemory } from "../../gpu/stepScope.js";
import { binary, cast, unary, where } from "./elementwise.js";
import { argReduce, cumsum, reduce } from "./reduce.js";
import { expand, permute, reshape } from "./layout.js";
import { concat, pad, slice } from "./slicing.js";
import { argsort, gather, indexAdd, indexSelect, scatterAdd } from "./indexing.js";
import { matmul } from "./matmul.js";
import { fold, unfold } from "./window.js";
import { uniform } from "./random.js";
import { conv, convInputGrad, convWeightGrad } from "./conv.js";
import { maxPoolIndices } from "./pool.js";
import { cpuFusedUpdates } from "./optimizerKernels.js";

const table: Kernels<AnyTypedArray> = {
  unary, binary, where, cast,
  reduce, argReduce, cumsum,
  reshape, permute, expand, slice, pad, concat,
  gather, scatterAdd, indexSelect, indexAdd, argsort,
  matmul, unfold, fold, uniform,
  conv, convInputGrad, convWeightGrad, maxPoolIndices,
};

// Every kernel first checks that its inputs were not released by a closed step scope (a clear error, never another
// tensor's recycled numbers).
const kernels = Object.fromEntries(
  Object.entries(table).map(([prim, k]) => [
    prim,
    (inputs: ReadonlyArray<{ readonly data: unknown; readonly shape: readonly number[] }>, params: unknown, out: unknown) => {
      for (const b of inputs) assertLive(prim, b.data, numel(b.shape));
      return (k as (i: typeof inputs, p: unknown, o: unknown) => unknown)(inputs, params, out);
    },
  ]),
) as unknown as Kernels<AnyTypedArray>;

// Step scopes (ScopedMemory) recycle the storage a step does not keep; RIVULET_CPU_POOL=0 leaves every array to the GC.
const scoped: Partial<ScopedMemory> = cpuPoolEnabled ? { beginScope: beginCpuScope, endScope: endCpuScope } : {};

export const cpu: Backend<AnyTypedArray> = {
  name: "cpu",
  kernels,
  updates: cpuFusedUpdates,
  upload: (data, dtype) => {
    const o = allocUninit(dtype, data.length);
    o.set(data);
    return o;
  },
  readSync: (data, _dtype, size) => {
    assertLive("read", data, size);
    return data;
  },
  read: async (data, _dtype, size) => {
    assertLive("read", data, size);
    return data;
  },
  ...scoped,
};
