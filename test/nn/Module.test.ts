// Module mechanics: train/eval state, dropout keys, shared layers' summed gradients, the curriculum's custom modules, errors.
import { describe, expect, it } from "vitest";
import { nn, key, split, grad, valueAndGrad, mul, sum, mean, ones, rand, randn, tensor, treeMap, treeLeaves, type Tensor } from "../../src/index.js";
import { checkFiniteDifferences, expectClose } from "../_harness.js";
import { centeredLayer, fixedHiddenMLP, mlp, myLinear, nestMLP } from "./_models.js";

const lin = (i: number, o: number): nn.Module => nn.linear({ inFeatures: i, outFeatures: o });
const x4 = rand(key(11), [2, 4]);

describe("BatchNorm in training and evaluation mode", () => {
  const net = nn.sequential([lin(3, 4), nn.batchNorm1d({ numFeatures: 4 })]);
  const v = net.init(key(0));
  const x = randn(key(1), [6, 3]);

  it("training returns updated running statistics under the layer's path; eval leaves the state as it is", () => {
    const trained = net.apply(v, x, { training: true });
    const bn = trained.state["1"] as nn.State;
    expect((bn.num_batches_tracked as Tensor).item()).toBe(1);
    expect((bn.running_mean as Tensor).tolist()).not.toEqual([0, 0, 0, 0]);
    expect(Object.keys(bn)).toEqual(["running_mean", "running_var", "num_batches_tracked"]);
    expect(((v.state["1"] as nn.State).num_batches_tracked as Tensor).item()).toBe(0);
    const evaluated = net.apply({ params: v.params, state: trained.state }, x);
    expect(evaluated.state).toBe(trained.state);
    // In training mode each feature is standardised over the batch; in eval mode the running statistics are used.
    const m = mean(trained.output, 0).dataSync();
    for (const val of m) expect(Math.abs(val)).toBeLessThan(1e-5);
    expect(Math.abs(mean(evaluated.output, 0).dataSync()[0]!)).toBeGreaterThan(1e-3);
  });

  it("running statistics never carry gradient, and forward() needs the state for BatchNorm", () => {
    const [g, state] = grad(
      (p: nn.Params) => {
        const r = net.apply({ params: p, state: v.state }, x, { training: true });
        return [sum(r.output.square()), r.state] as const;
      },
      { hasAux: true },
    )(v.params);
    expect(Object.keys(g)).toEqual(["0", "1"]);
    expect(((state["1"] as nn.State).running_mean as Tensor).requiresGrad).toBe(false);
    expect(() => net.forward(v.params, x)).toThrow('BatchNorm1d at "1": missing buffer "1.running_mean" (shape [4]); pass the state from init: model.apply({ params, state }, x)');
    expect(net.forward(v.params, x, { state: v.state }).shape).toEqual([6, 4]);
  });

  it("gradients through training-mode BatchNorm match finite differences", () => {
    const w = (v.params["0"] as nn.Params).weight as Tensor;
    checkFiniteDifferences(
      ([xx, ww]) => net.apply({ params: { ...v.params, 0: { ...(v.params["0"] as nn.Params), weight: ww! } }, state: v.state }, xx!, { training: true }).output,
      [x, w],
    );
  });
});

describe("Dropout and keys", () => {
  const net = nn.sequential([lin(4, 64), nn.dropout({ p: 0.5 }), nn.relu(), nn.dropout({ p: 0.25 })]);
  const v = net.init(key(0));

  it("needs a key in training mode, and names the layer when it is missing", () => {
    expect(() => net.apply(v, x4, { training: true })).toThrow('Dropout at "1": training mode needs an RNG key: call apply(variables, x, { training: true, key })');
    expect(net.apply(v, x4).output.tolist()).toEqual(net.forward(v.params, x4).tolist());
  });

  it("is deterministic in the key, different across keys, layers and repeated calls", () => {
    const a = net.apply(v, x4, { training: true, key: key(1) }).output;
    expect(a.tolist()).toEqual(net.apply(v, x4, { training: true, key: key(1) }).output.tolist());
    expect(a.tolist()).not.toEqual(net.apply(v, x4, { training: true, key: key(2) }).output.tolist());
    const drop = nn.dropout({ p: 0.5 });
    const twice = nn.defineModule({ kind: "Twice", children: { d: drop }, forward: ({ children }, x: Tensor) => [children.d(x), children.d(x)] });
    const [m1, m2] = twice.apply({ params: {}, state: {} }, ones([1000]), { training: true, key: key(3) }).output;
    expect(m1!.tolist()).not.toEqual(m2!.tolist());
    const kept = Array.from(m1!.dataSync()).filter((z) => z !== 0);
    expect(new Set(kept)).toEqual(new Set([2]));
    expect(kept.length).toBeGreaterThan(430);
    expect(kept.length).toBeLessThan(570);
    expect(() => nn.dropout({ p: 1.5 })).toThrow("Dropout: dropout probability has to be between 0 and 1, but got 1.5");
  });
});

describe("shared layers", () => {
  const shared = lin(8, 8);
  const net = nn.sequential([lin(4, 8), nn.relu(), shared, nn.relu(), shared, nn.relu(), lin(8, 1)]);
  const v = net.init(key(0));

  it("hold one parameter, listed under both names in the state_dict (net[2].weight is net[4].weight)", () => {
    const sd = nn.stateDict(net, v);
    expect(sd["2.weight"]).toBe(sd["4.weight"]);
    expect(Object.keys(v.params)).toEqual(["0", "2", "6"]);
  });

  it("get the sum of the gradients of both uses", () => {
    const g = grad((p: nn.Params) => sum(net.forward(p, x4)))(v.params);
    // The same computation with two separate layers holding equal values.
    const a = lin(8, 8);
    const b = lin(8, 8);
    const unshared = nn.sequential([net.at(0), nn.relu(), a, nn.relu(), b, nn.relu(), net.at(6)]);
    const up = { ...v.params, 4: v.params["2"]! };
    const ug = grad((p: nn.Params) => sum(unshared.forward(p, x4)))(up);
    const g2 = ug["2"] as nn.Params;
    const g4 = ug["4"] as nn.Params;
    expectClose((g["2"] as nn.Params).weight as Tensor, (g2.weight as Tensor).add(g4.weight as Tensor), {}, "2.weight");
    expectClose((g["2"] as nn.Params).bias as Tensor, (g2.bias as Tensor).add(g4.bias as Tensor), {}, "2.bias");
  });
});

describe("the curriculum's custom modules", () => {
  it("MLP, MySequential and NestMLP in a Sequential (chimera) with FixedHiddenMLP's constant weight and while loop", () => {
    const m = mlp();
    expect(m.forward(m.init(key(0)).params, rand(key(1), [2, 20])).shape).toEqual([2, 10]);
    const layers = [lin(20, 256), nn.relu(), lin(256, 10)];
    const mySequential = nn.defineModule({
      kind: "MySequential",
      children: Object.fromEntries(layers.map((l, i) => [String(i), l])),
      forward: ({ children }, x: Tensor) => Object.values(children).reduce((h, f) => f(h) as Tensor, x),
    });
    const p = mySequential.init(key(0)).params;
    const x20 = rand(key(1), [2, 20]);
    expectClose(mySequential.forward(p, x20), nn.sequential(layers).forward(p, x20));
    const fixed = fixedHiddenMLP();
    expect(nn.namedParameters(fixed.init(key(0)).params).map(([n]) => n)).toEqual(["linear.weight", "linear.bias"]);
    const chimera = nn.sequential([nestMLP(), lin(16, 20), fixed]);
    const cv = chimera.init(key(0));
    const y = chimera.forward(cv.params, rand(key(1), [2, 20]));
    expect(y.shape).toEqual([]);
    expect(Math.abs(y.item())).toBeLessThanOrEqual(1);
    // The gradient flows through the data-dependent loop (each halving is just a scale).
    const g = grad((pp: nn.Params) => chimera.forward(pp, rand(key(1), [2, 20])))(cv.params);
    expect(treeLeaves(g).some((t) => Math.abs(t.abs().sum().item()) > 0)).toBe(true);
  });

  it("CenteredLayer (no parameters) and MyLinear (its own weight and bias)", () => {
    const c = centeredLayer();
    expect(c.forward({}, tensor([1, 2, 3, 4, 5])).tolist()).toEqual([-2, -1, 0, 1, 2]);
    const net = nn.sequential([lin(8, 128), c]);
    expect(Math.abs(net.forward(net.init(key(0)).params, rand(key(1), [4, 8])).mean().item())).toBeLessThan(1e-6);
    const dense = myLinear(5, 3);
    const { params } = dense.init(key(0));
    expect((params.weight as Tensor).shape).toEqual([5, 3]);
    expect(Math.min(...dense.forward(params, rand(key(1), [2, 5])).dataSync())).toBeGreaterThanOrEqual(0);
    const two = nn.sequential([myLinear(64, 8), myLinear(8, 1)]);
    expect(two.forward(two.init(key(0)).params, rand(key(1), [2, 64])).shape).toEqual([2, 1]);
    expect(String(two)).toBe("Sequential(\n  (0): MyLinear()\n  (1): MyLinear()\n)");
  });

  it("a two-layer MLP trains: the loss falls over a few SGD steps", () => {
    const model = nn.sequential([lin(4, 16), nn.tanh(), lin(16, 1)]);
    let params = model.init(key(0)).params;
    const [kx] = split(key(9), 1);
    const x = randn(kx!, [32, 4]);
    const y = sum(mul(x, tensor([1, -2, 0.5, 3])), 1, { keepdim: true });
    const loss = (p: nn.Params) => mean(model.forward(p, x).sub(y).square());
    const first = loss(params).item();
    for (let i = 0; i < 30; i++) {
      const [, g] = valueAndGrad(loss)(params);
      params = treeMap((w, dw) => w.sub(dw.mul(0.05)), params, g);
    }
    expect(loss(params).item()).toBeLessThan(first / 3);
  });
});

describe("errors name the layer, its path and the shapes", () => {
  it("a wrong input feature size, at any depth", () => {
    const net = nn.sequential([lin(4, 8), nn.relu(), lin(8, 1)]);
    expect(() => net.forward(net.init(key(0)).params, rand(key(1), [2, 5]))).toThrow('Linear at "0": input shape [2, 5] must end in inFeatures=4 (got 5)');
    const chimera = nn.sequential([nestMLP(), lin(16, 20)]);
    expect(() => chimera.forward(chimera.init(key(0)).params, rand(key(1), [2, 21]))).toThrow(/^Linear at "0\.net\.0": input shape \[2, 21\]/);
    const conv = nn.sequential([nn.conv2d({ inChannels: 1, outChannels: 2, kernelSize: 3 })]);
    expect(() => conv.forward(conv.init(key(0)).params, rand(key(1), [1, 3, 5, 5]))).toThrow('Conv2d at "0": input shape [1, 3, 5, 5] has 3 channels, expected inChannels=1');
    const bn = nn.sequential([nn.batchNorm2d({ numFeatures: 3 })]);
    expect(() => bn.apply(bn.init(key(0)), rand(key(1), [3, 4, 4]))).toThrow('BatchNorm2d at "0": expected 4D input (got 3D input of shape [3, 4, 4])');
    const emb = nn.embedding({ numEmbeddings: 4, embeddingDim: 2 });
    expect(() => emb.forward(emb.init(key(0)).params, tensor([1.5]))).toThrow("Embedding: indices must be int32, got float32 (shape [1])");
  });

  it("errors from the functional ops are labelled with the layer", () => {
    const net = nn.sequential([nn.maxPool2d({ kernelSize: 2 }), nn.maxPool2d({ kernelSize: 5 })]);
    expect(() => net.forward({}, rand(key(1), [1, 1, 6, 6]))).toThrow(/^MaxPool2d at "1": maxPool2d: /);
  });

  it("variables that do not fit the model", () => {
    const net = nn.sequential([lin(4, 8)]);
    const v = net.init(key(0));
    expect(() => net.apply(v.params as unknown as nn.Variables, x4)).toThrow(/^Sequential\.apply: expected variables \{ params, state \} as init returns them, got an object with keys \[0\]/);
    expect(() => net.forward({}, x4)).toThrow('Linear at "0": missing parameter "0.weight" (shape [8, 4]); pass the params from init');
    const wrong = nn.sequential([lin(5, 8)]).init(key(0)).params;
    expect(() => net.forward(wrong, x4)).toThrow('Linear at "0": parameter "0.weight" has shape [8, 5], expected [8, 4]');
  });

  it("loadStateDict: missing, unexpected and mis-shaped entries", () => {
    const net = nn.sequential([lin(4, 8), nn.relu(), lin(8, 1)]);
    const v = net.init(key(0));
    const sd = nn.stateDict(net, v);
    const { ["2.bias"]: _drop, ...missing } = sd;
    expect(() => nn.loadStateDict(net, v, { ...missing, extra: ones([1]) })).toThrow(
      'loadStateDict: error(s) in loading the state_dict for Sequential: missing key(s) "2.bias"; unexpected key(s) "extra"',
    );
    expect(nn.loadStateDict(net, v, missing, { strict: false }).params["2"]).toEqual(v.params["2"]);
    expect(() => nn.loadStateDict(net, v, { ...sd, "0.weight": ones([3, 4]) })).toThrow(
      'loadStateDict: size mismatch for "0.weight": the checkpoint has shape [3, 4], the model expects [8, 4]',
    );
  });

  it("bad constructor arguments", () => {
    expect(() => nn.linear({ inFeatures: -1, outFeatures: 2 })).toThrow("Linear: inFeatures must be a non-negative integer, got -1");
    expect(() => nn.conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, groups: 2 })).toThrow("Conv2d: inChannels=3 must be divisible by groups=2");
    expect(() => nn.conv2d({ inChannels: 2, outChannels: 4, kernelSize: 3, stride: 2, padding: "same" })).toThrow(/^Conv2d: padding "same" is not supported for strided convolutions/);
    expect(() => nn.groupNorm({ numGroups: 4, numChannels: 6 })).toThrow("GroupNorm: numChannels=6 must be divisible by numGroups=4");
    expect(() => nn.embedding({ numEmbeddings: 4, embeddingDim: 2, paddingIdx: 4 })).toThrow("Embedding: paddingIdx must be within numEmbeddings=4, got 4");
    expect(() => nn.defineModule({ kind: "Bad", children: { "a.b": lin(1, 1) }, forward: (_c, x: Tensor) => x })).toThrow(/^Bad: child name "a\.b"/);
    expect(() =>
      nn.defineModule({ kind: "Bad", children: { weight: lin(1, 1) }, params: { weight: { shape: [1], init: nn.init.zeros() } }, forward: (_c, x: Tensor) => x }),
    ).toThrow(/^Bad: "weight" names both a parameter\/buffer and a child/);
  });
});

describe("init", () => {
  it("is deterministic, and adding a child leaves the others' initialisation unchanged", () => {
    const a = lin(3, 2);
    const b = lin(2, 2);
    const p1 = nn.stateDict(nn.sequential([a, b]), nn.sequential([a, b]).init(key(4)));
    const bigger = nn.sequential([a, b, lin(2, 5)]);
    const p2 = nn.stateDict(bigger, bigger.init(key(4)));
    for (const k of Object.keys(p1)) expect(p2[k]!.tolist(), k).toEqual(p1[k]!.tolist());
    expect(nn.sequential([a, b]).init(key(5)).params["0"]).not.toEqual(nn.sequential([a, b]).init(key(4)).params["0"]);
  });
});
