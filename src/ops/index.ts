// Public face of src/ops: the Tensor value, creation, RNG keys, and every op.
export { Tensor, type NestedArray } from "./Tensor.js";
export type { DType } from "./dtype.js";
export type { Shape } from "./_shape.js";
export type { Backend } from "./backend.js";
export type { Prim, PrimParams, UnaryOp, BinaryOp } from "./primitive.js";
export { cpuDevice, defaultDevice } from "./device.js";
export * from "./creation.js";
export * from "./elementwise.js";
export { sum, mean, prod, max, min, argmax, argmin, variance, variance as var_, std, logsumexp, norm, cumsum, type ReduceOptions, type VarOptions, type NormOptions } from "./reduce.js";
export * from "./layout.js";
export * from "./linalg.js";
export * from "./random.js";
export { detach } from "./detach.js";
export { formatTensor } from "./format.js";
