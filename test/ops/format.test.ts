// Printing: formatTensor / toString against strings PyTorch's repr produced (float, int, bool, 0-d, empty, summarised, wrapped).
import { describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { tensor, arange, add, mul, formatTensor, grad, sum, type Tensor, type DType } from "../../src/index.js";
import { loadCases, fromJson, type Case } from "../_harness.js";

interface Range { n: number; shape: number[]; dtype: DType; scale: number; offset: number }

/** The fixture's tensor: stored data, or arange(n)·scale + offset for the large ones (the same float32 roundings as torch). */
const build = (c: Case): Tensor => {
  const r = c.params.range as Range | undefined;
  if (!r) return fromJson(c.inputs[0]!);
  if (r.dtype === "int32") return arange(r.n).reshape(r.shape);
  return add(mul(arange(r.n, undefined, 1, { dtype: "float32" }).reshape(r.shape), r.scale), r.offset);
};

const cases: Case[] = loadCases("core").filter((c) => c.op === "format");

describe("formatTensor matches PyTorch's repr", () => {
  for (const c of cases) it(c.name, () => expect(formatTensor(build(c))).toBe(c.params.repr));
});

describe("printing", () => {
  it("toString and util.inspect use the repr", () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(String(x)).toBe("tensor([[1., 2.],\n        [3., 4.]])");
    expect(inspect(x)).toBe(String(x));
  });

  it("summarises only past 1000 elements", () => {
    expect(formatTensor(arange(1000))).not.toContain("...");
    expect(formatTensor(arange(1001))).toContain(" ...");
  });

  it("marks tensors being differentiated", () => {
    let inside = "";
    grad((x: Tensor) => {
      inside = formatTensor(x) + " " + formatTensor(mul(x, 2));
      return sum(x);
    })(tensor([1, 2]));
    expect(inside).toBe("tensor([1., 2.], requires_grad=True) tensor([2., 4.], grad_fn=<binary>)");
  });
});
