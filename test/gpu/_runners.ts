// Every fixture op as a runner, for replaying test/fixtures/*.json on another device (constants follow the inputs' device).
import {
  Tensor, neg, abs, sign, exp, log, log1p, expm1, sqrt, rsqrt, sin, cos, tanh, sigmoid, erf, relu, floor, ceil, round, square, reciprocal,
  logicalNot, add, sub, mul, div, pow, maximum, minimum, remainder, atan2, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, where, clamp,
  sum, mean, prod, max, min, amax, amin, argmax, argmin, variance, std, logsumexp, norm, cumsum, reshape, flatten, transpose, permute, expand, squeeze,
  unsqueeze, matmul, mm, bmm, dot, outer, slice, narrow, select, flip, cat, stack, splitTensor, chunk, pad, gather, takeAlongDim, indexSelect,
  scatterAdd, sort, argsort, topk, triu, tril, repeat, tile, repeatInterleave, einsum, conv1d, conv2d, convTranspose2d, maxPool2d, avgPool2d,
  maxPool1d, avgPool1d, adaptiveAvgPool2d, adaptiveMaxPool2d, adaptiveAvgPool1d, adaptiveMaxPool1d, softmax, logSoftmax, leakyRelu, elu, selu,
  gelu, silu, softplus, logsigmoid, mish, hardtanh, relu6, batchNorm, layerNorm, groupNorm, crossEntropy, nllLoss, mseLoss, l1Loss,
  smoothL1Loss, huberLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv, embedding, oneHot, tensor, type TensorLike, type PadMode,
  type SliceSpec,
} from "../../src/index.js";
import { applyPrim } from "../../src/ops/apply.js";
import type { OpRunner } from "../_harness.js";

type P = Record<string, unknown>;
type Axes = number | number[] | undefined;
// The fixture option objects are PyTorch's keyword arguments; each op validates them itself.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const unaryFns: Record<string, (x: Tensor) => Tensor> = {
  neg, abs, sign, exp, log, log1p, expm1, sqrt, rsqrt, sin, cos, tanh, sigmoid, erf, relu, floor, ceil, round, square, reciprocal, logicalNot,
};
const binaryFns: Record<string, (a: TensorLike, b: TensorLike) => Tensor> = {
  add, sub, mul, div, pow, maximum, minimum, remainder, atan2, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr,
};
const ropts = (p: P): Loose => ({
  keepdim: (p.keepdim as boolean | undefined) ?? false,
  ...(p.correction !== undefined ? { correction: p.correction } : {}),
  ...(p.p !== undefined ? { p: p.p === "inf" ? Infinity : p.p } : {}),
});
const reduceFns: Record<string, (x: Tensor, p: P) => Tensor> = {
  sum: (x, p) => sum(x, p.axis as Axes, ropts(p)), mean: (x, p) => mean(x, p.axis as Axes, ropts(p)),
  prod: (x, p) => prod(x, p.axis as Axes, ropts(p)), max: (x, p) => amax(x, p.axis as Axes, ropts(p)),
  min: (x, p) => amin(x, p.axis as Axes, ropts(p)), argmax: (x, p) => argmax(x, p.axis as number | undefined, ropts(p)),
  argmin: (x, p) => argmin(x, p.axis as number | undefined, ropts(p)), var: (x, p) => variance(x, p.axis as Axes, ropts(p)),
  std: (x, p) => std(x, p.axis as Axes, ropts(p)), logsumexp: (x, p) => logsumexp(x, p.axis as Axes, ropts(p)),
  norm: (x, p) => norm(x, p.axis as Axes, ropts(p)),
  cumsum: (x, p) => cumsum(x, p.axis as number, { reverse: (p.reverse as boolean | undefined) ?? false }),
};
const layoutFns: Record<string, (x: Tensor, p: P) => Tensor> = {
  reshape: (x, p) => reshape(x, p.shape as number[]),
  flatten: (x, p) => flatten(x, (p.start as number | undefined) ?? 0, (p.end as number | undefined) ?? -1),
  transpose: (x, p) => transpose(x, p.dim0 as number, p.dim1 as number), permute: (x, p) => permute(x, p.perm as number[]),
  expand: (x, p) => expand(x, p.shape as number[]), squeeze: (x, p) => squeeze(x, p.axis as number | undefined),
  unsqueeze: (x, p) => unsqueeze(x, p.axis as number), T: (x) => x.T,
};
const matmulFns: Record<string, (a: Tensor, b: Tensor) => Tensor> = { matmul, mm, bmm, dot, outer };
const flatParts = (parts: Tensor[]) => cat(parts.map((p) => reshape(p, [p.size])));
/** Fixture constants (class weights, targets) on the device of the op's first input. */
const on = (like: Tensor, v: unknown): Tensor | undefined => (v === undefined ? undefined : tensor(v as number[], { device: like.device }));
const lopts = (x: Tensor, p: P): Loose => ({ ...p, weight: on(x, p.weight), posWeight: on(x, p.posWeight) });

const named: Record<string, OpRunner> = {
  "where.where": (xs, p) => where(xs[0]!, xs[1]!, p.b !== undefined ? (p.b as number) : xs[2]!),
  "clamp.clamp": (xs, p) => clamp(xs[0]!, { min: p.min as number | undefined, max: p.max as number | undefined }),
  slice: ([x], p) => slice(x!, p.specs as SliceSpec[]),
  narrow: ([x], p) => narrow(x!, p.dim as number, p.start as number, p.length as number),
  select: ([x], p) => select(x!, p.dim as number, p.index as number),
  flip: ([x], p) => flip(x!, p.dims as number[]),
  slicePrim: ([x], p) => applyPrim("slice", [x!], p as Loose),
  cat: (xs, p) => cat(xs, p.axis as number),
  stack: (xs, p) => stack(xs, p.axis as number),
  split: ([x], p) => flatParts(splitTensor(x!, p.sizeOrSections as number | number[], p.axis as number)),
  chunk: ([x], p) => flatParts(chunk(x!, p.chunks as number, p.axis as number)),
  pad: ([x], p) => pad(x!, p.pad as number[], { mode: p.mode as PadMode, value: p.value as number }),
  gather: ([x, i], p) => gather(x!, p.axis as number, i!),
  takeAlongDim: ([x, i], p) => takeAlongDim(x!, i!, p.axis as number | undefined),
  indexSelect: ([x, i], p) => indexSelect(x!, p.axis as number, i!),
  scatterAdd: ([x, i, s], p) => scatterAdd(x!, p.axis as number, i!, s!),
  sort: ([x], p) => sort(x!, { axis: p.axis as number, descending: p.descending as boolean })[p.part as "values" | "indices"],
  argsort: ([x], p) => argsort(x!, { axis: p.axis as number, descending: p.descending as boolean }),
  topk: ([x], p) => topk(x!, p.k as number, { axis: p.axis as number, largest: p.largest as boolean })[p.part as "values" | "indices"],
  triu: ([x], p) => triu(x!, p.diagonal as number),
  tril: ([x], p) => tril(x!, p.diagonal as number),
  repeat: ([x], p) => repeat(x!, p.repeats as number[]),
  tile: ([x], p) => tile(x!, p.reps as number[]),
  repeatInterleave: ([x], p) => repeatInterleave(x!, p.repeats as number | number[], p.axis as number | undefined),
  einsum: (xs, p) => einsum(p.equation as string, ...xs),
  conv2d: ([x, w, b], p) => conv2d(x!, w!, { ...(p as Loose), bias: b }),
  conv1d: ([x, w, b], p) => conv1d(x!, w!, { ...(p as Loose), bias: b }),
  convTranspose2d: ([x, w, b], p) => convTranspose2d(x!, w!, { ...(p as Loose), bias: b }),
  maxPool2d: ([x], p) => maxPool2d(x!, { ...(p as Loose), returnIndices: false }) as unknown as Tensor,
  "maxPool2d.indices": ([x], p) => maxPool2d(x!, { ...(p as Loose), returnIndices: true }).indices,
  avgPool2d: ([x], p) => avgPool2d(x!, p as Loose),
  maxPool1d: ([x], p) => maxPool1d(x!, { ...(p as Loose), returnIndices: false }) as unknown as Tensor,
  "maxPool1d.indices": ([x], p) => maxPool1d(x!, { ...(p as Loose), returnIndices: true }).indices,
  avgPool1d: ([x], p) => avgPool1d(x!, p as Loose),
  adaptiveAvgPool2d: ([x], p) => adaptiveAvgPool2d(x!, p.outputSize as Loose),
  adaptiveMaxPool2d: ([x], p) => adaptiveMaxPool2d(x!, p.outputSize as Loose),
  "adaptiveMaxPool2d.indices": ([x], p) => adaptiveMaxPool2d(x!, p.outputSize as Loose, { returnIndices: true }).indices,
  adaptiveAvgPool1d: ([x], p) => adaptiveAvgPool1d(x!, p.outputSize as number),
  adaptiveMaxPool1d: ([x], p) => adaptiveMaxPool1d(x!, p.outputSize as number),
  "adaptiveMaxPool1d.indices": ([x], p) => adaptiveMaxPool1d(x!, p.outputSize as number, { returnIndices: true }).indices,
  softmax: ([x], p) => softmax(x!, p.axis as number), logSoftmax: ([x], p) => logSoftmax(x!, p.axis as number),
  leakyRelu: ([x], p) => leakyRelu(x!, p as Loose), elu: ([x], p) => elu(x!, p as Loose), selu: ([x]) => selu(x!),
  gelu: ([x], p) => gelu(x!, p as Loose), silu: ([x]) => silu(x!), softplus: ([x], p) => softplus(x!, p as Loose),
  logsigmoid: ([x]) => logsigmoid(x!), mish: ([x]) => mish(x!), hardtanh: ([x], p) => hardtanh(x!, p as Loose), relu6: ([x]) => relu6(x!),
  batchNorm: ([x, w, b, rm, rv], p) => {
    const { training, momentum, eps, affine, stats } = p as Loose;
    return batchNorm(x!, { training, momentum, eps, weight: affine ? w : undefined, bias: affine ? b : undefined, runningMean: stats ? rm : undefined, runningVar: stats ? rv : undefined }).output;
  },
  layerNorm: ([x, w, b], p) => layerNorm(x!, p.normalizedShape as number[], { weight: w, bias: b, eps: p.eps as number | undefined }),
  groupNorm: ([x, w, b], p) => groupNorm(x!, p.numGroups as number, { weight: w, bias: b, eps: p.eps as number | undefined }),
  crossEntropy: ([x, t], p) => crossEntropy(x!, t!, lopts(x!, p)),
  nllLoss: ([x, t], p) => nllLoss(x!, t!, lopts(x!, p)),
  mseLoss: ([x, t], p) => mseLoss(x!, t!, lopts(x!, p)),
  l1Loss: ([x, t], p) => l1Loss(x!, t!, lopts(x!, p)),
  smoothL1Loss: ([x, t], p) => smoothL1Loss(x!, t ?? on(x!, p.target)!, lopts(x!, p)),
  huberLoss: ([x, t], p) => huberLoss(x!, t!, lopts(x!, p)),
  binaryCrossEntropy: ([x, t], p) => binaryCrossEntropy(x!, t!, lopts(x!, p)),
  binaryCrossEntropyWithLogits: ([x, t], p) => binaryCrossEntropyWithLogits(x!, t!, lopts(x!, p)),
  klDiv: ([x, t], p) => klDiv(x!, t!, p as Loose),
  embedding: ([w, i], p) => embedding(w!, i!, { paddingIdx: p.paddingIdx as number | undefined }),
  oneHot: ([i], p) => oneHot(i!, p.numClasses as number),
};

/** The runner for a fixture case's `op` (core.json names are "group.fn"), or undefined for non-op cases. */
export const runnerFor = (op: string): OpRunner | undefined => {
  if (named[op]) return named[op];
  const [group, fn] = op.split(".") as [string, string];
  if (group === "unary") return ([x]) => unaryFns[fn]!(x!);
  if (group === "binary")
    return (xs, p) => {
      const f = binaryFns[fn === "remainder" ? "remainder" : fn]!;
      if (p.scalar === undefined) return f(xs[0]!, xs[1]!);
      const s = p.scalar as number | boolean;
      return p.side === "left" ? f(s, xs[0]!) : f(xs[0]!, s);
    };
  if (group === "reduce") return ([x], p) => reduceFns[fn]!(x!, p);
  if (group === "layout") return ([x], p) => layoutFns[fn]!(x!, p);
  if (group === "matmul") return ([a, b]) => matmulFns[fn]!(a!, b!);
  return undefined;
};
