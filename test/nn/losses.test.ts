// Loss modules (torch.nn.*Loss): PyTorch's values on the curriculum's inputs, options bound, PyTorch's repr.
import { describe, expect, it } from "vitest";
import { nn, tensor, crossEntropy, randn, key, sigmoid, logSoftmax, softmax } from "../../src/index.js";

describe("nn loss modules", () => {
  const input = tensor([1, 2, 3]);
  const target = tensor([1, 2, 5]);

  it("give PyTorch's numbers (values from torch 1.13)", () => {
    expect(nn.l1Loss()(input, target).item()).toBeCloseTo(0.6666667, 6);
    expect(nn.l1Loss({ reduction: "sum" })(input, target).item()).toBe(2);
    expect(nn.mseLoss()(input, target).item()).toBeCloseTo(1.3333334, 6);
    const ce = nn.crossEntropyLoss()(tensor([[0.1, 0.2, 0.3]]), tensor([1], { dtype: "int32" }));
    expect(ce.item()).toBeCloseTo(1.1019428968, 6);
    expect(nn.smoothL1Loss({ beta: 1 })(input, target).item()).toBeCloseTo(0.5, 6); // (0 + 0 + (2 - 0.5)) / 3
    expect(nn.huberLoss({ delta: 1 })(input, target).item()).toBeCloseTo(0.5, 6);
  });

  it("bind their options and agree with the functional losses", () => {
    const logits = randn(key(0), [4, 5]);
    const y = tensor([0, 4, 2, 1], { dtype: "int32" });
    const opts = { labelSmoothing: 0.2, reduction: "sum" } as const;
    expect(nn.crossEntropyLoss(opts)(logits, y).item()).toBe(crossEntropy(logits, y, opts).item());
    expect(nn.nllLoss()(logSoftmax(logits, 1), y).item()).toBeCloseTo(crossEntropy(logits, y).item(), 6);
    const p = sigmoid(randn(key(1), [6]));
    const t = tensor([0, 1, 1, 0, 1, 0]);
    expect(nn.bceLoss()(p, t).item()).toBeGreaterThan(0);
    expect(nn.bceWithLogitsLoss()(randn(key(1), [6]), t).item()).toBeCloseTo(nn.bceLoss()(p, t).item(), 5);
    const q = softmax(randn(key(2), [2, 3]), 1);
    expect(nn.klDivLoss({ reduction: "batchmean" })(logSoftmax(randn(key(3), [2, 3]), 1), q).item()).toBeGreaterThan(0);
  });

  it("print like PyTorch and reject bad input with the functional loss's message", () => {
    expect(String(nn.crossEntropyLoss())).toBe("CrossEntropyLoss()");
    expect(String(nn.mseLoss())).toBe("MSELoss()");
    expect(nn.bceWithLogitsLoss().kind).toBe("BCEWithLogitsLoss");
    expect(() => nn.mseLoss()(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/^mseLoss: input shape \[2\] and target shape \[3\]/);
  });
});
