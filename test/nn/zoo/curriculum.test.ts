// The curriculum's models: state_dict names and shapes, parameter counts and d2l's per-layer shape listings, all against PyTorch.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { key, nn, rand, zeros } from "../../../src/index.js";
import { childListing, shapeListing, stateDictSpec } from "./_meta.js";

interface Listing {
  readonly input: number[];
  readonly layers?: [string, number[]][];
  readonly children?: [string, string, number[]][];
  readonly output?: number[];
  readonly stateDict: [string, number[], string][];
  readonly parameters: number;
}

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL("../../fixtures/zoo.json", import.meta.url)), "utf8")) as {
  curriculum: Record<string, Listing>;
};

const { zoo } = nn;

// Each model as the curriculum builds it, by the fixture's name.
const sequentials: Record<string, () => nn.Sequential> = {
  softmaxRegression: () => zoo.softmaxRegression(),
  mlp: () => zoo.mlp(),
  mlpDropout: () => zoo.mlpDropout(),
  lenet: () => zoo.lenet(),
  lenetBatchNorm: () => zoo.lenetBatchNorm(),
  alexnet: () => zoo.alexnet(),
  d2lVgg: () => zoo.d2lVgg(),
  d2lVggSmall: () => zoo.d2lVgg({ ratio: 4 }),
  nin: () => zoo.nin(),
  googlenet: () => zoo.googlenet(),
  d2lResnet18: () => zoo.d2lResnet18(),
};

const others: Record<string, () => nn.Module> = {
  tudui: () => zoo.tudui(),
  vgg11: () => zoo.vgg11(),
  vgg16: () => zoo.vgg16(),
  resnet18: () => zoo.resnet18(),
};

// rivulet keeps PyTorch's int64 num_batches_tracked as int32 and loads one into the other.
const rivuletDtype = (d: string): string => ({ float32: "float32", int64: "int32" })[d] ?? d;

const paramCount = (m: nn.AnyModule): number =>
  nn.namedModules(m as unknown as nn.Module).reduce((n, [, sub]) => n + Object.values(sub.paramSpecs).reduce((k, s) => k + s.shape.reduce((a, b) => a * b, 1), 0), 0);

describe("curriculum models (shape inference; no 100M-parameter forwards on the CPU)", () => {
  for (const [name, make] of Object.entries({ ...sequentials, ...others })) {
    const ref = fixture.curriculum[name]!;
    it(`${name}: state_dict names, shapes and dtypes are PyTorch's; ${ref.parameters.toLocaleString("en-US")} parameters`, () => {
      const model = make() as unknown as nn.AnyModule;
      expect(stateDictSpec(model)).toEqual(ref.stateDict.map(([k, s, d]) => [k, s, rivuletDtype(d)]));
      expect(paramCount(model)).toBe(ref.parameters);
    });
  }

  for (const [name, make] of Object.entries(sequentials)) {
    const ref = fixture.curriculum[name]!;
    it(`${name}: d2l's "output shape" listing for input [${ref.input}]`, () => {
      expect(shapeListing(make(), ref.input)).toEqual(ref.layers);
    });
  }

  for (const [name, make] of Object.entries(others)) {
    const ref = fixture.curriculum[name]!;
    it(`${name}: each child's output shape (nn.summary) for input [${ref.input}]`, () => {
      const { rows, output } = childListing(make(), ref.input);
      expect(rows).toEqual(ref.children);
      expect(output).toEqual(ref.output);
    });
  }
});

describe("curriculum models run for real where the CPU makes it cheap", () => {
  const cases: [string, () => nn.Module, number[]][] = [
    ["tudui", () => zoo.tudui(), [2, 3, 32, 32]],
    ["softmaxRegression", () => zoo.softmaxRegression(), [2, 1, 28, 28]],
    ["mlp", () => zoo.mlp(), [2, 1, 28, 28]],
    ["lenet (flat 784-pixel rows, as the notes' Reshape allows)", () => zoo.lenet(), [2, 784]],
    ["lenetBatchNorm", () => zoo.lenetBatchNorm(), [2, 1, 28, 28]],
  ];
  for (const [name, make, shape] of cases)
    it(`${name}: real forward on [${shape}] gives [2, 10]`, () => {
      const model = make();
      const v = model.init(key(0));
      const y = model.apply(v, rand(key(1), shape), { training: true, key: key(2) }).output;
      expect([...y.shape]).toEqual([2, 10]);
      expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    });

  it("mlpDropout drops only in training mode, deterministically per key", () => {
    const net = zoo.mlpDropout();
    const v = net.init(key(0));
    const x = rand(key(1), [3, 1, 28, 28]);
    const a = net.apply(v, x, { training: true, key: key(5) }).output.tolist();
    expect(net.apply(v, x, { training: true, key: key(5) }).output.tolist()).toEqual(a);
    expect(net.apply(v, x, { training: true, key: key(6) }).output.tolist()).not.toEqual(a);
    expect(net.forward(v.params, x).tolist()).toEqual(net.forward(v.params, x).tolist());
  });

  it("the building blocks check their arguments", () => {
    expect(() => zoo.d2lVgg({ ratio: 0 })).toThrow(/ratio must be a positive integer/);
    expect(() => zoo.d2lVgg({ ratio: 128 })).toThrow(/leaves no channels/);
    expect(() => zoo.vggBlock({ numConvs: 0, inChannels: 1, outChannels: 8 })).toThrow(/numConvs/);
    expect(() => zoo.vgg16({ width: 0 })).toThrow(/width must be a positive integer/);
    expect(() => zoo.resnet([2, 2, 2] as unknown as [number, number, number, number])).toThrow(/layers must be four/);
  });

  it("a tiny Inception block concatenates its four paths on channels", () => {
    const block = zoo.inception({ inChannels: 3, c1: 2, c2: [2, 3], c3: [1, 2], c4: 1 });
    const v = block.init(key(0));
    expect([...block.forward(v.params, zeros([1, 3, 6, 6])).shape]).toEqual([1, 8, 6, 6]);
    expect(String(block).split("\n")[0]).toBe("Inception(");
  });
});
