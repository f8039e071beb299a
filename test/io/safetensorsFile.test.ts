// Tests for safetensors files: the notes' save/load cases, typed Effect errors, atomic writes, and PyTorch's own check.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Effect } from "effect";
import { afterAll, describe, expect, it } from "vitest";
import {
  FileSystemError, SafetensorsError, add, arange, flattenStateDict, key, loadFile, loadIntoTree, loadSafetensors, matmul, randn,
  relu, saveFile, saveSafetensors, scalar, split, tensor, unflattenStateDict, zeros, type Tensor,
} from "../../src/index.js";
import { expectClose, fromJson, type TensorJson } from "../_harness.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-io-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixturePath = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const failure = <E>(program: Effect.Effect<unknown, E>): Promise<E> => Effect.runPromise(Effect.flip(program));

interface Linear {
  readonly weight: Tensor;
  readonly bias: Tensor;
}
interface MlpParams {
  readonly hidden: Linear;
  readonly output: Linear;
}
/** The notes' MLP: output(relu(hidden(x))), weights stored [out, in] as in nn.Linear. */
const mlp = (p: MlpParams, x: Tensor): Tensor =>
  add(matmul(relu(add(matmul(x, p.hidden.weight.T), p.hidden.bias)), p.output.weight.T), p.output.bias);
const mlpTemplate = (inF: number, hid: number, outF: number): MlpParams => ({
  hidden: { weight: zeros([hid, inF]), bias: zeros([hid]) },
  output: { weight: zeros([outF, hid]), bias: zeros([outF]) },
});

describe("the notes' save/load cases", () => {
  const x = arange(4);
  const y = zeros([4]);

  it("a tensor (x-file), a list (x-files) and a record (mydict)", async () => {
    for (const [name, value] of [["x-file", x], ["x-files", [x, y]], ["mydict", { x, y }]] as const) {
      const path = join(dir, `${name}.safetensors`);
      await saveFile(flattenStateDict(value), path);
      expect(unflattenStateDict(await loadFile(path)), name).toEqual(value);
    }
  });

  it("the same cases written from torch load with torch's int64 arange read as int32", async () => {
    expect((unflattenStateDict(await loadFile(fixturePath("safetensors/x-file.safetensors"))) as Tensor).tolist()).toEqual([0, 1, 2, 3]);
    const [x2, y2] = unflattenStateDict(await loadFile(fixturePath("safetensors/x-files.safetensors"))) as Tensor[];
    expect([x2!.dtype, x2!.tolist(), y2!.dtype, y2!.tolist()]).toEqual(["int32", [0, 1, 2, 3], "float32", [0, 0, 0, 0]]);
    const mydict = unflattenStateDict(await loadFile(fixturePath("safetensors/mydict.safetensors"))) as Record<string, Tensor>;
    expect(Object.keys(mydict).sort()).toEqual(["x", "y"]);
  });

  it("an MLP's params (mlp.params): saved, loaded strictly into a fresh tree, same outputs", async () => {
    const [k1, k2, k3, k4, k5] = split(key(0), 5);
    const net: MlpParams = {
      hidden: { weight: randn(k1!, [256, 20]).mul(0.1), bias: randn(k2!, [256]) },
      output: { weight: randn(k3!, [10, 256]).mul(0.1), bias: randn(k4!, [10]) },
    };
    const X = randn(k5!, [2, 20]);
    const path = join(dir, "mlp.params");
    await saveFile(flattenStateDict(net), path, { format: "pt" });
    const { tree: clone } = loadIntoTree(mlpTemplate(20, 256, 10), await loadFile(path));
    expect(mlp(clone, X).eq(mlp(net, X)).tolist()).toEqual(Array.from({ length: 2 }, () => Array(10).fill(true)));
  });

  it("a PyTorch MLP's state dict gives PyTorch's outputs", async () => {
    const fx = JSON.parse(readFileSync(fixturePath("safetensors.json"), "utf8")) as { mlp: { x: TensorJson; y: TensorJson } };
    const { tree } = loadIntoTree(mlpTemplate(4, 8, 3), await loadFile(fixturePath("safetensors/mlp.safetensors")));
    expectClose(mlp(tree, fromJson(fx.mlp.x)), fx.mlp.y, { atol: 1e-6, rtol: 1e-5 }, "mlp");
  });
});

describe("saveSafetensors / loadSafetensors", () => {
  it("returns tensors and metadata", async () => {
    const path = join(dir, "meta.safetensors");
    await Effect.runPromise(saveSafetensors(path, { a: scalar(1) }, { epoch: "3" }));
    const { tensors, metadata } = await Effect.runPromise(loadSafetensors(path));
    expect([tensors.a!.item(), metadata]).toEqual([1, { epoch: "3" }]);
  });

  it("fails with a FileSystemError naming the file, call and code for a missing file", async () => {
    const path = join(dir, "absent.safetensors");
    const e = await failure(loadSafetensors(path));
    expect(e).toBeInstanceOf(FileSystemError);
    expect(e).toMatchObject({ _tag: "FileSystemError", file: path, operation: "read", code: "ENOENT" });
    expect(e.message).toContain(`read ${path} failed: ENOENT`);
  });

  it("fails with a SafetensorsError naming the file and the field for a corrupt file", async () => {
    const path = join(dir, "corrupt.safetensors");
    writeFileSync(path, new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, 123, 34, 119, 34, 58, 51, 125, 32]));
    const e = await failure(loadSafetensors(path));
    expect(e).toBeInstanceOf(SafetensorsError);
    expect(e).toMatchObject({ _tag: "SafetensorsError", file: path });
    expect(e.message).toBe(`decodeSafetensors: ${path}: tensor "w": expected an object { dtype, shape, data_offsets }, got 3`);
  });

  it("rejects invalid tensors before touching the disk", async () => {
    const path = join(dir, "never.safetensors");
    const e = await failure(saveSafetensors(path, { __metadata__: scalar(1) }));
    expect(e).toMatchObject({ _tag: "SafetensorsError", file: path });
    expect(e.message).toBe(`saveSafetensors: ${path}: "__metadata__" is reserved by the safetensors format and cannot name a tensor`);
    expect(readdirSync(dir)).not.toContain("never.safetensors");
  });

  it("promise forms reject with the same tagged errors", async () => {
    await expect(loadFile(join(dir, "absent2.safetensors"))).rejects.toMatchObject({ _tag: "FileSystemError", code: "ENOENT" });
  });
});

describe("atomic writes", () => {
  const listing = (d: string): string[] => readdirSync(d).sort();

  it("replaces an existing file whole", async () => {
    const sub = mkdtempSync(join(dir, "replace-"));
    const path = join(sub, "w.safetensors");
    await saveFile({ a: zeros([1000]) }, path);
    await saveFile({ b: scalar(2) }, path);
    expect(Object.keys(await loadFile(path))).toEqual(["b"]);
    expect(listing(sub)).toEqual(["w.safetensors"]);
  });

  it("fails cleanly into a missing directory", async () => {
    const path = join(dir, "no-such-dir", "w.safetensors");
    const e = await failure(saveSafetensors(path, { a: scalar(1) }));
    expect(e).toMatchObject({ _tag: "FileSystemError", operation: "open", code: "ENOENT" });
    expect(listing(dir)).not.toContain("no-such-dir");
  });

  it("removes its temporary file when the final rename fails", async () => {
    const sub = mkdtempSync(join(dir, "rename-"));
    // The target is a non-empty directory, so the temporary file is written and synced but cannot be renamed.
    const path = join(sub, "taken");
    mkdirSync(path);
    writeFileSync(join(path, "keep"), "x");
    const e = await failure(saveSafetensors(path, { a: randn(key(3), [64]) }));
    expect(e).toMatchObject({ _tag: "FileSystemError", operation: "rename", file: path });
    expect(listing(sub)).toEqual(["taken"]);
    expect(listing(path)).toEqual(["keep"]);
  });

  it("fails cleanly into a read-only directory", async (ctx) => {
    if (process.getuid?.() === 0) {
      console.log("skipped: running as root, which can write into read-only directories");
      ctx.skip();
    }
    const sub = mkdtempSync(join(dir, "readonly-"));
    chmodSync(sub, 0o555);
    try {
      const e = await failure(saveSafetensors(join(sub, "w.safetensors"), { a: scalar(1) }));
      expect(e).toMatchObject({ _tag: "FileSystemError", operation: "open", code: "EACCES" });
      expect(listing(sub)).toEqual([]);
    } finally {
      chmodSync(sub, 0o755);
    }
  });
});

describe("files rivulet writes, read by the independent Python reader against torch tensors", () => {
  const python = "/usr/bin/python3";
  const probe = spawnSync(python, ["-c", "import torch"], { encoding: "utf8" });
  const unavailable = probe.error ? `${python} not found` : probe.status !== 0 ? `${python} cannot import torch` : undefined;

  const asJson = (t: Tensor): TensorJson => ({
    shape: [...t.shape],
    dtype: t.dtype,
    data: Array.from(t.dataSync(), (v) => (Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : v)),
  });
  const write = async (name: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): Promise<string> => {
    const path = join(dir, name);
    await saveFile(tensors, path, metadata);
    const expected = { metadata: metadata ?? {}, tensors: Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, asJson(t)])) };
    writeFileSync(`${path}.json`, JSON.stringify(expected));
    return path;
  };

  it("match value for value and byte for byte", async (ctx) => {
    if (unavailable) {
      console.log(`skipped: ${unavailable}, so gen_safetensors.py --check cannot run`);
      ctx.skip();
    }
    const [k1, k2] = split(key(7), 2);
    const files = [
      await write("all.safetensors", {
        w: randn(k1!, [3, 5]),
        special: tensor(new Float32Array([NaN, -0, Infinity, -Infinity])),
        idx: tensor([-2147483648, 5, 2147483647], { dtype: "int32" }),
        mask: tensor([[true], [false]]),
        s: scalar(1.25),
        empty: zeros([0, 4]),
        "ünï.名前": scalar(3, { dtype: "int32" }),
      }, { format: "pt", "clé": "välue ✓" }),
      await write("x-file.safetensors", flattenStateDict(arange(4))),
      await write("big.safetensors", { big: randn(k2!, [300, 301]) }),
      await write("empty-meta.safetensors", {}, {}),
    ];
    const run = spawnSync(python, ["-B", fixturePath("gen_safetensors.py"), "--check", ...files], { encoding: "utf8" });
    expect(run.stderr + run.stdout).toContain(`ok: ${files.length} file(s) match`);
    expect(run.status).toBe(0);
  });
});
