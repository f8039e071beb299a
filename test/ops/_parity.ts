// Runners of the parity fixtures (test/fixtures/gen_parity.py): each case's op name to the rivulet call, on any device.
import { max, min, amax, amin, add, sub, binaryCrossEntropy, convTranspose1d, instanceNorm, interpolate, type InterpolateOptions } from "../../src/index.js";
import type { OpRunner } from "../_harness.js";

type P = Record<string, unknown>;
const dimOpts = (p: P) => [p.dim as number, { keepdim: p.keepdim as boolean }] as const;

export const runners: Record<string, OpRunner> = {
  maxValues: ([x], p) => max(x!, ...dimOpts(p)).values,
  maxIndices: ([x], p) => max(x!, ...dimOpts(p)).indices,
  minValues: ([x], p) => min(x!, ...dimOpts(p)).values,
  minIndices: ([x], p) => min(x!, ...dimOpts(p)).indices,
  maxAll: ([x]) => max(x!),
  minAll: ([x]) => min(x!),
  amax: ([x], p) => amax(x!, p.dim as number[], { keepdim: p.keepdim as boolean }),
  amin: ([x], p) => amin(x!, p.dim as number[], { keepdim: p.keepdim as boolean }),
  binaryCrossEntropy: ([p, t], o) => binaryCrossEntropy(p!, t!, { reduction: o.reduction as "none" | "sum" | "mean" }),
  add: ([a, b], p) => add(a!, b!, { alpha: p.alpha as number }),
  sub: ([a, b], p) => sub(a!, b!, { alpha: p.alpha as number }),
  convTranspose1d: ([x, w, bias], p) => convTranspose1d(x!, w!, { ...p, bias }),
  instanceNorm: ([x, weight, bias], p) => instanceNorm(x!, { weight, bias, eps: p.eps as number | undefined }).output,
  interpolate: ([x], p) => interpolate(x!, p as InterpolateOptions),
};

