// Shape and indexing ops against PyTorch fixtures (shape.json), finite differences, kernel edge cases and error messages.
import { describe, expect, it } from "vitest";
import {
  Tensor, arange, argsort, cat, chunk, concat, einsum, flip, gather, grad, indexSelect, narrow, ones, pad, repeat, repeatInterleave,
  reshape, scatterAdd, select, slice, sort, splitTensor, stack, sum, takeAlongDim, tensor, tile, topk, tril, triu, zeros,
  type PadMode, type SliceSpec,
} from "../../src/index.js";
import { applyPrim } from "../../src/ops/apply.js";
import { checkCase, checkFiniteDifferences, expectClose, loadCases, type OpRunner } from "../_harness.js";

const int = (data: number[] | number[][], shape?: number[]) => tensor(data, { dtype: "int32", shape });
const flatParts = (parts: Tensor[]) => cat(parts.map((p) => reshape(p, [p.size])));
const range = (...shape: number[]) => reshape(arange(0, shape.reduce((a, b) => a * b, 1), 1, { dtype: "float32" }), shape);

const piecesOf = (parts: Tensor[], count: number): Tensor => {
  expect(parts.length).toBe(count);
  return flatParts(parts);
};

const runners: Record<string, OpRunner> = {
  slice: ([x], p) => slice(x!, p.specs as SliceSpec[]),
  narrow: ([x], p) => narrow(x!, p.dim as number, p.start as number, p.length as number),
  select: ([x], p) => select(x!, p.dim as number, p.index as number),
  flip: ([x], p) => flip(x!, p.dims as number[]),
  slicePrim: ([x], p) => applyPrim("slice", [x!], p as { begin: number[]; end: number[]; step: number[] }),
  cat: (xs, p) => cat(xs, p.axis as number),
  stack: (xs, p) => stack(xs, p.axis as number),
  split: ([x], p) => piecesOf(splitTensor(x!, p.sizeOrSections as number | number[], p.axis as number), p.count as number),
  chunk: ([x], p) => piecesOf(chunk(x!, p.chunks as number, p.axis as number), p.count as number),
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
};

describe("shape ops match PyTorch", () => {
  const cases = loadCases("shape");
  it("covers every runner", () => expect(new Set(cases.map((c) => c.op))).toEqual(new Set(Object.keys(runners))));
  for (const c of cases) it(c.name, () => checkCase(c, runners[c.op]!));
});

describe("finite differences", () => {
  const x = range(3, 4).mul(0.3).sin();
  it("slice with steps and a selected index", () => checkFiniteDifferences(([a]) => slice(a!, [[null, null, 2], -1]), [x]));
  it("flip, then pad in every mode", () => {
    for (const mode of ["constant", "reflect", "replicate", "circular"] as const)
      checkFiniteDifferences(([a]) => pad(flip(a!, [0, 1]), [2, 1, 1, 2], { mode }), [x]);
  });
  it("scatterAdd with src larger than index (PyTorch 1.13 cannot differentiate this)", () =>
    checkFiniteDifferences(([a, s]) => scatterAdd(a!, 0, int([[0, 2, 2, 0], [2, 2, 1, 0]]), s!), [x, range(3, 5).cos()]));
  it("sort values and einsum with a diagonal", () => {
    checkFiniteDifferences(([a]) => sort(a!, { axis: 0, descending: true }).values, [x]);
    checkFiniteDifferences(([a, b]) => einsum("ii,ij->j", a!, b!), [range(3, 3).cos(), x]);
  });
  it("gradients of gradients through gather (scatterAdd's VJP is a gather)", () => {
    const idx = int([[1, 1, 0], [2, 0, 0]]);
    const g = grad((a: Tensor) => sum(gather(a, 0, idx).mul(gather(a, 0, idx))));
    checkFiniteDifferences(([a]) => g(a!), [x.narrow(1, 0, 3)]);
  });
});

describe("kernels", () => {
  it("slice walks negative steps from `begin`, end exclusive", () => {
    const y = applyPrim("slice", [range(2, 7)], { begin: [1, 5], end: [-1, 0], step: [-1, -2] });
    expect(y.tolist()).toEqual([[12, 10, 8], [5, 3, 1]]);
    const empty = applyPrim("slice", [range(4)], { begin: [3], end: [3], step: [-1] });
    expect(empty.shape).toEqual([0]);
  });
  it("copies long contiguous runs and int/bool dtypes", () => {
    const big = range(3, 100);
    expectClose(slice(big, [[1, 3], [10, 90]]), reshape(cat([arange(110, 190, 1, { dtype: "float32" }), arange(210, 290, 1, { dtype: "float32" })]), [2, 80]));
    expect(pad(int([1, 2]), [1, 1], { value: 7 }).tolist()).toEqual([7, 1, 2, 7]);
    expect(cat([tensor([true]), tensor([false, true])]).tolist()).toEqual([true, false, true]);
    expect(cat([int([1]), tensor([0.5])]).dtype).toBe("float32");
  });
  it("indexAdd accumulates repeated indices", () => {
    const y = applyPrim("indexAdd", [ones([2, 4]), int([1, 1, 0, 1])], { axis: 1, shape: [2, 3] });
    expect(y.tolist()).toEqual([[1, 3, 0], [1, 3, 0]]);
  });
  it("argsort is stable and sorts long lanes along a middle axis", () => {
    const n = 300;
    const vals = Array.from({ length: n }, (_, i) => (i * 37) % 11);
    const x = reshape(tensor(vals), [1, n, 1]);
    const order = argsort(x, { axis: 1 }).dataSync();
    const expected = vals.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
    expect(Array.from(order)).toEqual(expected);
  });
  it("0-d inputs sort, topk and gather like PyTorch", () => {
    const s = tensor(3);
    expect(sort(s).indices.shape).toEqual([]);
    expect(topk(s, 1).values.item()).toBe(3);
    expect(gather(s, 0, int([0], [])).item()).toBe(3);
  });
  it("out-of-range indices name the op, index and size", () => {
    const x = range(3, 4);
    expect(() => gather(x, 1, int([[0], [4], [1]]))).toThrow("gather: index 4 is out of range for dimension 1 of size 4");
    expect(() => indexSelect(x, 0, int([0, -1]))).toThrow("indexSelect: index -1 is out of range for dimension 0 of size 3");
    expect(() => scatterAdd(x, 0, int([[3]]), x)).toThrow("scatterAdd: index 3 is out of range for dimension 0 of size 3");
    expect(() => takeAlongDim(x, int([12]))).toThrow("takeAlongDim: index 12 is out of range for dimension 0 of size 12");
  });
});

describe("public API details", () => {
  const x = range(2, 3, 4);
  it("Tensor methods delegate", () => {
    expectClose(x.slice(1, null, [1, null, 2]), slice(x, [1, null, [1, null, 2]]));
    expectClose(x.flip(2), flip(x, 2));
    expect(x.split(2, -1).map((t) => t.shape)).toEqual([[2, 3, 2], [2, 3, 2]]);
    expect(x.chunk(2, 1).map((t) => t.shape)).toEqual([[2, 2, 4], [2, 1, 4]]);
    expect(x.repeat(2, 1, 1, 1).shape).toEqual([2, 2, 3, 4]);
    expect(x.tril().triu().sum().item()).toBe(sum(x.mul(reshape(tensor([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]), [3, 4]))).item());
    expect(x.topk(1).indices.shape).toEqual([2, 3, 1]);
    expect(concat).toBe(cat);
  });
  it("narrow/select and a full slice return views of the same values", () => {
    expect(slice(x, [null, [null, null]])).toBe(x);
    expect(select(x, 0, 1).tolist()).toEqual(slice(x, [1]).tolist());
    expect(narrow(x, -1, 1, 2).shape).toEqual([2, 3, 2]);
  });
  it("triu/tril keep int and bool dtypes", () => {
    expect(triu(ones([2, 2], { dtype: "bool" })).tolist()).toEqual([[true, true], [false, true]]);
    expect(tril(ones([2, 2], { dtype: "int32" })).dtype).toBe("int32");
  });
  it("zero-size pieces", () => {
    expect(chunk(zeros([0, 2]), 3).map((t) => t.shape)).toEqual([[0, 2], [0, 2], [0, 2]]);
    expect(splitTensor(zeros([0]), 2).length).toBe(1);
    expect(repeat(tensor([1, 2]), [0]).shape).toEqual([0]);
  });
});

describe("errors name the op and the offending input", () => {
  const x = range(2, 3);
  const cases: [string, () => unknown, string][] = [
    ["slice too many", () => slice(x, [0, 0, 0]), "slice: too many indices (3) for a tensor of shape [2, 3]"],
    ["slice index", () => slice(x, [2]), "slice: index 2 is out of range for dimension 0 of size 2"],
    ["slice step", () => slice(x, [[null, null, -1]]), "slice: step must be positive (use flip to reverse), got -1"],
    ["narrow", () => narrow(x, 1, 2, 2), "narrow: start 2 + length 2 exceeds dimension 1 of size 3"],
    ["select", () => select(x, 1, -4), "select: index -4 is out of range for dimension 1 of size 3"],
    ["flip axis", () => flip(x, 2), "flip: axis 2 is out of range"],
    ["cat shapes", () => cat([x, zeros([3, 3])], 1), "cat: shapes [2, 3], [3, 3] must match except in dimension 1"],
    ["cat empty", () => cat([]), "cat: expected a non-empty list of tensors"],
    ["stack shapes", () => stack([x, zeros([3, 2])]), "stack: all tensors must have the same shape, got [2, 3], [3, 2]"],
    ["split sizes", () => splitTensor(x, [1, 1], 1), "split: sizes [1, 1] must be non-negative integers summing to 3"],
    ["split zero", () => splitTensor(x, 0), "split: split size can only be 0 if dimension 0 has size 0"],
    ["chunk", () => chunk(x, 0), "chunk: number of chunks must be a positive integer, got 0"],
    ["pad odd", () => pad(x, [1]), "pad: padding [1] must be integer pairs"],
    ["pad mode", () => pad(x, [1, 1], { mode: "wrap" as PadMode }), 'pad: unknown mode "wrap"'],
    ["pad reflect", () => pad(x, [3, 0], { mode: "reflect" }), "pad: reflect padding (3, 0) is too large for dimension 1 of size 3"],
    ["pad circular", () => pad(x, [0, 4], { mode: "circular" }), "pad: circular padding (0, 4) is too large for dimension 1 of size 3"],
    ["pad value", () => pad(x, [1, 1], { mode: "replicate", value: 1 }), 'pad: mode "replicate" does not take a fill value (got 1)'],
    ["pad crop", () => pad(x, [-2, -2]), "pad: padding (-2, -2) leaves a negative size in dimension 1 of shape [2, 3]"],
    ["gather float index", () => gather(x, 0, tensor([[0]])), "gather: index must be an int32 tensor, got float32 (shape [1, 1])"],
    ["gather rank", () => gather(x, 0, int([0])), "gather: index shape [1] must have as many dimensions as input shape [2, 3]"],
    ["gather size", () => gather(x, 0, int([[0, 0, 0, 0]])), "gather: index shape [1, 4] is larger than input shape [2, 3] outside dimension 0"],
    ["indexSelect 2-D", () => indexSelect(x, 0, int([[0]])), "indexSelect: index must be 0-D or 1-D, got shape [1, 1]"],
    ["scatterAdd dtype", () => scatterAdd(x, 0, int([[0]]), int([[1]])), "scatterAdd: src dtype int32 must match input dtype float32"],
    ["takeAlongDim broadcast", () => takeAlongDim(x, int([[0], [0], [0]]), 1), "takeAlongDim: shapes [2, 3] and [3, 1] cannot be broadcast outside dimension 1"],
    ["sort axis", () => sort(x, { axis: 2 }), "sort: axis 2 is out of range"],
    ["topk k", () => topk(x, 4), "topk: k = 4 is out of range for dimension -1 of size 3 (shape [2, 3])"],
    ["triu 1-D", () => triu(tensor([1, 2])), "triu: input shape [2] must have at least 2 dimensions"],
    ["tril diagonal", () => tril(x, 0.5), "tril: diagonal must be an integer, got 0.5"],
    ["repeat count", () => repeat(x, [2]), "repeat: 1 repeats [2] are fewer than the dimensions of shape [2, 3]"],
    ["repeat negative", () => repeat(x, [1, -1]), "repeat: repeats [1, -1] must be non-negative integers"],
    ["repeatInterleave counts", () => repeatInterleave(x, [1, 2], 1), "repeatInterleave: 2 repeats do not match dimension 1 of size 3"],
    ["einsum operands", () => einsum("ij,jk->ik", x), 'einsum: equation "ij,jk->ik" names 2 operands but 1 were given'],
    ["einsum rank", () => einsum("ijk", x), 'einsum: subscripts "ijk" do not fit operand 0 of shape [2, 3]'],
    ["einsum sizes", () => einsum("ij,ij->i", x, zeros([2, 4])), "einsum: subscript j has size 3 in operand 0 but 4 in operand 1"],
    ["einsum diagonal", () => einsum("ii->i", x), "einsum: subscript i is repeated in operand 0 with different sizes (2 and 3)"],
    ["einsum output", () => einsum("ij->k", x), "einsum: output subscript k does not appear in any input"],
    ["einsum repeated output", () => einsum("ij->ii", x), "einsum: output subscript i appears more than once"],
    ["einsum character", () => einsum("i1->i", x), 'einsum: invalid subscript "1" in equation "i1->i"'],
  ];
  for (const [name, f, message] of cases) it(name, () => expect(f).toThrow(message));
});
