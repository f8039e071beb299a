// Model surgery as values: Sequential indexing/slicing/assignment/add_module, setModule/getModule, transferVariables, reinit.
import { describe, expect, it } from "vitest";
import { nn, key, type Tensor } from "../../src/index.js";
import { classifier, mlp } from "./_models.js";

const lin = (i: number, o: number): nn.Module => nn.linear({ inFeatures: i, outFeatures: o });
const names = (m: nn.AnyModule): string[] => m.children.map(([n]) => n);
const keys = (m: nn.AnyModule): string[] => Object.keys(nn.stateDict(m, m.init(key(0))));

describe("Sequential", () => {
  const c = classifier();

  it("indexes like PyTorch, negatives included, and names the range when out of it", () => {
    expect(c.length).toBe(7);
    expect(c.at(0)).toBe(c.children[0]![1]);
    expect(String(c.at(-1))).toBe("Linear(in_features=12, out_features=8, bias=True)");
    expect(c.at(-7)).toBe(c.at(0));
    expect(() => c.at(7)).toThrow("Sequential.at: index 7 is out of range for 7 children");
    expect(() => c.at(-8)).toThrow(/^Sequential\.at: index -8 is out of range/);
    expect(() => c.set(9, lin(1, 1))).toThrow(/^Sequential\.set: index 9 is out of range/);
  });

  it("slices keeping the original names, and every change is a new value", () => {
    const s = c.slice(1, 4);
    expect(names(s)).toEqual(["1", "2", "3"]);
    expect(s.at(0)).toBe(c.at(1));
    expect(names(c.slice(-2))).toEqual(["5", "6"]);
    const set = c.set(6, lin(12, 10));
    expect(names(set)).toEqual(names(c));
    expect(String(set.at(6))).toBe("Linear(in_features=12, out_features=10, bias=True)");
    expect(String(c.at(6))).toBe("Linear(in_features=12, out_features=8, bias=True)");
    const added = c.addModule("add_linear", lin(8, 10));
    expect(names(added)).toEqual(["0", "1", "2", "3", "4", "5", "6", "add_linear"]);
    expect(names(added.addModule("3", nn.identity()))).toEqual(names(added));
    expect(added.addModule("3", nn.identity()).at(3).kind).toBe("Identity");
    expect(names(c.append(lin(8, 2)))).toEqual(["0", "1", "2", "3", "4", "5", "6", "7"]);
    expect(c.length).toBe(7);
    expect(() => c.addModule("a.b", lin(1, 1))).toThrow(/^Sequential: child name "a\.b" must be non-empty and must not contain "\."/);
  });

  it("exposes each layer's constructor arguments, so a replacement can reuse them", () => {
    const last = c.at(-1);
    expect(last.config).toEqual({ inFeatures: 12, outFeatures: 8, bias: true });
    const head = c.set(-1, lin(last.config.inFeatures as number, 10));
    expect(head.at(6).config.outFeatures).toBe(10);
    expect(nn.conv2d({ inChannels: 2, outChannels: 4, kernelSize: 3 }).config).toMatchObject({ kernelSize: [3, 3], stride: [1, 1], padding: [0, 0], groups: 1 });
    expect(c.config).toEqual({});
  });

  it("builds the notes' nested blocks with add_module names", () => {
    let net = nn.sequential();
    for (let i = 0; i < 2; i++) net = net.addModule(`block${i}`, nn.sequential([lin(4, 8), nn.relu()]));
    const rg = nn.sequential([net, lin(8, 1)]);
    expect(keys(rg)).toEqual(["0.block0.0.weight", "0.block0.0.bias", "0.block1.0.weight", "0.block1.0.bias", "1.weight", "1.bias"]);
  });
});

describe("setModule / getModule / namedModules", () => {
  const vgg = nn.sequential([
    ["features", nn.sequential([nn.conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3 }), nn.relu()])],
    ["classifier", classifier()],
  ]);

  it("replaces and appends along a dotted path (classifier[6] = …, classifier.add_module(…))", () => {
    const replaced = nn.setModule(vgg, "classifier.6", lin(12, 10));
    expect(String(nn.getModule(replaced, "classifier.6"))).toBe("Linear(in_features=12, out_features=10, bias=True)");
    expect(nn.getModule(replaced, "features")).toBe(nn.getModule(vgg, "features"));
    expect(String(nn.getModule(vgg, "classifier.6"))).toBe("Linear(in_features=12, out_features=8, bias=True)");
    const added = nn.setModule(vgg, "classifier.add_linear", lin(8, 10));
    expect(keys(added).slice(-2)).toEqual(["classifier.add_linear.weight", "classifier.add_linear.bias"]);
    expect((nn.getModule(added, "classifier") as unknown as nn.Sequential).length).toBe(8);
    expect(nn.getModule(vgg, "")).toBe(vgg);
  });

  it("works through user-defined modules and reports a missing child with the available names", () => {
    const m = nn.setModule(mlp(), "out", lin(256, 3));
    expect(m.kind).toBe("MLP");
    const { params } = m.init(key(0));
    expect((params.out as nn.Params).weight!.shape).toEqual([3, 256]);
    expect(m.forward(params, nn.init.zeros()(key(0), [2, 20])).shape).toEqual([2, 3]);
    expect(() => nn.getModule(vgg, "classifier.9")).toThrow('getModule: Sequential at "classifier" has no child "9" (children: 0, 1, 2, 3, 4, 5, 6)');
    expect(() => nn.setModule(vgg, "head.0", lin(1, 1))).toThrow(/^setModule: Sequential has no child "head"/);
    expect(() => nn.setModule(vgg, "", lin(1, 1))).toThrow(/^setModule: the path must name a child/);
  });

  it("lists each module once, shared ones under their first path", () => {
    const shared = lin(8, 8);
    const net = nn.sequential([lin(4, 8), nn.relu(), shared, nn.relu(), shared]);
    expect(nn.namedModules(net).map(([p, m]) => `${p}:${m.kind}`)).toEqual([":Sequential", "0:Linear", "1:ReLU", "2:Linear", "3:ReLU"]);
  });
});

describe("transferVariables", () => {
  it("keeps pretrained tensors of every module still present and initialises only the new ones", () => {
    const net = nn.sequential([["features", nn.sequential([lin(4, 16)])], ["classifier", classifier()]]);
    const pretrained = net.init(key(1));
    const next = nn.setModule(net, "classifier.6", lin(12, 10));
    const v = nn.transferVariables(net, pretrained, next, key(2));
    const before = nn.stateDict(net, pretrained);
    const after = nn.stateDict(next, v);
    for (const k of Object.keys(before)) if (!k.startsWith("classifier.6.")) expect(after[k], k).toBe(before[k]);
    const fresh = nn.stateDict(next, next.init(key(2)));
    expect(after["classifier.6.weight"]!.tolist()).toEqual(fresh["classifier.6.weight"]!.tolist());
    expect(after["classifier.6.weight"]!.shape).toEqual([10, 12]);
    // Moving a pretrained part into a new model keeps its weights wherever it now sits.
    const features = nn.getModule(net, "features") as unknown as nn.Layer;
    const probe = nn.sequential([features, lin(16, 2)]);
    expect(nn.stateDict(probe, nn.transferVariables(net, pretrained, probe, key(3)))["0.0.weight"]).toBe(before["features.0.weight"]);
  });
});

describe("reinit", () => {
  const net = nn.sequential([nn.conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3 }), nn.flatten(), lin(400, 300), nn.relu(), lin(300, 10)]);
  const v = net.init(key(0));

  it("re-draws the named parameters of the selected kinds (d2l's init_weights) and keeps the rest", () => {
    const p = nn.reinit(net, v.params, key(5), { weight: nn.init.normal({ std: 0.01 }) }, { kinds: ["Linear"] });
    const sd = nn.stateDict(net, { params: p, state: v.state });
    const old = nn.stateDict(net, v);
    expect(sd["0.weight"]).toBe(old["0.weight"]);
    expect(sd["2.bias"]).toBe(old["2.bias"]);
    const w = Array.from(sd["2.weight"]!.dataSync());
    const std = Math.sqrt(w.reduce((a, b) => a + b * b, 0) / w.length);
    expect(std).toBeGreaterThan(0.0095);
    expect(std).toBeLessThan(0.0105);
  });

  it("selects by path and applies several initialisers; a shared layer is re-initialised once", () => {
    const p = nn.reinit(net, v.params, key(5), { weight: nn.init.xavierUniform(), bias: nn.init.zeros() }, { where: (path) => path === "4" });
    const sd = nn.stateDict(net, { params: p, state: v.state });
    expect(sd["4.bias"]!.tolist()).toEqual(new Array(10).fill(0));
    expect(sd["2.bias"]).toBe(nn.stateDict(net, v)["2.bias"]);
    const shared = lin(3, 3);
    const s = nn.sequential([shared, shared]);
    const sp = nn.reinit(s, s.init(key(0)).params, key(1), { bias: nn.init.ones() });
    expect(Object.keys(sp)).toEqual(["0"]);
    expect(((sp["0"] as nn.Params).bias as Tensor).tolist()).toEqual([1, 1, 1]);
    expect(() => nn.reinit(net, v.params, key(1), { weight: () => nn.init.zeros()(key(0), [1]) })).toThrow(/^reinit: the initialiser for "0\.weight" gave shape \[1\], expected \[4, 3, 3, 3\]/);
  });
});
