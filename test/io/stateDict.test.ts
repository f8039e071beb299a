// Tests for flattenStateDict/unflattenStateDict (PyTorch's dotted names) and loadIntoTree (load_state_dict).
import { describe, expect, it } from "vitest";
import { arange, flattenStateDict, loadIntoTree, ones, scalar, tensor, unflattenStateDict, zeros, type PyTree, type Tensor } from "../../src/index.js";

const x = arange(4);
const y = zeros([4]);
const w = ones([2, 3]);
const b = zeros([2]);

describe("flattenStateDict / unflattenStateDict", () => {
  it("names leaves as PyTorch does and rebuilds the tree", () => {
    const tree = { features: [{ weight: w, bias: b }, { weight: w }], bn: { running_mean: b } };
    const flat = flattenStateDict(tree);
    expect(Object.keys(flat)).toEqual(["features.0.weight", "features.0.bias", "features.1.weight", "bn.running_mean"]);
    expect(flat["features.1.weight"]).toBe(w);
    expect(unflattenStateDict(flat)).toEqual(tree);
  });

  it("round-trips the notes' cases: a tensor, a list of tensors, a record", () => {
    expect(flattenStateDict(x)).toEqual({ "": x });
    expect(unflattenStateDict(flattenStateDict(x))).toBe(x);
    expect(flattenStateDict([x, y])).toEqual({ 0: x, 1: y });
    expect(unflattenStateDict(flattenStateDict([x, y]))).toEqual([x, y]);
    expect(unflattenStateDict(flattenStateDict({ x, y }))).toEqual({ x, y });
  });

  it("turns a level into an array only when its keys are exactly 0..n-1 (in any order)", () => {
    const t = scalar(1);
    expect(unflattenStateDict({ "1": t, "0": t })).toEqual([t, t]);
    expect(unflattenStateDict({ "0": t, "2": t })).toEqual({ 0: t, 2: t }); // a Sequential with a parameterless layer at 1
    expect(unflattenStateDict({ "00": t })).toEqual({ "00": t });
    expect(unflattenStateDict({ "0.a": t, "1.a": t, x: t })).toEqual({ 0: { a: t }, 1: { a: t }, x: t });
    expect(unflattenStateDict({})).toEqual({});
  });

  it("keeps __proto__ as a plain name", () => {
    const t = scalar(1);
    const back = unflattenStateDict(Object.fromEntries([["__proto__.w", t]])) as Record<string, PyTree>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(["__proto__"]);
  });

  it("reports names that cannot form a tree, and keys that cannot form names", () => {
    const t = scalar(1);
    expect(() => unflattenStateDict({ a: t, "a.b": t })).toThrow('unflattenStateDict: "a" is a tensor, but "a.b" continues it');
    expect(() => unflattenStateDict({ "a.b": t, a: t })).toThrow('unflattenStateDict: "a" is a tensor, but other names continue it');
    expect(() => unflattenStateDict({ "a..b": t })).toThrow('unflattenStateDict: name "a..b" has an empty part');
    expect(() => unflattenStateDict({ "": t, a: t })).toThrow('unflattenStateDict: name "" has an empty part');
    expect(() => unflattenStateDict({ a: 1 as unknown as Tensor })).toThrow('unflattenStateDict: "a" is not a Tensor');
    expect(() => flattenStateDict({ layer: { "a.b": t } })).toThrow('flattenStateDict: key "a.b" under "layer" cannot be part of a dotted name');
    expect(() => flattenStateDict({ "": t })).toThrow('flattenStateDict: key "" cannot be part of a dotted name');
  });
});

describe("loadIntoTree", () => {
  const template = { hidden: { weight: zeros([2, 3]), bias: zeros([2]) }, steps: zeros([], { dtype: "int32" }) };

  it("fills a template by name, casting to the template's dtypes", () => {
    const state = { "hidden.weight": w, "hidden.bias": tensor([1, 2]), steps: scalar(7) };
    const { tree, missingKeys, unexpectedKeys } = loadIntoTree(template, state);
    expect(tree.hidden.weight).toBe(w);
    expect(tree.hidden.bias.tolist()).toEqual([1, 2]);
    expect(tree.steps.dtype).toBe("int32");
    expect(tree.steps.item()).toBe(7);
    expect([missingKeys, unexpectedKeys]).toEqual([[], []]);
  });

  it("lists missing, unexpected and wrongly-shaped keys in strict mode", () => {
    const state = { "hidden.weight": zeros([3, 2]), extra: b, other: b };
    expect(() => loadIntoTree(template, state)).toThrow(
      "loadIntoTree: error(s) loading the state dict:\n" +
        '  missing keys: "hidden.bias", "steps"\n' +
        '  unexpected keys: "extra", "other"\n' +
        '  size mismatch for "hidden.weight": the state dict has shape [3, 2], the tree expects [2, 3]',
    );
  });

  it("returns what it skipped when not strict, keeping the template's tensors", () => {
    const { tree, missingKeys, unexpectedKeys } = loadIntoTree(template, { "hidden.weight": w, extra: b }, { strict: false });
    expect(tree.hidden.weight).toBe(w);
    expect(tree.hidden.bias).toBe(template.hidden.bias);
    expect(missingKeys).toEqual(["hidden.bias", "steps"]);
    expect(unexpectedKeys).toEqual(["extra"]);
  });

  it("still refuses shape mismatches when not strict, as PyTorch does", () => {
    expect(() => loadIntoTree(template, { "hidden.bias": zeros([3]) }, { strict: false })).toThrow(
      'loadIntoTree: error(s) loading the state dict:\n  size mismatch for "hidden.bias": the state dict has shape [3], the tree expects [2]',
    );
  });

  it("rejects a state dict that is not a record of tensors", () => {
    expect(() => loadIntoTree(template, [w] as unknown as Record<string, Tensor>)).toThrow("loadIntoTree: expected a state dict (a record of tensors by name), got an array");
    expect(() => loadIntoTree(template, { steps: 3 as unknown as Tensor }, { strict: false })).toThrow('loadIntoTree: state dict entry "steps" is number, not a Tensor');
  });
});
