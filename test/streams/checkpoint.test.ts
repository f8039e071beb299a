// Checkpoints with a model: params, buffers and optimizer state round-trip exactly through safetensors under PyTorch's names; the curriculum's mlp.params.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Effect } from "effect";
import { afterAll, describe, expect, it } from "vitest";
import {
  adam, arange, chain, clipGradNorm, crossEntropy, decodeSafetensors, flattenStateDict, grad, key, loadFile, nn, randint, randn, relu,
  saveFile, sgd, tensor, unflattenStateDict, zeros, saveCheckpoint, loadCheckpoint, packCheckpoint, unpackCheckpoint, type Tensor,
} from "../../src/index.js";
import { expectClose, fromJson, type TensorJson } from "../_harness.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-ckpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixturePath = (p: string): string => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
const failure = <E>(p: Effect.Effect<unknown, E>): Promise<E> => Effect.runPromise(Effect.flip(p));

/** d2l's MLP of the "读写文件" section: hidden = Linear(20, 256), output = Linear(256, 10). */
const mlp = (inF = 20, hid = 256, outF = 10): nn.Module =>
  nn.defineModule({
    kind: "MLP",
    children: { hidden: nn.linear({ inFeatures: inF, outFeatures: hid }), output: nn.linear({ inFeatures: hid, outFeatures: outF }) },
    forward: ({ children }, x: Tensor) => children.output(relu(children.hidden(x))),
  });

/** Every tensor of a pytree as [path, dtype, shape, values], so equality is exact (bit for bit for floats that are not NaN). */
const exact = (tree: unknown): unknown[] =>
  Object.entries(flattenStateDict(tree as object)).map(([k, t]) => [k, t.dtype, [...t.shape], Array.from(t.dataSync())]);

/** LeNet with BatchNorm after one SGD-momentum step and one Adam step, so params, buffers and optimizer state all differ from init. */
const trained = () => {
  const model = nn.zoo.lenetBatchNorm();
  const v0 = model.init(key(0));
  const x = randn(key(1), [4, 1, 28, 28]);
  const y = randint(key(2), 0, 10, [4]);
  const loss = (params: nn.Params) => crossEntropy(model.apply({ params, state: v0.state }, x, { training: true }).output, y);
  const g = grad(loss)(v0.params);
  const opt = chain(clipGradNorm(1), sgd({ lr: 0.1, momentum: 0.9 }), adam({ lr: 1e-3 }));
  const { state: optState } = opt.update(g, opt.init(v0.params), v0.params);
  const { state } = model.apply(v0, x, { training: true });
  return { model, variables: { params: v0.params, state }, opt, optState };
};

describe("checkpoints round-trip exactly", () => {
  it("params, BatchNorm buffers (num_batches_tracked included), chained optimizer state with its counters, step, key and metadata", async () => {
    const { model, variables, opt, optState } = trained();
    const path = join(dir, "lenet.safetensors");
    await Effect.runPromise(saveCheckpoint(path, { params: variables.params, modelState: variables.state, optState, step: 41, rng: key(1234567) }, { model, metadata: { note: "epoch 3 ✓" } }));
    const loaded = await Effect.runPromise(loadCheckpoint(path, { model, optState: opt.init(variables.params) }));
    expect(exact(loaded.variables)).toEqual(exact(variables));
    expect(exact(loaded.state.optState)).toEqual(exact(optState));
    // The counters come back as numbers in the same places (clip state {}, sgd count 1, adam count 1).
    expect(JSON.parse(JSON.stringify(loaded.state.optState, (_k, v: unknown) => (v instanceof Object && "dtype" in v ? "T" : v)))).toEqual(
      JSON.parse(JSON.stringify(optState, (_k, v: unknown) => (v instanceof Object && "dtype" in v ? "T" : v))),
    );
    expect([loaded.state.step, loaded.state.rng, loaded.metadata]).toEqual([41, key(1234567), { note: "epoch 3 ✓" }]);
    expect(nn.stateDict(model, loaded.variables)["1.num_batches_tracked"]!.item()).toBe(1);
    // The loaded state keeps training where it stopped: one more update from either state is identical.
    const next = opt.update(variables.params, optState, variables.params);
    const nextLoaded = opt.update(loaded.variables.params, loaded.state.optState as typeof optState, loaded.variables.params);
    expect(exact(nextLoaded.updates)).toEqual(exact(next.updates));
  });

  it("lays the file out under PyTorch's state_dict names, optimizer tensors under optState.<path>, counters in the header", async () => {
    const { model, variables, optState } = trained();
    const packed = packCheckpoint({ params: variables.params, modelState: variables.state, optState, step: 7 }, { model });
    const names = Object.keys(packed.tensors);
    expect(names.filter((n) => !n.startsWith("optState."))).toEqual(Object.keys(nn.stateDict(model, variables)));
    expect(names).toContain("optState.1.momentumBuffer.0.weight");
    expect(names).toContain("optState.2.expAvgSq.15.bias");
    expect(packed.metadata).toMatchObject({ format: "pt" });
    const header = JSON.parse(packed.metadata["rivulet.checkpoint"]!) as { stateDict: boolean; state: { $r: { step: number; optState: [{ $r: object }, { $r: { count: number } }, { $r: { count: number } }] } } };
    const described = header.state.$r.optState;
    expect([header.stateDict, header.state.$r.step, described[0].$r, described[1].$r.count, described[2].$r.count]).toEqual([true, 7, {}, 1, 1]);
    // The file on disk decodes to the same names (the reader of src/io; PyTorch's reading is checked in test/nn/zoo).
    const path = join(dir, "layout.safetensors");
    await Effect.runPromise(saveCheckpoint(path, { params: variables.params, modelState: variables.state, optState, step: 7 }, { model }));
    const decoded = decodeSafetensors(readFileSync(path));
    expect(Object.keys(decoded.tensors).sort()).toEqual([...names].sort());
    expect(decoded.tensors["1.num_batches_tracked"]!.dtype).toBe("int32");
  });

  it("a state_dict-only file (no optimizer state) loads without a template; non-finite counters survive", () => {
    const model = mlp(3, 4, 2);
    const variables = model.init(key(0));
    const optState = { count: Infinity, lr: Number.NaN, history: [1.5, -2], nested: { w: zeros([2]) } };
    const back = unpackCheckpoint(packCheckpoint({ params: variables.params, optState }, { model }), { model });
    expect(back.state.optState).toMatchObject({ count: Infinity, history: [1.5, -2] });
    expect(Number.isNaN((back.state.optState as { lr: number }).lr)).toBe(true);
    const plain = unpackCheckpoint(packCheckpoint({ params: variables.params }, { model }), { model });
    expect([plain.state.optState, plain.state.step, plain.state.rng]).toEqual([undefined, undefined, undefined]);
    expect(exact(plain.variables)).toEqual(exact(variables));
  });

  it("a shared layer is saved under each of its names and loaded from its first", () => {
    const shared = nn.linear({ inFeatures: 4, outFeatures: 4 });
    const model = nn.sequential([nn.linear({ inFeatures: 3, outFeatures: 4 }), shared, nn.relu(), shared]);
    const variables = model.init(key(0));
    const packed = packCheckpoint({ params: variables.params }, { model });
    expect(Object.keys(packed.tensors)).toEqual(["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"]);
    const { "3.weight": _w, "3.bias": _b, ...firstOnly } = packed.tensors;
    expect(exact(unpackCheckpoint({ ...packed, tensors: firstOnly }, { model }).variables)).toEqual(exact(variables));
  });
});

describe("the curriculum's 读写文件", () => {
  it("mlp.params: save an nn MLP's state_dict, build a clone, load it, eval: the outputs are equal", async () => {
    const net = mlp();
    const variables = net.init(key(0));
    const X = randn(key(1), [2, 20]);
    const Y = net.forward(variables.params, X);
    const path = join(dir, "mlp.params");
    await Effect.runPromise(saveCheckpoint(path, { params: variables.params }, { model: net })); // torch.save(net.state_dict(), 'mlp.params')
    const clone = mlp(); // clone = MLP()
    const { variables: cloneVars } = await Effect.runPromise(loadCheckpoint(path, { model: clone })); // clone.load_state_dict(torch.load("mlp.params"))
    expect(String(clone)).toBe(String(net)); // print(clone.eval())
    const Yclone = clone.forward(cloneVars.params, X); // eval mode is forward's default
    expect(Yclone.eq(Y).tolist()).toEqual([Array(10).fill(true), Array(10).fill(true)]);
  });

  it("PyTorch's own MLP state_dict (written by torch) loads into an nn model and gives torch's output", async () => {
    const fx = JSON.parse(readFileSync(fixturePath("safetensors.json"), "utf8")) as { mlp: { x: TensorJson; y: TensorJson } };
    const model = mlp(4, 8, 3);
    const { variables } = await Effect.runPromise(loadCheckpoint(fixturePath("safetensors/mlp.safetensors"), { model }));
    expectClose(model.forward(variables.params, fromJson(fx.mlp.x)), fx.mlp.y, { atol: 1e-6, rtol: 1e-5 }, "mlp");
  });

  it("x-file, x-files and mydict: a tensor, a list and a dict of tensors", async () => {
    const x = arange(4);
    const y = zeros([4]);
    for (const [name, value] of [["x-file", x], ["x-files", [x, y]], ["mydict", { x, y }]] as const) {
      const path = join(dir, name);
      await saveFile(flattenStateDict(value), path);
      const back = unflattenStateDict(await loadFile(path));
      // A dict's entries come back in the file's order (by dtype, then name), which a dict does not care about.
      const sorted = (t: unknown) => exact(t).sort((a, b) => String((a as unknown[])[0]).localeCompare(String((b as unknown[])[0])));
      expect(sorted(back)).toEqual(sorted(value));
    }
  });
});

describe("checkpoint errors name what is wrong", () => {
  it("an optimizer state that does not match the given template (another model's), naming the paths", async () => {
    const { model, variables, opt, optState } = trained();
    const path = join(dir, "opt.safetensors");
    await Effect.runPromise(saveCheckpoint(path, { params: variables.params, modelState: variables.state, optState }, { model }));
    const other = nn.zoo.lenetBatchNorm({ numClasses: 5 }).init(key(0)).params;
    const e = await failure(loadCheckpoint(path, { model, optState: opt.init(other) }));
    expect(e).toMatchObject({ _tag: "CheckpointError", file: path });
    expect((e as Error).message).toContain(`"optState.1.momentumBuffer.15.weight" is [10, 84] in the file, [5, 84] in the given optState`);
    const plain = join(dir, "plain.safetensors");
    await Effect.runPromise(saveCheckpoint(plain, { params: variables.params, modelState: variables.state }, { model }));
    expect((await failure(loadCheckpoint(plain, { model, optState: opt.init(variables.params) })) as Error).message).toContain("has no optimizer state");
  });

  it("a header naming absent tensors, bad JSON, bad counters; tensors nothing refers to", () => {
    const model = mlp(3, 4, 2);
    const variables = model.init(key(0));
    const packed = packCheckpoint({ params: variables.params, optState: { count: 2, m: { a: zeros([2]) } }, step: 3 }, { model });
    const { "optState.m.a": _t, ...noTensor } = packed.tensors;
    // Without its optimizer tensor the model part has every entry, so the header's reference is what fails.
    expect(() => unpackCheckpoint({ ...packed, tensors: noTensor }, { model }, "m.safetensors")).toThrow('m.safetensors: field state.optState.m.a: refers to tensor "optState.m.a", which the file does not hold');
    expect(() => unpackCheckpoint({ ...packed, metadata: { ...packed.metadata, "rivulet.checkpoint": "{oops" } }, { model })).toThrow(/"rivulet.checkpoint" is not valid JSON/);
    const header = JSON.parse(packed.metadata["rivulet.checkpoint"]!);
    const withHeader = (h: unknown) => ({ ...packed, metadata: { ...packed.metadata, "rivulet.checkpoint": JSON.stringify(h) } });
    expect(() => unpackCheckpoint(withHeader({ ...header, version: 2 }), { model }, "m.safetensors")).toThrow('m.safetensors: metadata "rivulet.checkpoint": field version: expected 1, got 2');
    expect(() => unpackCheckpoint(withHeader({ ...header, state: { $r: { step: -1 } } }), { model }, "m.safetensors")).toThrow("field state.step: expected a non-negative integer, got -1");
    // Without the model, the state_dict tensors are what nothing in the header refers to.
    expect(() => unpackCheckpoint(packed, {}, "m.safetensors")).toThrow("holds a model's state_dict (saved with { model }); pass { model } to load it");
  });

  it("a file in the earlier nn.writeCheckpoint layout is named as such, not loaded as something else", () => {
    const model = mlp(3, 4, 2);
    const { tensors } = packCheckpoint({ params: model.init(key(0)).params }, { model });
    const old = { tensors: { ...tensors, "optimizer.count": zeros([1]) }, metadata: { format: "pt", "rivulet.optimizer": "{}", "rivulet.step": "3" } };
    expect(() => unpackCheckpoint(old, { model }, "old.safetensors")).toThrow(/old.safetensors: was written by an earlier rivulet .*nn.loadStateDict/);
  });

  it("what cannot be saved: reserved metadata, a Map in the state, a bad step; a failed save writes nothing", async () => {
    const model = mlp(3, 4, 2);
    const variables = model.init(key(0));
    expect(() => packCheckpoint({ params: variables.params }, { model, metadata: { format: "np" } })).toThrow(/metadata field "format" is reserved/);
    expect(() => packCheckpoint({ params: variables.params, optState: { mode: new Map() } }, { model })).toThrow(/cannot save optState.mode: Map/);
    expect(() => packCheckpoint({ params: variables.params, step: 1.5 }, { model })).toThrow(/step must be a non-negative integer/);
    const path = join(dir, "bad.safetensors");
    const e = await failure(saveCheckpoint(path, { params: variables.params, extra: new Set() } as never, { model }));
    expect(e).toMatchObject({ _tag: "CheckpointError", file: path });
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
  });

  it("a model entry named like a state field is kept apart from it", () => {
    const clash = nn.defineModule({ kind: "Net", children: { optState: nn.linear({ inFeatures: 2, outFeatures: 2 }) }, forward: ({ children }, x: Tensor) => children.optState(x) });
    const variables = clash.init(key(0));
    const optState = { weight: zeros([2, 2]) };
    const packed = packCheckpoint({ params: variables.params, optState }, { model: clash });
    expect(Object.keys(packed.tensors)).toEqual(["optState.weight", "optState.bias", "optState.weight~2"]);
    const back = unpackCheckpoint(packed, { model: clash });
    expect(exact(back.variables)).toEqual(exact(variables));
    expect(exact(back.state.optState)).toEqual(exact(optState));
  });

  it("missing, unexpected and wrong-shape model entries, together; strict: false initialises the missing from the key", () => {
    const model = mlp(3, 4, 2);
    const variables = model.init(key(0));
    const { tensors } = packCheckpoint({ params: variables.params }, { model });
    const { "output.bias": _b, ...rest } = tensors;
    const bad = { ...rest, "hidden.weight": tensor([[1, 2, 3]]), "extra.x": zeros([1]) };
    expect(() => unpackCheckpoint({ tensors: bad, metadata: {} }, { model }, "m.safetensors")).toThrow(
      `loadCheckpoint: m.safetensors does not fit MLP: missing key(s) "output.bias"; unexpected key(s) "extra.x"; wrong shape(s): "hidden.weight" is [1, 3] in the file, [4, 3] in the model`,
    );
    const loose = unpackCheckpoint({ tensors: { ...rest, "extra.x": zeros([1]) }, metadata: {} }, { model, strict: false, key: key(9) });
    expect([loose.missingKeys, loose.unexpectedKeys]).toEqual([["output.bias"], ["extra.x"]]);
    expect(exact(nn.stateDict(model, loose.variables)["output.bias"])).toEqual(exact(nn.stateDict(model, model.init(key(9)))["output.bias"]));
    expect(exact(nn.stateDict(model, loose.variables)["hidden.weight"])).toEqual(exact(tensors["hidden.weight"]));
  });
});
