// Losses, embedding and oneHot against PyTorch fixtures, finite differences, and error messages.
import { describe, expect, it } from "vitest";
import {
  crossEntropy, nllLoss, mseLoss, l1Loss, smoothL1Loss, huberLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv,
  embedding, oneHot, logSoftmax, softmax, tensor, randn, rand, key, grad, sum, type Tensor, type Reduction,
} from "../../src/index.js";
import { checkCase, checkFiniteDifferences, expectClose, loadCases, type OpRunner } from "../_harness.js";

const ints = (data: number[] | number[][], shape?: number[]): Tensor => tensor(data, { dtype: "int32", ...(shape ? { shape } : {}) });

interface FixtureOpts {
  weight?: Tensor | undefined;
  posWeight?: Tensor | undefined;
  reduction?: Reduction;
  ignoreIndex?: number;
  labelSmoothing?: number;
  beta?: number;
  delta?: number;
}

/** Fixture params with the weight lists (kept out of the inputs: PyTorch cannot differentiate them) as tensors. */
const opts = (p: Record<string, unknown>): FixtureOpts => {
  const t = (v: unknown) => (v === undefined ? undefined : tensor(v as number[]));
  return { ...(p as FixtureOpts), weight: t(p.weight), posWeight: t(p.posWeight) };
};

const runners: Record<string, OpRunner> = {
  crossEntropy: ([x, t], p) => crossEntropy(x!, t!, opts(p)),
  nllLoss: ([x, t], p) => nllLoss(x!, t!, opts(p)),
  mseLoss: ([x, t], p) => mseLoss(x!, t!, opts(p)),
  l1Loss: ([x, t], p) => l1Loss(x!, t!, opts(p)),
  smoothL1Loss: ([x, t], p) => smoothL1Loss(x!, t ?? tensor(p.target as number[][]), opts(p)),
  huberLoss: ([x, t], p) => huberLoss(x!, t!, opts(p)),
  binaryCrossEntropy: ([x, t], p) => binaryCrossEntropy(x!, t!, opts(p)),
  binaryCrossEntropyWithLogits: ([x, t], p) => binaryCrossEntropyWithLogits(x!, t!, opts(p)),
  klDiv: ([x, t], p) => klDiv(x!, t!, p as { reduction?: Reduction | "batchmean"; logTarget?: boolean }),
  embedding: ([w, i], p) => embedding(w!, i!, { paddingIdx: p.paddingIdx as number | undefined }),
  oneHot: ([i], p) => oneHot(i!, p.numClasses as number),
};

describe("losses, embedding and oneHot match PyTorch (forward and gradients)", () => {
  for (const c of loadCases("nn").filter((c) => c.op in runners)) it(c.name, () => checkCase(c, runners[c.op]!));
});

describe("losses: finite differences", () => {
  const x = randn(key(1), [4, 3]);
  const t = rand(key(2), [4, 3]);
  it("crossEntropy with weight, ignoreIndex and label smoothing", () =>
    checkFiniteDifferences(([l]) => crossEntropy(l!, ints([0, 2, -100, 1]), { weight: tensor([1, 2, 0.5]), labelSmoothing: 0.2 }), [x]));
  it("crossEntropy with probability targets", () => checkFiniteDifferences(([l, p]) => crossEntropy(l!, softmax(p!, 1)), [x, t]));
  it("binaryCrossEntropyWithLogits with posWeight", () =>
    checkFiniteDifferences(([l, y]) => binaryCrossEntropyWithLogits(l!, y!, { posWeight: tensor([1, 2, 3]) }), [x, t]));
  it("klDiv", () => checkFiniteDifferences(([l]) => klDiv(logSoftmax(l!, 1), softmax(t, 1), { reduction: "batchmean" }), [x]));
  it("huberLoss", () => checkFiniteDifferences(([a, b]) => huberLoss(a!, b!, { delta: 0.5, reduction: "none" }), [x, t]));
});

describe("losses: behaviour", () => {
  it("crossEntropy stays finite for huge logits", () => {
    const l = crossEntropy(tensor([[1e4, 0], [0, -1e4]]), ints([0, 1]), { reduction: "none" });
    expectClose(l, tensor([0, 1e4]));
  });

  it("an ignored target with a -inf log-probability contributes nothing (not NaN)", () => {
    const lp = tensor([[0, -Infinity], [-0.1, -2.3]]);
    expectClose(nllLoss(lp, ints([1, 0]), { ignoreIndex: 1 }), tensor(0.1));
  });

  it("a target equal to a negative ignoreIndex is not out of range", () => {
    const lp = logSoftmax(tensor([[1, 2, 3], [0, 0, 0]]), 1);
    expectClose(nllLoss(lp, ints([2, -1]), { ignoreIndex: -1, reduction: "sum" }), nllLoss(lp, ints([2, -100]), { reduction: "sum" }));
  });

  it("embedding paddingIdx rows get no gradient but keep their values", () => {
    const w = randn(key(3), [4, 2]);
    const idx = ints([[0, 3], [3, 1]]);
    const out = embedding(w, idx, { paddingIdx: 3 });
    expectClose(out, embedding(w, idx));
    const g = grad((v: Tensor) => sum(embedding(v, idx, { paddingIdx: 3 })))(w);
    expect(g.tolist()).toEqual([[1, 1], [1, 1], [0, 0], [0, 0]]);
  });
});

describe("losses: errors", () => {
  const logits = randn(key(4), [2, 3]);
  it("crossEntropy and nllLoss", () => {
    expect(() => crossEntropy(logits, ints([0, 3]))).toThrow(/^crossEntropy: target class 3 is out of range for C = 3 \(must be in \[0, 3\) or equal ignoreIndex -100; shape \[2\]\)/);
    expect(() => crossEntropy(logits, ints([0, -1]))).toThrow(/^crossEntropy: target class -1 is out of range for C = 3/);
    expect(() => crossEntropy(logits, ints([0, 1, 2])))
      .toThrow(/^crossEntropy: target shape \[3\] does not match logits shape \[2, 3\] \(class indices need shape \[2\]\)/);
    expect(() => crossEntropy(logits, rand(key(0), [2, 4])))
      .toThrow(/^crossEntropy: float32 \(class probability\) target shape \[2, 4\] must equal logits shape \[2, 3\]/);
    expect(() => crossEntropy(ints([[1, 2]]), ints([0]))).toThrow(/^crossEntropy: logits must be float32, got int32 \(shape \[1, 2\]\)/);
    expect(() => crossEntropy(logits, ints([0, 1]), { weight: tensor([1, 2]) })).toThrow(/^crossEntropy: weight shape \[2\] must be \[C\] = \[3\]/);
    expect(() => crossEntropy(logits, ints([0, 1]), { labelSmoothing: 1.5 })).toThrow(/^crossEntropy: labelSmoothing must be in \[0, 1\], got 1.5/);
    expect(() => crossEntropy(logits, rand(key(0), [2, 3]), { ignoreIndex: 1 }))
      .toThrow(/^crossEntropy: ignoreIndex \(1\) is not supported with class probability targets/);
    expect(() => crossEntropy(logits, ints([0, 1]), { reduction: "avg" as "mean" }))
      .toThrow(/^crossEntropy: reduction must be "mean", "sum", "none", got "avg"/);
    expect(() => nllLoss(logits, rand(key(0), [2]))).toThrow(/^nllLoss: target must be int32 class indices, got float32 \(shape \[2\]\)/);
    expect(() => nllLoss(logits, ints([5, 0]))).toThrow(/^nllLoss: target class 5 is out of range for C = 3 \(must be in \[0, 3\) or equal ignoreIndex -100; shape \[2\]\)/);
  });

  it("elementwise losses", () => {
    const a = randn(key(5), [2, 3]);
    expect(() => mseLoss(a, randn(key(6), [3]))).toThrow(/^mseLoss: input shape \[2, 3\] and target shape \[3\] must be equal/);
    expect(() => l1Loss(ints([1, 2]), ints([1, 2]))).toThrow(/^l1Loss: input must be float32, got int32/);
    expect(() => smoothL1Loss(a, a, { beta: -1 })).toThrow(/^smoothL1Loss: beta must be non-negative, got -1/);
    expect(() => huberLoss(a, a, { delta: 0 })).toThrow(/^huberLoss: delta must be positive, got 0/);
    expect(() => binaryCrossEntropy(tensor([0.5, 1.5]), tensor([0, 1]))).toThrow(/^binaryCrossEntropy: input must be probabilities in \[0, 1\], got 1.5 at flat index 1/);
    expect(() => binaryCrossEntropy(tensor([0.5]), tensor([0, 1]))).toThrow(/^binaryCrossEntropy: input shape \[1\] and target shape \[2\] must be equal/);
    expect(() => binaryCrossEntropyWithLogits(a, a, { posWeight: tensor([1, 2]) }))
      .toThrow(/^binaryCrossEntropyWithLogits: posWeight shape \[2\] cannot be broadcast to input shape \[2, 3\]/);
    expect(() => klDiv(a, a, { reduction: "batch" as "sum" })).toThrow(/^klDiv: reduction must be "mean", "batchmean", "sum", "none", got "batch"/);
  });

  it("embedding and oneHot", () => {
    const w = randn(key(7), [4, 2]);
    expect(() => embedding(w, ints([0, 4]))).toThrow(/^embedding: index 4 is out of range for numEmbeddings = 4/);
    expect(() => embedding(w, tensor([0, 1]))).toThrow(/^embedding: indices must be int32, got float32 \(shape \[2\]\)/);
    expect(() => embedding(tensor([1, 2]), ints([0]))).toThrow(/^embedding: weight shape \[2\] must be 2-D \[numEmbeddings, dim\]/);
    expect(() => embedding(w, ints([0]), { paddingIdx: 4 })).toThrow(/^embedding: paddingIdx 4 must be an integer in \[-4, 4\)/);
    expect(() => oneHot(ints([0, 3]), 2)).toThrow(/^oneHot: class value 3 is out of range for numClasses = 2/);
    expect(() => oneHot(ints([0, -1]))).toThrow(/^oneHot: class value -1 is out of range/);
    expect(() => oneHot(tensor([0, 1]))).toThrow(/^oneHot: indices must be int32, got float32/);
    expect(() => oneHot(ints([], [0]))).toThrow(/^oneHot: cannot infer numClasses from an empty tensor \(shape \[0\]\)/);
  });
});
