// Matrix products against PyTorch fixtures (1-D/2-D/batched broadcasting, dot, outer, mm, bmm) with gradients, plus errors.
import { describe, expect, it } from "vitest";
import { Tensor, tensor, ones, zeros, matmul, mm, bmm, dot, outer } from "../../src/index.js";
import { loadCases, checkCase, checkFiniteDifferences, fromJson, type Case } from "../_harness.js";

const fns: Record<string, (a: Tensor, b: Tensor) => Tensor> = { matmul, mm, bmm, dot, outer };
const cases: Case[] = loadCases("core").filter((c) => c.op.startsWith("matmul."));

describe("matrix products vs PyTorch", () => {
  for (const c of cases)
    it(c.name, () => {
      const run = ([a, b]: Tensor[]) => fns[c.op.slice("matmul.".length)]!(a!, b!);
      checkCase(c, run);
      expect(run(c.inputs.map(fromJson)).dtype).toBe(c.output.dtype);
    });
});

describe("matrix product semantics", () => {
  it("the Tensor method and shapes of the documented example", () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(x.matmul(x).sum().item()).toBe(54);
    expect(matmul(ones([8, 2, 3]), ones([3, 4])).shape).toEqual([8, 2, 4]);
    expect(matmul(ones([2, 1, 3, 4]), ones([5, 4, 2])).shape).toEqual([2, 5, 3, 2]);
  });

  it("an empty inner dimension gives zeros", () => {
    expect(matmul(zeros([2, 0]), zeros([0, 3])).tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  it("finite differences through a batched, broadcast product", () => {
    const a = tensor([[[0.3, -1.2, 0.7]], [[1.5, 0.2, -0.4]]]);
    const b = tensor([[0.5, 1.25], [-0.75, 0.1], [0.9, -0.3]]);
    checkFiniteDifferences(([x, y]) => matmul(matmul(x!, y!), y!.T), [a, b]);
  });
});

describe("matrix product errors", () => {
  it("names the op and both shapes", () => {
    expect(() => matmul(ones([2, 3]), ones([4, 2]))).toThrow("matmul: shapes [2, 3] and [4, 2] cannot be multiplied (inner dimensions 3 ≠ 4)");
    expect(() => matmul(ones([3]), ones([4]))).toThrow("matmul: shapes [3] and [4] cannot be multiplied (inner dimensions 3 ≠ 4)");
    expect(() => matmul(tensor(2), ones([2]))).toThrow("matmul: both arguments need at least 1 dimension, got shapes [] and [2]");
    expect(() => matmul(ones([2, 2, 3]), ones([3, 3, 2]))).toThrow("matmul: shapes [2] and [3] cannot be broadcast together");
    expect(() => matmul(tensor([true]), ones([1]))).toThrow("matmul: bool tensors are not supported (shape [1])");
    expect(() => mm(ones([2, 3]), ones([2, 3]))).toThrow("mm: shapes [2, 3] and [2, 3] cannot be multiplied (inner dimensions 3 ≠ 2)");
    expect(() => mm(ones([3]), ones([3, 1]))).toThrow("mm: expected 2-D tensors, got shapes [3] and [3, 1]");
    expect(() => bmm(ones([2, 2, 3]), ones([3, 3, 2]))).toThrow("bmm: expected 3-D tensors with equal batch sizes, got shapes [2, 2, 3] and [3, 3, 2]");
    expect(() => dot(ones([3]), ones([4]))).toThrow("dot: expected two 1-D tensors of equal length, got shapes [3] and [4]");
    expect(() => outer(ones([3, 1]), ones([4]))).toThrow("outer: expected two 1-D tensors, got shapes [3, 1] and [4]");
  });
});
