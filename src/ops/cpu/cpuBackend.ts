// The CPU backend: typed-array storage and the reference kernel for every primitive (fused kernels for the composite ones).
import type { Backend, Kernels } from "../backend.js";
import { allocFor, type AnyTypedArray } from "../dtype.js";
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

const kernels: Kernels<AnyTypedArray> = {
  unary, binary, where, cast,
  reduce, argReduce, cumsum,
  reshape, permute, expand, slice, pad, concat,
  gather, scatterAdd, indexSelect, indexAdd, argsort,
  matmul, unfold, fold, uniform,
  conv, convInputGrad, convWeightGrad, maxPoolIndices,
};

export const cpu: Backend<AnyTypedArray> = {
  name: "cpu",
  kernels,
  upload: (data, dtype) => {
    const o = allocFor(dtype, data.length);
    o.set(data);
    return o;
  },
  readSync: (data) => data,
  read: async (data) => data,
};
