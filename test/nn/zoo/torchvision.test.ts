// torchvision layouts: VGG-16 and ResNet-18 keys against torchvision's list, width-reduced copies loading PyTorch's weights and matching its outputs, files PyTorch reads back.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Effect } from "effect";
import { afterAll, describe, expect, it } from "vitest";
import { adam, key, loadFile, nn, saveCheckpoint, saveFile, chain, clipGradNorm, randn, type Tensor } from "../../../src/index.js";
import { expectClose, fromJson, type TensorJson } from "../../_harness.js";

interface Small {
  readonly options: Record<string, number>;
  readonly input: number[];
  readonly x: TensorJson;
  readonly y: TensorJson;
  readonly yTrain?: TensorJson;
  readonly trainState?: Record<string, TensorJson>;
  readonly stateDict: [string, number[], string][];
}

const fixturePath = (p: string): string => fileURLToPath(new URL(`../../fixtures/${p}`, import.meta.url));
const fixture = JSON.parse(readFileSync(fixturePath("zoo.json"), "utf8")) as { small: Record<string, Small> };
const vggSmall = fixture.small["vgg16-small"]!;
const resnetSmall = fixture.small["resnet18-small"]!;
const vggFile = fixturePath("zoo/vgg16-small.safetensors");
const resnetFile = fixturePath("zoo/resnet18-small.safetensors");
const { zoo } = nn;

const dir = mkdtempSync(join(tmpdir(), "rivulet-zoo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = <E>(p: Effect.Effect<unknown, E>): Promise<E> => Effect.runPromise(Effect.flip(p));

describe("width-reduced torchvision models with PyTorch's weights", () => {
  it("vgg16 (width 4, classifier 32): loads by name and gives PyTorch's eval output within 1e-4", async () => {
    const { model, variables, missingKeys, unexpectedKeys } = await zoo.vgg16({ weights: vggFile, width: 4, hiddenFeatures: 32, numClasses: 10 });
    expect([missingKeys, unexpectedKeys]).toEqual([[], []]);
    expect(Object.keys(nn.stateDict(model, variables))).toEqual(vggSmall.stateDict.map(([k]) => k));
    expectClose(model.forward(variables.params, fromJson(vggSmall.x), { state: variables.state }), vggSmall.y, { atol: 1e-4, rtol: 0 }, "vgg16-small");
  });

  it("resnet18 (width 4): eval output, and training-mode output and running statistics, within 1e-4 of PyTorch", async () => {
    const { model, variables } = await zoo.resnet18({ weights: resnetFile, width: 4, numClasses: 10 });
    const x = fromJson(resnetSmall.x);
    expect(Object.keys(nn.stateDict(model, variables))).toEqual(resnetSmall.stateDict.map(([k]) => k));
    expectClose(model.forward(variables.params, x, { state: variables.state }), resnetSmall.y, { atol: 1e-4, rtol: 0 }, "resnet18-small eval");
    const { output, state } = model.apply(variables, x, { training: true });
    expectClose(output, resnetSmall.yTrain!, { atol: 1e-4, rtol: 0 }, "resnet18-small train");
    const after = nn.stateDict(model, { params: variables.params, state });
    for (const [name, ref] of Object.entries(resnetSmall.trainState!)) expectClose(after[name]!, ref, { atol: 1e-5, rtol: 0 }, name);
    expect(after["bn1.num_batches_tracked"]!.item()).toBe(8);
  });

  it("loadPretrained works for any model value, as an Effect", async () => {
    const model = zoo.resnet18({ width: 4, numClasses: 10 });
    const { variables } = await Effect.runPromise(zoo.loadPretrained(model, resnetFile));
    expectClose(model.forward(variables.params, fromJson(resnetSmall.x), { state: variables.state }), resnetSmall.y, { atol: 1e-4, rtol: 0 });
  });
});

describe("torchvision's initialisation", () => {
  const std = (t: Tensor): number => Math.sqrt(t.square().mean().item());
  it("vggInitWeights: convs kaiming-normal (fan_out, relu), linears N(0, 0.01), biases zero", () => {
    const model = zoo.vgg16({ width: 4, hiddenFeatures: 32, numClasses: 10 });
    const sd = nn.stateDict(model, { params: zoo.vggInitWeights(model, model.init(key(0)).params, key(1)), state: {} });
    // features.28 is 32 → 32 channels, 3×3: fan_out 288, std √(2/288).
    expect(std(sd["features.28.weight"]!)).toBeCloseTo(Math.sqrt(2 / 288), 2);
    expect(std(sd["classifier.0.weight"]!)).toBeCloseTo(0.01, 3);
    expect(sd["features.28.bias"]!.abs().max().item()).toBe(0);
    expect(sd["classifier.6.bias"]!.abs().max().item()).toBe(0);
  });

  it("resnetInitWeights: convs kaiming-normal (fan_out, relu), the rest as init gives them", () => {
    const model = zoo.resnet18({ width: 4, numClasses: 10 });
    const v = model.init(key(0));
    const sd = nn.stateDict(model, { params: zoo.resnetInitWeights(model, v.params, key(1)), state: v.state });
    expect(std(sd["layer4.1.conv2.weight"]!)).toBeCloseTo(Math.sqrt(2 / (32 * 9)), 2);
    expect(sd["fc.weight"]!.tolist()).toEqual(nn.stateDict(model, v)["fc.weight"]!.tolist());
  });
});

describe("loading weights that do not fit", () => {
  const vggOpts = { width: 4, hiddenFeatures: 32, numClasses: 10 };
  const doctored = async (name: string, edit: (d: Record<string, Tensor>) => void): Promise<string> => {
    const dict = { ...(await loadFile(vggFile)) };
    edit(dict);
    const path = join(dir, name);
    await saveFile(dict, path);
    return path;
  };

  it("names every missing, unexpected and wrongly-shaped key in one error", async () => {
    const path = await doctored("bad.safetensors", (d) => {
      delete d["classifier.6.bias"];
      delete d["features.0.weight"];
      d["classifier.7.weight"] = randn(key(0), [2, 2]);
      d["features.2.weight"] = randn(key(1), [4, 4, 5, 5]);
    });
    const e = await failure(zoo.loadPretrained(zoo.vgg16(vggOpts), path));
    expect(e).toMatchObject({
      _tag: "CheckpointError",
      file: path,
      missingKeys: ["features.0.weight", "classifier.6.bias"],
      unexpectedKeys: ["classifier.7.weight"],
      wrongShapes: [{ name: "features.2.weight", fileShape: [4, 4, 5, 5], modelShape: [4, 4, 3, 3] }],
    });
    const message = (e as Error).message;
    for (const part of [path, "VGG", `"features.0.weight"`, `"classifier.6.bias"`, `"classifier.7.weight"`, `"features.2.weight" is [4, 4, 5, 5] in the file, [4, 4, 3, 3] in the model`])
      expect(message).toContain(part);
    await expect(zoo.vgg16({ ...vggOpts, weights: path })).rejects.toMatchObject({ _tag: "CheckpointError" });
  });

  it("strict: false loads what fits, initialises what is missing and reports both lists", async () => {
    const path = await doctored("partial.safetensors", (d) => {
      delete d["classifier.6.bias"];
      d["extra.weight"] = randn(key(0), [3]);
    });
    const { model, variables, missingKeys, unexpectedKeys } = await zoo.vgg16({ ...vggOpts, weights: path, strict: false, key: key(3) });
    expect([missingKeys, unexpectedKeys]).toEqual([["classifier.6.bias"], ["extra.weight"]]);
    const fresh = nn.stateDict(model, model.init(key(3)));
    const sd = nn.stateDict(model, variables);
    expect(sd["classifier.6.bias"]!.tolist()).toEqual(fresh["classifier.6.bias"]!.tolist());
    expect(sd["classifier.6.weight"]!.tolist()).toEqual((await loadFile(vggFile))["classifier.6.weight"]!.tolist());
  });

  it("refuses wrong shapes even when not strict (as PyTorch), and another model's file", async () => {
    const e = await failure(zoo.loadPretrained(zoo.vgg16({ ...vggOpts, numClasses: 5 }), vggFile, { strict: false }));
    expect(e).toMatchObject({ _tag: "CheckpointError", wrongShapes: [{ name: "classifier.6.weight" }, { name: "classifier.6.bias" }] });
    const other = await failure(zoo.loadPretrained(zoo.resnet18({ width: 4, numClasses: 10 }), vggFile));
    expect((other as Error).message).toMatch(/missing key\(s\) "conv1.weight", "bn1.weight", .* … and 82 more; unexpected key\(s\) .*"features.0.weight"/);
  });

  it("reports an unreadable file as the file-system or safetensors error it is", async () => {
    expect(await failure(zoo.loadPretrained(zoo.vgg16(vggOpts), join(dir, "nope.safetensors")))).toMatchObject({ _tag: "FileSystemError", code: "ENOENT" });
    const junk = join(dir, "junk.safetensors");
    await Effect.runPromise(Effect.promise(() => import("node:fs/promises").then((fs) => fs.writeFile(junk, new Uint8Array([1, 2, 3])))));
    expect(await failure(zoo.loadPretrained(zoo.vgg16(vggOpts), junk))).toMatchObject({ _tag: "SafetensorsError" });
  });
});

describe("files rivulet writes, read back by PyTorch (gen_zoo.py --check)", () => {
  const python = "/usr/bin/python3";
  const probe = spawnSync(python, ["-c", "import torch, torchvision"], { encoding: "utf8" });
  const unavailable = probe.error ? `${python} not found` : probe.status !== 0 ? `${python} cannot import torch and torchvision` : undefined;

  it("a state_dict and a checkpoint with optimizer state load strictly into torchvision's models and give PyTorch's outputs", async (ctx) => {
    if (unavailable) {
      console.log(`skipped: ${unavailable}, so gen_zoo.py --check cannot run`);
      ctx.skip();
    }
    const vgg = await zoo.vgg16({ weights: vggFile, width: 4, hiddenFeatures: 32, numClasses: 10 });
    const res = await zoo.resnet18({ weights: resnetFile, width: 4, numClasses: 10 });
    const vggPath = join(dir, "vgg16-rivulet.safetensors");
    const resPath = join(dir, "resnet18-rivulet.safetensors");
    await Effect.runPromise(saveCheckpoint(vggPath, { params: vgg.variables.params, modelState: vgg.variables.state }, { model: vgg.model }));
    const opt = chain(clipGradNorm(1), adam({ lr: 1e-3 }));
    await Effect.runPromise(saveCheckpoint(resPath, { params: res.variables.params, modelState: res.variables.state, optState: opt.init(res.variables.params), step: 12 }, { model: res.model }));
    // The checker must notice a change: a file with one weight altered fails (checked in the same run; Python starts slowly).
    const altered = { ...(await loadFile(vggPath)) };
    altered["features.0.bias"] = altered["features.0.bias"]!.add(1);
    const badPath = join(dir, "altered.safetensors");
    await saveFile(altered, badPath);
    const args = [vggPath, "vgg16-small", resPath, "resnet18-small", badPath, "vgg16-small"];
    const run = spawnSync(python, ["-B", fixturePath("gen_zoo.py"), "--check", ...args], { encoding: "utf8", cwd: fixturePath(".") });
    expect(run.stdout).toContain(`ok: ${vggPath} loads into torchvision's vgg16-small`);
    expect(run.stdout).toContain(`ok: ${resPath} loads into torchvision's resnet18-small`);
    expect(run.stderr.trim()).toBe(`${badPath}: features.0.bias: values differ from PyTorch's`);
    expect(run.status).toBe(1);
  });
});
