// The `rivulet` command end to end: training, resume, eval, predict, summary and info as child processes on tiny data, and every usage error.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PNG } from "pngjs";
import { Effect } from "effect";
import { nn, loadCheckpoint } from "../../src/index.js";
import { main } from "../../src/cli/main.js";
import type { CliIo } from "../../src/cli/CliIo.js";
import { idx, put } from "../streams/datasets/_fixtures.js";
import { eventFiles, readEvents } from "../sinks/tensorboard/_eventReader.js";

const BIN = fileURLToPath(new URL("../../bin/rivulet.js", import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `rivulet args…` as a child process (through bin/rivulet.js, which runs the sources with tsx in a checkout). */
const rivulet = (args: readonly string[], cwd: string): Promise<Run> =>
  new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, RIVULET_DEBUG: "" }, maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }),
    );
  });

/** Runs the command in this process, capturing both streams (for the many quick usage checks). */
const inProcess = async (args: readonly string[]): Promise<Run> => {
  let [stdout, stderr] = ["", ""];
  const io: CliIo = { out: (l) => void (stdout += `${l}\n`), err: { isTTY: false, write: (s: string) => void (stderr += s) } };
  const code = await main(args, io);
  return { code, stdout, stderr };
};

/** stderr without Dawn's own warnings (printed by the native library when an adapter is probed). */
const messages = (stderr: string): string[] => stderr.split("\n").filter((l) => l !== "" && !l.startsWith("Warning: "));

const dir = mkdtempSync(join(tmpdir(), "rivulet-cli-"));
const data = join(dir, "data");
const run = join(dir, "run");
const checkpoint = join(run, "checkpoint.safetensors");

// A Fashion-MNIST stand-in in the real IDX format: class c is a bright band at rows 2c..2c+4, so it can be learnt.
const writeFakeFashionMnist = (prefix: string, n: number): void => {
  const pixels = new Uint8Array(n * 28 * 28);
  for (let i = 0; i < n; i++) for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++)
    pixels[i * 784 + r * 28 + c] = r >= 2 * (i % 10) && r < 2 * (i % 10) + 5 ? 200 + ((i * 7 + c) % 50) : (i * 13 + r * 3 + c) % 40;
  put(join(data, "FashionMNIST", "raw", `${prefix}-images-idx3-ubyte`), idx(0x803, [n, 28, 28], pixels));
  put(join(data, "FashionMNIST", "raw", `${prefix}-labels-idx1-ubyte`), idx(0x801, [n], Uint8Array.from({ length: n }, (_, i) => i % 10)));
};

const png = (path: string, fill: (r: number, c: number) => number): string => {
  const image = new PNG({ width: 40, height: 30 });
  for (let r = 0; r < 30; r++) for (let c = 0; c < 40; c++) {
    const o = (r * 40 + c) * 4;
    image.data[o] = image.data[o + 1] = image.data[o + 2] = fill(r, c);
    image.data[o + 3] = 255;
  }
  writeFileSync(path, PNG.sync.write(image));
  return path;
};

const TRAIN = ["train", "--data", data, "--limit", "512", "--epochs", "1", "--device", "cpu", "--json"];

/** The safetensors header, read without rivulet: 8-byte little-endian length, then JSON. */
const safetensorsHeader = (path: string): Record<string, { dtype?: string; shape?: number[] } & Record<string, unknown>> => {
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  return JSON.parse(bytes.subarray(8, 8 + n).toString("utf8"));
};

let trained: Run;

beforeAll(async () => {
  writeFakeFashionMnist("train", 600);
  writeFakeFashionMnist("t10k", 600);
  trained = await rivulet([...TRAIN, "--logdir", run], dir);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rivulet train", () => {
  it("--json prints one JSON object per epoch and a summary, nothing else on stdout", () => {
    expect(trained.code, trained.stderr).toBe(0);
    const lines = trained.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ epoch: 1, epochs: 1, step: 2 });
    for (const k of ["train_loss", "train_accuracy", "test_loss", "test_accuracy", "examples_per_sec"]) expect(typeof lines[0]![k], k).toBe("number");
    const summary = lines[1]!;
    for (const k of ["test_accuracy", "test_loss", "train_loss", "examples_per_sec"]) expect(Number.isFinite(summary[k]), k).toBe(true);
    expect(summary.test_accuracy).toBeGreaterThanOrEqual(0);
    expect(summary.test_accuracy).toBeLessThanOrEqual(1);
    expect(summary.device).toBe("cpu");
    expect(summary).toMatchObject({ model: "lenet", dataset: "fashion-mnist", epochs: 1, checkpoint });
  });

  it("writes TensorBoard events (scalars, graph, sample images), the live plot, a metrics file and a loadable checkpoint", async () => {
    expect(readdirSync(run).sort()).toEqual(expect.arrayContaining(["checkpoint.safetensors", "curves.svg", "metrics.jsonl"]));
    const events = eventFiles(run).flatMap(readEvents);
    const tags = new Set(events.flatMap((e) => (e.summary?.value ?? []).map((v: { tag: string }) => v.tag)));
    for (const t of ["train_loss", "train_accuracy", "test_loss", "test_accuracy", "epoch_train_loss", "samples"]) expect(tags, t).toContain(t);
    expect(events.some((e) => e.graph_def !== undefined)).toBe(true);

    const svg = readFileSync(join(run, "curves.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    for (const label of ["train loss", "train acc", "test acc"]) expect(svg).toContain(label);

    const header = safetensorsHeader(checkpoint);
    expect(header["1.weight"]).toMatchObject({ dtype: "F32", shape: [6, 1, 5, 5] });
    expect(header.__metadata__).toMatchObject({ model: "lenet", dataset: "fashion-mnist", epoch: "1", input: "[1,28,28]" });
    const { variables, state } = await Effect.runPromise(loadCheckpoint(checkpoint, { model: nn.zoo.lenet() }));
    expect(state.step).toBe(2);
    expect(variables.params).toHaveProperty(["12", "bias"]);
  });
});

// These run at once (each is mostly a child process starting up); none writes where another reads.
describe.concurrent("rivulet train --resume, eval, predict, info", () => {
  it("--resume X --epochs 2 continues the run: its settings (data folder, --limit, batch size, seed), epoch count, step and folder", async () => {
    const next = join(dir, "resumed.safetensors");
    // No --data and no --limit: the checkpoint's are used (the full 600 samples would make 3 steps an epoch, not 2).
    // A child process, as the other tests here: training in this process would hold up their callbacks.
    const r = await rivulet(["train", "--epochs", "2", "--device", "cpu", "--json", "--resume", checkpoint, "--save", next], dir);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ epoch: 2, epochs: 2, step: 4 });
    expect(lines[1]).toMatchObject({ epochs: 2, logdir: run, checkpoint: next });
    const meta = safetensorsHeader(next).__metadata__ as Record<string, string>;
    expect(meta).toMatchObject({ epoch: "2" });
    expect(JSON.parse(meta["rivulet.checkpoint"]!).state.$r.step).toBe(4);
    expect(JSON.parse(meta.settings!)).toEqual({
      dataset: "fashion-mnist", limit: 512, batchSize: 256, seed: 0, lr: 0.9, optimizer: "sgd", weightDecay: 0, init: "xavier", target: null, data,
    });
    // A flag that repeats the stored value is fine; one with another value is refused, naming the flag and both values.
    for (const [flag, value, stored] of [["--limit", "128", "512"], ["--batch-size", "64", "256"], ["--seed", "7", "0"], ["--lr", "0.1", "0.9"], ["--dataset", "mnist", "fashion-mnist"]] as const) {
      const same = flag === "--seed" ? ["--limit", "512"] : ["--seed", "0"];
      const refused = await inProcess(["train", "--epochs", "3", ...same, flag, value, "--resume", next]);
      expect(refused.code, flag).toBe(2);
      expect(messages(refused.stderr), flag).toEqual([
        `rivulet: ${flag}: ${next} continues a run trained with ${flag} ${stored}, but this asks for ${value}; leave ${flag} out to continue that run, or start a new run without --resume`,
      ]);
    }
    // Nothing left to do: the checkpoint has trained 2 epochs already.
    const done = await inProcess(["train", "--data", data, "--device", "cpu", "--epochs", "2", "--resume", next]);
    expect(done.code).toBe(2);
    expect(messages(done.stderr)).toEqual([expect.stringMatching(/^rivulet: --epochs: .*already trained 2 epoch/)]);
  }, 120_000);


  it("eval reports the test accuracy of a checkpoint; on a machine with no GPU device, --device auto prints no Dawn warnings", async () => {
    // Without a GPU device node (Linux CI), the default `auto` is the CPU without probing WebGPU at all.
    const noGpu = process.platform === "linux" && !process.env["RIVULET_ALLOW_SOFTWARE_GPU"] && !["/dev/dri", "/dev/nvidiactl", "/dev/nvidia0", "/dev/dxg"].some((p) => existsSync(p));
    const r = await rivulet(["eval", "--weights", checkpoint, "--data", data, "--limit", "256", ...(noGpu ? [] : ["--device", "cpu"]), "--json"], dir);
    expect(r.code, r.stderr).toBe(0);
    if (noGpu) expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as Record<string, number | string>;
    expect(out).toMatchObject({ samples: 256, model: "lenet", dataset: "fashion-mnist", device: "cpu" });
    expect(out.test_accuracy).toBeGreaterThanOrEqual(0);
    expect(out.test_accuracy).toBeLessThanOrEqual(1);
  }, 60_000);

  it("predict gives the top classes with probabilities for each image file", async () => {
    const images = [png(join(dir, "band.png"), (r) => (r >= 4 && r < 9 ? 230 : 10)), png(join(dir, "dark.png"), () => 0)];
    const r = await rivulet(["predict", "--weights", checkpoint, "--device", "cpu", "--json", ...images], dir);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { file: string; predictions: { class: string; index: number; probability: number }[] });
    expect(rows.map((x) => x.file)).toEqual(images);
    const classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
    for (const { predictions } of rows) {
      expect(predictions).toHaveLength(3);
      for (const p of predictions) expect(p.class).toBe(classes[p.index]);
      const ps = predictions.map((p) => p.probability);
      expect([...ps].sort((a, b) => b - a)).toEqual(ps);
      expect(ps.reduce((a, b) => a + b)).toBeLessThanOrEqual(1 + 1e-6);
    }
    const table = await inProcess(["predict", "--weights", checkpoint, "--device", "cpu", "--top", "2", images[0]!]);
    expect(table.stdout.split("\n")[0]).toBe(images[0]);
    expect(table.stdout).toMatch(/ {2}1\. \S.*%\n {2}2\. /);
  }, 60_000);

  it("info describes the CPU, Node.js and WebGPU", async () => {
    const r = await rivulet(["info", "--json"], dir);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { cpu: { cores: number }; node: string; webgpu: { available: boolean; software?: boolean; limits?: Record<string, number> }; auto_device: string };
    expect(out.cpu.cores).toBeGreaterThan(0);
    expect(out.node).toBe(process.version);
    expect(["cpu", "webgpu"]).toContain(out.auto_device);
    if (out.webgpu.available) {
      expect(typeof out.webgpu.software).toBe("boolean");
      expect(out.webgpu.limits?.maxBufferSize).toBeGreaterThan(0);
    }
  }, 60_000);

  it("a usage error as a child process: exit code 2 and one line on stderr, no stack trace", async () => {
    const r = await rivulet(["train", "--model", "lenett"], dir);
    expect(r.code).toBe(2);
    expect(messages(r.stderr)).toEqual([expect.stringMatching(/^rivulet: --model: unknown model "lenett"/)]);
    expect(r.stdout).toBe("");
  }, 60_000);
});

describe("rivulet summary and help", () => {
  it("summary lists lenet's layers with output shapes and parameter counts", async () => {
    const r = await inProcess(["summary", "--model", "lenet", "--input", "1,28,28"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Conv2d \(1\)\s+\[1, 6, 28, 28\]\s+156/);
    expect(r.stdout).toMatch(/Linear \(12\)\s+\[1, 10\]\s+850/);
    expect(r.stdout).toContain("Total params: 61,706");
  }, 60_000);

  it("--help for the command and each sub-command", async () => {
    const top = await inProcess(["--help"]);
    expect(top.code).toBe(0);
    for (const c of ["train", "eval", "predict", "summary", "info"]) {
      expect(top.stdout).toContain(`  ${c}`);
      const h = await inProcess([c, "--help"]);
      expect(h.code, c).toBe(0);
      expect(h.stdout, c).toMatch(new RegExp(`^usage: rivulet ${c}`));
    }
    expect((await inProcess(["train", "--help"])).stdout).toContain("--batch-size N");
  });
});

describe("usage errors: exit code 2, one line naming the option and what it accepts", () => {
  const cases: [args: string[], line: RegExp][] = [
    [["train", "--model", "lenett"], /^rivulet: --model: unknown model "lenett" \(did you mean "lenet"\?\); expected one of: softmaxRegression, .*lenet, .*alexnet/],
    [["train", "--epochs", "ten"], /^rivulet: --epochs: expected a positive integer, got "ten"$/],
    [["train", "--epochs", "0"], /^rivulet: --epochs: expected a positive integer, got "0"$/],
    [["train", "--lr", "fast"], /^rivulet: --lr: expected a positive number/],
    [["train", "--batch-size", "2.5"], /^rivulet: --batch-size: expected a positive integer, got "2.5"$/],
    [["train", "--weight-decay", "-1"], /^rivulet: --weight-decay: expected a number ≥ 0/],
    [["train", "--seed", "x"], /^rivulet: --seed: expected an integer ≥ 0, got "x"$/],
    [["train", "--optimizer", "adagrad"], /^rivulet: --optimizer: unknown optimizer "adagrad"; expected one of: sgd, adam, adamw$/],
    [["train", "--device", "cuda"], /^rivulet: --device: unknown device "cuda"; expected one of: auto, cpu, webgpu$/],
    [["train", "--dataset", "fashion"], /^rivulet: --dataset: unknown dataset "fashion".*expected one of: fashion-mnist, mnist, cifar10, image-folder:PATH, csv:PATH$/],
    [["train", "--dataset", "image-folder:/no/such/folder"], /^rivulet: --dataset: image-folder: "\/no\/such\/folder" does not exist/],
    [["train", "--dataset", "csv:/no/such.csv"], /^rivulet: --dataset: csv: "\/no\/such.csv" does not exist$/],
    [["train", "--resume", "/no/such.safetensors"], /^rivulet: --resume: checkpoint "\/no\/such.safetensors" does not exist$/],
    [["train", "--model", "lenet", "--dataset", "cifar10"], /^rivulet: --model: lenet takes 1-channel images \[1, 28, 28\], but cifar10 has 3-channel images; use a model that adapts/],
    [["train", "--frobnicate"], /^rivulet: --frobnicate: unknown option for "train"; expected one of: --model, --dataset, --epochs/],
    [["train", "--epoch", "3"], /^rivulet: --epoch: unknown option for "train" \(did you mean --epochs\?\)/],
    [["train", "--epochs"], /^rivulet: --epochs: needs a value$/],
    [["train", "--epochs", "1", "--epochs", "2"], /^rivulet: --epochs: given more than once$/],
    [["train", "--json=maybe"], /^rivulet: --json: is a switch/],
    [["train", "-e", "3"], /^rivulet: -e: unknown option for "train"/],
    [["train", "extra"], /^rivulet: train extra: unexpected argument/],
    [["eval"], /^rivulet: --weights: is required/],
    [["eval", "--weights", "/no/such.safetensors"], /^rivulet: --weights: checkpoint "\/no\/such.safetensors" does not exist$/],
    [["predict", "--weights", "/no/such.safetensors", "a.png"], /^rivulet: --weights: checkpoint .* does not exist$/],
    [["predict", "--weights", join(dir, "run", "checkpoint.safetensors")], /^rivulet: predict: needs at least one image file/],
    [["predict", "--weights", join(dir, "run", "checkpoint.safetensors"), "/no/such.png"], /^rivulet: predict: image "\/no\/such.png" does not exist$/],
    [["summary"], /^rivulet: --model: is required/],
    [["summary", "--model", "lenet", "--input", "1,x"], /^rivulet: --input: expected the shape of one sample/],
    [["summary", "--model", "alexnet", "--input", "1,28,28"], /^rivulet: --input: alexnet takes \[1, 224, 224\] images, got \[1, 28, 28\]; try --input 1,224,224$/],
    [["trian"], /^rivulet: trian: unknown command \(did you mean "train"\?\); expected one of: train, eval, predict, summary, info(, \w+)+$/],
  ];
  it.each(cases)("%j", async (args, line) => {
    const r = await inProcess(args);
    expect(r.code).toBe(2);
    expect(messages(r.stderr)).toEqual([expect.stringMatching(line)]);
    expect(r.stdout).toBe("");
  });
});

describe("runtime failures: exit code 1 and one line", () => {
  it("a dataset that is not on the machine says how to get it", async () => {
    const r = await inProcess(["train", "--dataset", "mnist", "--data", join(dir, "empty"), "--no-download", "--device", "cpu"]);
    expect(r.code).toBe(1);
    expect(messages(r.stderr)).toEqual([expect.stringMatching(/^rivulet: MNIST: it is not on this machine .*--data PATH.*--download/)]);
    // Where Debian's dataset-fashion-mnist is installed the files are found there (and this would train), so only elsewhere.
    if (!existsSync("/usr/share/datasets/fashion-mnist")) {
      const fashion = await inProcess(["train", "--data", join(dir, "empty"), "--no-download", "--device", "cpu"]);
      expect(fashion.code).toBe(1);
      expect(messages(fashion.stderr)).toEqual([expect.stringMatching(/^rivulet: Fashion-MNIST: .*apt-get install dataset-fashion-mnist.*--data PATH.*--download/)]);
    }
  }, 60_000);

  it("an unreadable checkpoint", async () => {
    const bad = join(dir, "bad.safetensors");
    writeFileSync(bad, "not a safetensors file");
    const r = await inProcess(["eval", "--weights", bad, "--model", "lenet", "--data", data]);
    expect(r.code).toBe(1);
    expect(messages(r.stderr)).toEqual([expect.stringMatching(/^rivulet: .*bad\.safetensors/)]);
  });
});
