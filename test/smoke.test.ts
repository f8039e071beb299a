// Public-API smoke test: a 2-layer MLP learns XOR-like data with grad and plain SGD in a few hundred steps.
import { describe, expect, it } from "vitest";
import {
  type Tensor, tensor, key, split, randn, matmul, relu, add, sub, mul, mean, logsumexp, sum, eq, argmax,
  valueAndGrad, treeMap, cast, arange, unsqueeze,
} from "../src/index.js";

interface Params { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor }

const forward = (p: Params, x: Tensor): Tensor => add(matmul(relu(add(matmul(x, p.w1), p.b1)), p.w2), p.b2);

// Cross-entropy written with core ops only: logsumexp(logits) - logits[target].
const loss = (p: Params, x: Tensor, y: Tensor): Tensor => {
  const logits = forward(p, x);
  const picked = sum(mul(logits, cast(eq(unsqueeze(y, 1), arange(2)), "float32")), 1);
  return mean(sub(logsumexp(logits, 1), picked));
};

describe("smoke: a 2-layer MLP trains", () => {
  it("reaches 100% accuracy on XOR", () => {
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const y = tensor([0, 1, 1, 0], { dtype: "int32" });
    const [k1, k2] = split(key(42));
    let p: Params = {
      w1: mul(randn(k1!, [2, 16]), 0.7), b1: tensor(new Float32Array(16), { shape: [16] }),
      w2: mul(randn(k2!, [16, 2]), 0.3), b2: tensor([0, 0]),
    };
    const step = valueAndGrad(loss);
    let first = 0;
    let last = 0;
    for (let i = 0; i < 300; i++) {
      const [l, g] = step(p, x, y);
      if (i === 0) first = l.item();
      last = l.item();
      p = treeMap((w, gw) => sub(w, mul(gw, 0.5)), p, g);
    }
    expect(last).toBeLessThan(first / 10);
    expect(Array.from(argmax(forward(p, x), 1).dataSync())).toEqual([0, 1, 1, 0]);
  });
});
