// SummaryWriter end to end: every add method's records read back by the independent reader, flushing, crashes and bad log directories.
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Effect, Exit } from "effect";
import { PNG } from "pngjs";
import {
  openSummaryWriter, TensorBoardError, SummaryWriter, nn, tensor, ones, rand, key, relu, matmul, arange, type Tensor,
} from "../../../src/index.js";
import { decode, eventFiles, readEvents, readRecords } from "./_eventReader.js";

const root = mkdtempSync(join(tmpdir(), "rivulet-tb-"));
let dirs = 0;
const freshDir = (): string => join(root, `run${dirs++}`);

const open = async (options: Parameters<typeof openSummaryWriter>[1] = {}): Promise<SummaryWriter> => openSummaryWriter(freshDir(), options);

/** The summary values (with step and wall time) of a run directory's single event file, header excluded. */
const values = (dir: string): Record<string, any>[] => {
  const files = eventFiles(dir);
  expect(files).toHaveLength(1);
  return readEvents(files[0]!)
    .filter((e) => e.summary)
    .flatMap((e) => (e.summary.value as Record<string, any>[]).map((v): Record<string, any> => ({ ...v, step: e.step ?? 0, wallTime: e.wall_time as number })));
};

const pngOf = (bytes: Uint8Array) => PNG.sync.read(Buffer.from(bytes));

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("event files", () => {
  it("are named events.out.tfevents.<time>.<host>.<pid>.<n> and start with brain.Event:2", async () => {
    const before = Date.now() / 1000;
    const w = await open({ filenameSuffix: ".v2" });
    await w.close();
    const name = w.path.split("/").pop()!;
    const m = /^events\.out\.tfevents\.(\d{10})\.(.+)\.(\d+)\.(\d+)\.v2$/.exec(name);
    expect(m, name).not.toBeNull();
    expect(m![2]).toBe(hostname());
    expect(Number(m![3])).toBe(process.pid);
    expect(Math.abs(Number(m![1]) - before)).toBeLessThan(5);
    const [header, ...rest] = readEvents(w.path);
    expect(header!.file_version).toBe("brain.Event:2");
    expect(header!.wall_time).toBeGreaterThanOrEqual(before - 1);
    expect(rest).toHaveLength(0);
  });

  it("get distinct names for writers opened in the same second in one directory", async () => {
    const dir = freshDir();
    const [a, b] = await Promise.all([openSummaryWriter(dir), openSummaryWriter(dir)]);
    await Promise.all([a.close(), b.close()]);
    expect(a.path).not.toBe(b.path);
    expect(eventFiles(dir)).toHaveLength(2);
  });
});

describe("addScalar / addScalars", () => {
  it("writes tags, steps, values (numbers and one-element tensors) and wall times", async () => {
    const w = await open();
    await w.addScalar("loss", 0.5, 1);
    await w.addScalar("loss", tensor([0.25]), 2);
    await w.addScalar("acc", 0, 3, 1234.5); // 0 is a value too: written, not left out as a proto3 default
    await w.addScalar("loss", tensor(2), -1);
    await w.close();
    const vs = values(w.logdir);
    expect(vs.map((v) => [v.tag, v.step, v.simple_value])).toEqual([["loss", 1, 0.5], ["loss", 2, 0.25], ["acc", 3, 0], ["loss", -1, 2]]);
    expect(vs[2]!.wallTime).toBe(1234.5);
    expect(Math.abs(vs[0]!.wallTime - Date.now() / 1000)).toBeLessThan(60);
  });

  it("writes each key of addScalars to the sub-run <logdir>/<mainTag>_<key>, as PyTorch", async () => {
    const w = await open();
    await w.addScalars("loss/all", { train: 1.5, test: tensor([2.5]) }, 7);
    await w.addScalars("loss/all", { train: 1.25, test: 2.25 }, 8);
    await w.close();
    expect(readdirSync(w.logdir).filter((f) => !f.startsWith("events")).sort()).toEqual(["loss_all_test", "loss_all_train"]);
    expect(values(join(w.logdir, "loss_all_train")).map((v) => [v.tag, v.step, v.simple_value])).toEqual([["loss/all", 7, 1.5], ["loss/all", 8, 1.25]]);
    expect(values(join(w.logdir, "loss_all_test")).map((v) => v.simple_value)).toEqual([2.5, 2.25]);
  });

  it("rejects bad tags, steps and values, naming them", async () => {
    const w = await open();
    await expect(w.addScalar("", 1, 0)).rejects.toThrow(/addScalar: tag must be a non-empty string/);
    await expect(w.addScalar("x", 1, 1.5)).rejects.toThrow(/step must be an integer, got 1.5/);
    await expect(w.addScalar("x", ones([2]), 1)).rejects.toThrow(/one-element tensor, got a tensor of shape \[2\]/);
    await expect(w.addScalar("x", "1" as never, 1)).rejects.toThrow(/got string/);
    await w.addScalar("ok", 1, 1); // the writer still works after rejected calls
    await w.close();
    expect(values(w.logdir).map((v) => v.tag)).toEqual(["ok"]);
  });
});

describe("addImage / addImages", () => {
  const img = rand(key(3), [3, 4, 5]);

  it("writes a float CHW image as an RGB PNG with values × 255", async () => {
    const w = await open();
    await w.addImage("sample", img, 4);
    await w.close();
    const [v] = values(w.logdir);
    expect(v!.image).toMatchObject({ height: 4, width: 5, colorspace: 3 });
    const png = pngOf(v!.image.encoded_image_string);
    expect([png.height, png.width]).toEqual([4, 5]);
    const src = img.dataSync();
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 5; x++) expect(png.data[(y * 5 + x) * 4 + c]).toBe(Math.trunc(Math.fround(src[c * 20 + y * 5 + x]! * 255)));
  });

  it("reads HWC and HW layouts, int32 values as they are, and 4 channels as RGBA", async () => {
    const w = await open();
    const gray = tensor([[0, 10], [200, 255]], { dtype: "int32" });
    await w.addImage("hw", gray, 0, { dataFormats: "HW" });
    await w.addImage("hwc", img.permute(1, 2, 0), 0, { dataFormats: "HWC" });
    await w.addImage("rgba", ones([4, 2, 3]).mul(0.5), 0);
    await w.close();
    const [hw, hwc, rgba] = values(w.logdir);
    const g = pngOf(hw!.image.encoded_image_string);
    expect(hw!.image.colorspace).toBe(3); // grey is written as RGB, as PyTorch does
    expect([g.data[0], g.data[4], g.data[8], g.data[12], g.data[13]]).toEqual([0, 10, 200, 255, 255]);
    expect([...hwc!.image.encoded_image_string]).toEqual([...(await imageBytes(img))]); // same pixels as the CHW original
    expect(rgba!.image.colorspace).toBe(4);
    expect(pngOf(rgba!.image.encoded_image_string).data[3]).toBe(127);
  });

  it("tiles a batch with make_grid's layout", async () => {
    const w = await open();
    const batch = rand(key(4), [5, 1, 4, 4]);
    await w.addImages("batch", batch, 2, { nrow: 2 });
    await w.addImages("nhwc", batch.permute(0, 2, 3, 1), 2, { dataFormats: "NHWC", padding: 0 });
    await w.close();
    const [grid, nhwc] = values(w.logdir);
    // 3 rows × (4 + 2) + 2 by 2 columns × (4 + 2) + 2
    expect(grid!.image).toMatchObject({ height: 20, width: 14, colorspace: 3 });
    const png = pngOf(grid!.image.encoded_image_string);
    expect(png.data[0]).toBe(0); // padding
    expect(png.data[(2 * 14 + 2) * 4]).toBe(Math.trunc(Math.fround(batch.dataSync()[0]! * 255)));
    expect(nhwc!.image).toMatchObject({ height: 4, width: 20 }); // one row of five, unpadded
  });

  it("names bad layouts and channel counts", async () => {
    const w = await open();
    await expect(w.addImage("x", img, 0, { dataFormats: "HWC" })).rejects.toThrow(/images need 1, 3 or 4 channels, got 5/);
    await expect(w.addImage("x", img, 0, { dataFormats: "HW" })).rejects.toThrow(/dataFormats "HW" has 2 axes but the image has shape \[3, 4, 5\]/);
    await expect(w.addImage("x", img, 0, { dataFormats: "CHH" as never })).rejects.toThrow(/at most once/);
    await expect(w.addImages("x", img, 0, { dataFormats: "CHW" })).rejects.toThrow(/must include the batch axis N/);
    await w.close();
  });
});

/** What addImage writes for a CHW float image, for comparing layouts. */
const imageBytes = async (chw: Tensor): Promise<Uint8Array> => {
  const w = await open();
  await w.addImage("ref", chw, 0);
  await w.close();
  return values(w.logdir)[0]!.image.encoded_image_string;
};

describe("addHistogram, addText, addPrCurve", () => {
  it("writes a histogram whose buckets sum to the count", async () => {
    const w = await open();
    const x = arange(0, 100).div(10).sub(5);
    await w.addHistogram("weights", x, 3);
    await w.addHistogram("ten", x, 4, { bins: 10 });
    await w.close();
    const [tf, ten] = values(w.logdir);
    expect(tf!.histo).toMatchObject({ min: -5, num: 100 });
    expect(tf!.histo.max).toBeCloseTo(4.9, 6);
    expect((tf!.histo.bucket as number[]).reduce((a, b) => a + b, 0)).toBe(100);
    expect(tf!.histo.bucket_limit.length).toBe(tf!.histo.bucket.length);
    expect(ten!.histo.bucket).toEqual([0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
    expect(ten!.step).toBe(4);
  });

  it("writes text as the text plugin's string tensor under <tag>/text_summary", async () => {
    const w = await open();
    await w.addText("notes", "lr = **0.1** — ünïcode", 1);
    await w.close();
    const [v] = values(w.logdir);
    expect(v!.tag).toBe("notes/text_summary");
    expect(v!.metadata.plugin_data.plugin_name).toBe("text");
    expect(v!.tensor.dtype).toBe("DT_STRING");
    expect(v!.tensor.tensor_shape.dim).toEqual([{ size: 1 }]);
    expect(new TextDecoder().decode(v!.tensor.string_val[0])).toBe("lr = **0.1** — ünïcode");
  });

  it("writes a PR curve as a [6, numThresholds] float tensor with its plugin data", async () => {
    const w = await open();
    await w.addPrCurve("pr", tensor([1, 0, 1, 0]), tensor([0.9, 0.1, 0.6, 0.4]), 5, { numThresholds: 5 });
    await w.close();
    const [v] = values(w.logdir);
    expect(v!.metadata.plugin_data.plugin_name).toBe("pr_curves");
    expect(decode("tensorboard.PrCurvePluginData", v!.metadata.plugin_data.content)).toEqual({ num_thresholds: 5 });
    expect(v!.tensor.tensor_shape.dim).toEqual([{ size: 6 }, { size: 5 }]);
    expect(v!.tensor.float_val.slice(0, 5)).toEqual([2, 2, 2, 1, 0]); // true positives at thresholds 0, .25, .5, .75, 1
  });
});

describe("addHparams", () => {
  it("writes the experiment, session start and end, and the metrics to a sub-run, as PyTorch", async () => {
    const w = await open();
    await w.addHparams({ lr: 0.1, optimizer: "sgd", nesterov: true, skipped: undefined }, { "hparam/accuracy": 0.875 }, { runName: "trial1", hparamDomainDiscrete: { optimizer: ["sgd", "adam"] } });
    await w.close();
    const vs = values(join(w.logdir, "trial1"));
    expect(vs.map((v) => v.tag)).toEqual(["_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info", "hparam/accuracy"]);
    const data = vs.slice(0, 3).map((v) => {
      expect(v.metadata.plugin_data.plugin_name).toBe("hparams");
      return decode("tensorboard.hparams.HParamsPluginData", v.metadata.plugin_data.content);
    });
    expect(data[0]!.experiment.hparam_infos).toEqual([
      { name: "lr", type: "DATA_TYPE_FLOAT64" },
      { name: "optimizer", type: "DATA_TYPE_STRING", domain_discrete: { values: [{ stringValue: "sgd", kind: "stringValue" }, { stringValue: "adam", kind: "stringValue" }] }, domain: "domain_discrete" },
      { name: "nesterov", type: "DATA_TYPE_BOOL" },
    ]);
    expect(data[0]!.experiment.metric_infos).toEqual([{ name: { tag: "hparam/accuracy" } }]);
    const hp = data[1]!.session_start_info.hparams;
    expect([hp.lr.numberValue, hp.optimizer.stringValue, hp.nesterov.boolValue]).toEqual([0.1, "sgd", true]);
    expect(data[2]!.session_end_info.status).toBe("STATUS_SUCCESS");
    expect(vs[3]!.simple_value).toBe(0.875);
  });

  it("names a bad hparam value", async () => {
    const w = await open();
    await expect(w.addHparams({ layers: [1, 2] as never }, {})).rejects.toThrow(/hparam "layers" must be a number, string, boolean/);
    await w.close();
  });
});

describe("addGraph", () => {
  const graphOf = (dir: string) => {
    const events = readEvents(eventFiles(dir)[0]!);
    const g = events.find((e) => e.graph_def)!;
    const meta = events.find((e) => e.tagged_run_metadata)!;
    return { graph: decode("tensorboard.GraphDef", g.graph_def), meta: meta.tagged_run_metadata };
  };

  it("writes a traced model as a GraphDef: one node per op, module scopes, edges and output shapes", async () => {
    const w = await open();
    const net = nn.sequential([
      nn.conv2d({ inChannels: 1, outChannels: 2, kernelSize: 3 }),
      nn.relu(),
      nn.maxPool2d({ kernelSize: 2 }),
      nn.flatten(),
      nn.linear({ inFeatures: 8, outFeatures: 3 }),
    ]);
    await w.addGraph(net, ones([1, 1, 6, 6]));
    await w.close();
    const { graph, meta } = graphOf(w.logdir);
    const nodes = graph.node as Record<string, any>[];
    const byName = new Map(nodes.map((n) => [n.name as string, n]));
    expect(byName.size).toBe(nodes.length);
    for (const n of nodes) for (const i of n.input ?? []) expect(byName.has(i), `${n.name} ← ${i}`).toBe(true);
    const shapeOf = (n: Record<string, any>) => n.attr._output_shapes.list.shape[0].dim?.map((d: { size: number }) => d.size) ?? [];
    expect(shapeOf(byName.get("input/input")!)).toEqual([1, 1, 6, 6]);
    expect(byName.get("input/input")!.op).toBe("IO Node");
    const out = byName.get("output/output.1")!;
    expect(out.op).toBe("IO Node");
    expect(shapeOf(out)).toEqual([1, 3]);
    expect(out.input[0]).toMatch(/^Sequential\/Linear\[4\]\//);
    for (const scope of ["Sequential/Conv2d[0]/", "Sequential/ReLU[1]/relu_", "Sequential/MaxPool2d[2]/", "Sequential/Linear[4]/"])
      expect(nodes.some((n) => n.name.startsWith(scope)), scope).toBe(true);
    const weight = byName.get("Sequential/Conv2d[0]/0.weight")!;
    expect([weight.op, shapeOf(weight)]).toEqual(["Parameter", [2, 1, 3, 3]]);
    const relu = nodes.find((n) => n.op === "relu")!;
    expect(shapeOf(relu)).toEqual([1, 2, 4, 4]);
    expect(graph.versions.producer).toBe(22);
    expect(meta.tag).toBe("step1");
    expect(decode("tensorboard.RunMetadata", meta.run_metadata)).toEqual({ step_stats: { dev_stats: [{ device: "/device:CPU:0" }] } });
  });

  it("traces a plain function of tensors", async () => {
    const w = await open();
    const wgt = ones([3, 2]);
    await w.addGraph((x: Tensor) => relu(matmul(x, wgt)), ones([4, 3]));
    await w.close();
    const nodes = graphOf(w.logdir).graph.node as Record<string, any>[];
    expect(nodes.map((n) => n.op)).toEqual(["IO Node", "reshape", "Constant", "matmul", "reshape", "relu", "IO Node"]);
  });

  it("names what it cannot trace", async () => {
    const w = await open();
    await expect(w.addGraph(42 as never, ones([1]))).rejects.toThrow(/addGraph: expected an nn module or a function/);
    await w.close();
  });
});

describe("flushing, crashes and closing", () => {
  it("keeps records in memory until maxQueue is reached, then writes them", async () => {
    const w = await open({ maxQueue: 3 });
    const count = () => readRecords(readFileSync(w.path)).records.length;
    await w.addScalar("a", 1, 1);
    await w.addScalar("a", 2, 2);
    expect(count()).toBe(1); // the header only
    await w.addScalar("a", 3, 3);
    expect(count()).toBe(4);
    await w.close();
  });

  it("flushes on a timer", async () => {
    const w = await open({ flushSecs: 0.05 });
    await w.addScalar("a", 1, 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(readRecords(readFileSync(w.path)).records).toHaveLength(2);
    await w.close();
  });

  it("leaves every flushed record readable when the process is killed", () => {
    const dir = freshDir();
    const script = join(root, "crash.mts");
    // The writer's module alone, not the whole package, so the child starts quickly.
    const entry = fileURLToPath(new URL("../../../src/sinks/tensorboard/SummaryWriter.ts", import.meta.url));
    writeFileSync(
      script,
      `import { openSummaryWriter } from ${JSON.stringify(entry)};
       const w = await openSummaryWriter(${JSON.stringify(dir)});
       for (let i = 0; i < 5; i++) await w.addScalar("loss", i / 2, i);
       await w.flush();
       await w.addScalar("lost", 1, 99); // queued, never flushed
       process.kill(process.pid, "SIGKILL");`,
    );
    const r = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 30_000 });
    expect(r.signal, r.stderr).toBe("SIGKILL");
    const vs = values(dir);
    expect(vs.map((v) => [v.tag, v.step, v.simple_value])).toEqual([0, 1, 2, 3, 4].map((i) => ["loss", i, i / 2]));
  }, 30_000);

  it("flush() writes without closing, and close is idempotent", async () => {
    const w = await open();
    await w.addScalar("a", 1, 1);
    await w.flush();
    expect(values(w.logdir)).toHaveLength(1);
    await w.addScalar("a", 2, 2);
    await Promise.all([w.close(), w.close()]);
    await w.close();
    expect(values(w.logdir)).toHaveLength(2);
    await expect(w.addScalar("a", 3, 3)).rejects.toThrow(/is closed/);
  });
});

describe("opening", () => {
  it("creates the log directory recursively", async () => {
    const dir = join(freshDir(), "a", "b", "c");
    const w = await openSummaryWriter(dir);
    await w.close();
    expect(eventFiles(dir)).toHaveLength(1);
  });

  it("fails at once, naming the path and errno, when the directory cannot be created", async () => {
    const file = join(root, "not-a-dir");
    writeFileSync(file, "x");
    const err = await openSummaryWriter(join(file, "run")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TensorBoardError);
    expect((err as TensorBoardError).code).toMatch(/ENOTDIR|EEXIST/);
    expect((err as TensorBoardError).message).toContain(join(file, "run"));
    expect((err as TensorBoardError).message).toMatch(/cannot create the log directory/);
  });

  it("rejects bad options", async () => {
    await expect(openSummaryWriter(freshDir(), { maxQueue: 0 })).rejects.toThrow(/maxQueue must be a positive integer/);
    await expect(openSummaryWriter("")).rejects.toThrow(/logdir must be a non-empty string/);
  });

  it("is a resource in Effect programs: acquireRelease with close, a typed TensorBoardError", async () => {
    const dir = freshDir();
    // The form docs/tensorboard.md shows: the one writer API, acquired as an Effect resource.
    const summaryWriter = (logdir: string) =>
      Effect.acquireRelease(
        Effect.tryPromise({ try: () => openSummaryWriter(logdir, { flushSecs: 1000 }), catch: (e) => e as TensorBoardError }),
        (w) => Effect.promise(() => w.close()),
      );
    let writer: SummaryWriter | undefined;
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          writer = yield* summaryWriter(dir);
          yield* Effect.promise(() => writer!.addScalar("loss", 1, 1));
        }),
      ),
    );
    expect(values(dir).map((v) => v.tag)).toEqual(["loss"]); // written by close() at scope exit
    await expect(writer!.addScalar("x", 1)).rejects.toThrow(/closed/);
    const file = join(root, "also-not-a-dir");
    writeFileSync(file, "x");
    const err = await Effect.runPromise(Effect.flip(Effect.scoped(summaryWriter(join(file, "run")))));
    expect(err).toBeInstanceOf(TensorBoardError);
    expect(existsSync(join(file, "run"))).toBe(false);
  });
});
