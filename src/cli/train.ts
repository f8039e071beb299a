// `rivulet train`: trains a zoo model on a dataset with every sink (progress, TensorBoard, plot, metrics, checkpoint); with no options, the main job.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  nn, key, foldIn, sgd, adam, adamw, loader, stack, zeros, toDevice, openSummaryWriter, TensorBoardError,
  type Tensor, type TrainState, type GradientTransformation,
} from "../index.js";
import { parseArgv } from "./argv.js";
import { RunFailure, usage } from "./errors.js";
import { MAIN_JOB, runDirectory } from "./mainJob.js";
import { MODELS, MODEL_NAMES, planInput, shapeText, type DataShape, type InputPlan, type ModelEntry } from "./models.js";
import { openData, modelInputs, specText, staticShape, type DatasetSpec } from "./data.js";
import {
  datasetSpec, decodeOptions, existingFile, flagSpec, integer, kebab, modelName, number, oneOf, optional, path, toggle, value, withDefault, type Decoded,
} from "./options.js";
import { openCliDevice } from "./openCliDevice.js";
import { deviceStep } from "./deviceStep.js";
import { readRunFile, readRunInfo, saveRun, unpackRun, type RunSettings } from "./runCheckpoint.js";
import { trainRun, type EpochReport, type PlotRow } from "./trainRun.js";
import { helpText } from "./help.js";
import type { CliIo } from "./CliIo.js";

/** `rivulet train`'s options; the defaults are the main job's. */
export const TRAIN_OPTIONS = {
  model: value(withDefault(modelName, MAIN_JOB.model), "NAME", `an nn.zoo model (default ${MAIN_JOB.model}): ${MODEL_NAMES.join(", ")}`),
  dataset: value(withDefault(datasetSpec, { kind: MAIN_JOB.dataset }), "DATASET", "fashion-mnist (default), mnist, cifar10, image-folder:PATH or csv:PATH"),
  epochs: value(withDefault(integer(1), MAIN_JOB.epochs), "N", `epochs in all; a resumed run continues up to N (default ${MAIN_JOB.epochs})`),
  batchSize: value(optional(integer(1)), "N", "samples per batch (default: the curriculum's for the model; 256 for lenet)"),
  lr: value(optional(number({ positive: true })), "X", "learning rate (default: the curriculum's SGD rate for the model, 0.9 for lenet; 0.001 for adam and adamw)"),
  optimizer: value(withDefault(oneOf("optimizer", ["sgd", "adam", "adamw"] as const), "sgd"), "NAME", "sgd (default), adam or adamw"),
  weightDecay: value(optional(number({ positive: false })), "X", "weight decay (default 0; 0.01 for adamw, as PyTorch)"),
  init: value(withDefault(oneOf("init", ["xavier", "default"] as const), MAIN_JOB.init), "NAME", "xavier (default: d2l's init_weights, Xavier-uniform on Linear and Conv2d weights) or default (PyTorch's)"),
  device: value(withDefault(oneOf("device", ["auto", "cpu", "webgpu"] as const), MAIN_JOB.device), "NAME", "auto (default: WebGPU on a hardware GPU, else the CPU), cpu or webgpu"),
  data: value(withDefault(path("a folder"), "data"), "PATH", "where datasets are looked for and downloaded to (default data; Debian's /usr/share/datasets is searched too)"),
  download: toggle("download a built-in dataset missing from this machine (on by default; --no-download never downloads)", true),
  target: value(optional(path("a column name")), "COLUMN", "csv: the column holding the class (default: the last column)"),
  logdir: value(optional(path("a folder")), "DIR", "the run's folder: TensorBoard logs, curves.svg, metrics.jsonl, the checkpoint (default runs/<date>-<model>)"),
  save: value(optional(path("a file path")), "PATH", "the checkpoint, rewritten after every epoch (default <logdir>/checkpoint.safetensors)"),
  resume: value(optional(existingFile("checkpoint")), "PATH", "continue from a checkpoint: its epochs, weights, optimizer state, run folder and settings (model, dataset, limit, batch size, seed, lr, optimizer, weight decay, init, target, data folder)"),
  limit: value(optional(integer(1)), "N", "use at most N samples of each split (evenly spaced), for quick runs"),
  seed: value(withDefault(integer(0), 0), "N", "seed of the initialisation, the shuffles and dropout (default 0)"),
  logEvery: value(optional(integer(1)), "N", "log the training loss every N steps (default: 5 times an epoch, as d2l's plot)"),
  json: toggle("print one JSON object per epoch and a final summary object on stdout, and nothing else there"),
};

type TrainOptions = Decoded<typeof TRAIN_OPTIONS>;

/** `rivulet train --help`. */
export const TRAIN_HELP = helpText(
  "rivulet train [options]",
  "Trains a model of the zoo on a dataset, as the curriculum's train_ch6: cross-entropy, one optimizer, test accuracy each epoch.\n" +
    "With no options it is the main job (npm start): LeNet on Fashion-MNIST, batch 256, SGD lr 0.9, 10 epochs, Xavier init.",
  TRAIN_OPTIONS,
  [
    "Models built for another input size get their images resized (shorter side) and centre-cropped to it (AlexNet: 224);",
    "models with an inChannels option are built for the data's channels; LeNet (1 channel) and tudui (3) refuse other channels.",
    "Examples:",
    "  rivulet train --epochs 1 --limit 2048",
    "  rivulet train --model alexnet --dataset fashion-mnist --device webgpu",
    "  rivulet train --resume runs/2025-01-31_14-05-09-lenet/checkpoint.safetensors --epochs 20",
    "A GPT on text files (a BPE tokenizer and a language model): rivulet train --model gpt --dataset text:PATH (see rivulet train --model gpt --help).",
  ],
);

/** The run's settings with the defaults resolved (the model's curriculum learning rate and batch size where none is given). */
const settingsOf = (o: TrainOptions, entry: ModelEntry): RunSettings => ({
  dataset: specText(o.dataset),
  limit: o.limit ?? null,
  batchSize: o.batchSize ?? entry.batchSize,
  seed: o.seed,
  lr: o.lr ?? (o.optimizer === "sgd" ? entry.lr : 1e-3),
  optimizer: o.optimizer,
  weightDecay: o.weightDecay ?? (o.optimizer === "adamw" ? 1e-2 : 0),
  init: o.init,
  target: o.target ?? null,
  data: o.data,
});

/** The optimizer of the settings. */
const makeOptimizer = ({ optimizer, lr, weightDecay }: RunSettings): GradientTransformation<unknown> => {
  const opt = optimizer === "sgd" ? sgd({ lr, weightDecay }) : optimizer === "adam" ? adam({ lr, weightDecay }) : adamw({ lr, weightDecay });
  return opt as GradientTransformation<unknown>;
};

/** Settings a resumed run must keep; `data` is only where the files are, so it may move. */
const KEPT: readonly (keyof RunSettings)[] = ["dataset", "limit", "batchSize", "seed", "lr", "optimizer", "weightDecay", "init", "target"];

/**
 * The settings of a resumed run: the checkpoint's, where a flag repeats a stored value or is left out; a flag with
 * another value is a usage error naming the flag and both values (it would silently train something else).
 */
const resumedSettings = (asked: RunSettings, given: (k: keyof RunSettings) => boolean, stored: RunSettings, file: string): RunSettings => {
  for (const k of KEPT) {
    if (!given(k) || asked[k] === stored[k]) continue;
    const show = (v: string | number | null) => (v === null ? "not set" : String(v));
    throw usage(`--${kebab(k)}`, `${file} continues a run trained with --${kebab(k)} ${show(stored[k])}, but this asks for ${show(asked[k])}; ` +
      `leave --${kebab(k)} out to continue that run, or start a new run without --resume`);
  }
  return { ...stored, data: given("data") ? asked.data : stored.data };
};

/** Fresh variables: PyTorch's per-layer defaults, then d2l's Xavier-uniform on Linear and Conv2d weights unless `init` is "default". */
const initVariables = (model: nn.Module<Tensor, Tensor>, seed: number, init: "xavier" | "default"): nn.Variables => {
  const vars = model.init(key(seed));
  if (init === "default") return vars;
  return { params: nn.reinit(model, vars.params, foldIn(key(seed), 1), { weight: nn.init.xavierUniform() }, { kinds: ["Linear", "Conv2d"] }), state: vars.state };
};

/** The plot's earlier points of a resumed run, from its metrics file. */
const plotHistory = (metricsPath: string): PlotRow[] => {
  if (!existsSync(metricsPath)) return [];
  return readFileSync(metricsPath, "utf8").split("\n").flatMap((line): PlotRow[] => {
    try {
      const r = JSON.parse(line) as Partial<EpochReport>;
      return typeof r.epoch === "number" ? [{ epoch: r.epoch, train_loss: r.train_loss, train_accuracy: r.train_accuracy, test_accuracy: r.test_accuracy } as PlotRow] : [];
    } catch {
      return [];
    }
  });
};

/** A stored `--dataset` value decoded again (a csv or image folder that has since gone is a usage error on --dataset). */
const decodeDataset = (text: string, file: string): DatasetSpec => {
  const r = datasetSpec.decode(text);
  if (r._tag === "Left") throw usage("--dataset", `${file} was trained on ${text}: ${r.left[0]?.message ?? "it cannot be opened"}`);
  return r.right;
};

/** The model's input plan for the data, or a usage error on --model saying why the model cannot take it. */
const fitOrFail = (entry: ModelEntry, shape: DataShape, source: string): InputPlan => {
  try {
    return planInput(entry, shape, source);
  } catch (e) {
    throw usage("--model", (e as Error).message);
  }
};

/** A number for people: `digits` decimals, or 3 significant digits in exponent form once it is huge (a diverging loss). */
export const fixed = (x: number, digits = 3): string => (!Number.isFinite(x) ? String(x) : Math.abs(x) >= 1e5 ? x.toExponential(2) : x.toFixed(digits));

/**
 * Runs `rivulet train` with `args` (the words after "train").
 * @example
 * await train(["--epochs", "1", "--limit", "512", "--json"], processIo());
 */
export const train = async (args: readonly string[], io: CliIo): Promise<void> => {
  // A GPT on text is its own program (tokenizer + language model, text datasets): it has its own options and help.
  const gptAt = args.findIndex((a, i) => a === "--model=gpt" || (a === "--model" && args[i + 1] === "gpt"));
  if (gptAt >= 0) return (await import("./trainGpt.js")).trainGpt(args, io);
  const parsed = parseArgv("train", args, flagSpec(TRAIN_OPTIONS));
  if (parsed.help) return io.out(TRAIN_HELP);
  if (parsed.positionals.length > 0) throw usage(`train ${parsed.positionals[0]}`, "unexpected argument; train takes options only (see rivulet train --help)");
  const o = decodeOptions(TRAIN_OPTIONS, parsed);
  const say = (line: string) => (o.json ? undefined : io.out(line));

  // A resumed run's file says which model and run folder it belongs to, and how many epochs are done.
  const resumed = o.resume === undefined ? undefined : await readRunFile(o.resume);
  const previous = resumed === undefined ? {} : readRunInfo(resumed.metadata);
  const modelName = parsed.flags.model === undefined && previous.model !== undefined && MODELS.has(previous.model) ? previous.model : o.model;
  if (previous.model !== undefined && previous.model !== modelName)
    throw usage("--model", `${o.resume} holds a ${previous.model} checkpoint, not ${modelName}; pass --model ${previous.model} or leave --model out`);
  const startEpoch = previous.epoch ?? 0;
  if (startEpoch >= o.epochs) throw usage("--epochs", `${o.resume} has already trained ${startEpoch} epoch(s); pass --epochs larger than ${startEpoch} to continue it`);
  const entry = MODELS.get(modelName)!;

  // A resumed run keeps its settings (stored in the checkpoint); only a run started before they were stored takes the flags.
  const asked = settingsOf(o, entry);
  const settings = previous.settings === undefined ? asked : resumedSettings(asked, (k) => parsed.flags[kebab(k)] !== undefined, previous.settings, o.resume!);
  const dataset = settings.dataset === asked.dataset ? o.dataset : decodeDataset(settings.dataset, o.resume!);
  const known = staticShape(dataset);
  if (known !== undefined) fitOrFail(entry, known, specText(dataset));
  const data = await openData(dataset, { root: settings.data, download: o.download, ...(settings.limit === null ? {} : { limit: settings.limit }), ...(settings.target === null ? {} : { target: settings.target }) });
  if (previous.classes !== undefined && previous.classes.join("\n") !== data.classes.join("\n"))
    throw new RunFailure({ message: `${o.resume} was trained on classes [${previous.classes.join(", ")}], but ${data.name} has [${data.classes.join(", ")}]` });
  const plan = fitOrFail(entry, data.shape, data.name);
  const model = entry.build({ input: plan.input, numClasses: data.classes.length });
  const optimizer = makeOptimizer(settings);
  const batchSize = settings.batchSize;
  const trainSet = modelInputs(data.train, plan);
  const testSet = modelInputs(data.test, plan);

  const fresh = initVariables(model, settings.seed, settings.init as "xavier" | "default");
  const loaded = resumed === undefined ? undefined : unpackRun(model, resumed, o.resume!, optimizer.init(fresh.params));
  const variables = loaded?.variables ?? fresh;
  const logdir = o.logdir ?? previous.logdir ?? runDirectory(modelName);
  const savePath = o.save ?? o.resume ?? join(logdir, "checkpoint.safetensors");

  const dev = await openCliDevice(o.device);
  let writer: Awaited<ReturnType<typeof openSummaryWriter>> | undefined;
  try {
    const onDevice = await toDevice({ params: variables.params, state: variables.state, optState: loaded?.state.optState ?? optimizer.init(variables.params) }, dev.device);
    const state0: TrainState<nn.Params, unknown> = Object.freeze({
      params: onDevice.params,
      optState: onDevice.optState,
      ...(Object.keys(variables.state).length === 0 ? {} : { modelState: onDevice.state }),
      rng: loaded?.state.rng ?? foldIn(key(settings.seed), 2),
      step: loaded?.state.step ?? 0,
      position: Object.freeze({ epoch: startEpoch, batch: 0 }),
    });

    try {
      writer = await openSummaryWriter(logdir);
    } catch (e) {
      throw new RunFailure({ message: e instanceof TensorBoardError ? e.message : `--logdir ${logdir}: ${(e as Error).message}`, cause: e });
    }
    // The Graphs tab and a grid of what the model sees (after resizing), as the curriculum's first TensorBoard lessons.
    await writer.addGraph(model, zeros([1, ...plan.input]), { variables });
    if (plan.input.length === 3 && startEpoch === 0) {
      const n = Math.min(32, trainSet.length);
      const samples = await Promise.all(Array.from({ length: n }, (_, i) => trainSet.get(i)));
      await writer.addImages("samples", stack(samples.map((s) => s.input)), 0, { nrow: 8 });
      await writer.addText("classes", samples.map((s, i) => `${i}: ${data.classes[s.target]}`).join("  \n"), 0);
    }

    const step = deviceStep({ model, optimizer, device: dev.device });
    const train = loader(trainSet, { batchSize, shuffle: true, seed: settings.seed });
    const test = loader(testSet, { batchSize });
    const info = { model: modelName, dataset: settings.dataset, classes: data.classes, input: plan.input, logdir, settings };
    say(
      `training ${modelName} on ${data.name} (${trainSet.length} train / ${testSet.length} test samples, ${shapeText(plan.input)}${plan.resize === undefined ? "" : ` after resizing to ${plan.resize}`}, ` +
        `${data.classes.length} classes) on ${dev.label}, epochs ${startEpoch + 1}..${o.epochs}, batch ${batchSize}`,
    );
    say(`logs in ${logdir} (tensorboard --logdir ${join(logdir, "..")}), checkpoint ${savePath}`);

    const rates: number[] = [];
    const last = await trainRun({
      model, step, state0, train, test, epochs: o.epochs, writer,
      plotPath: join(logdir, "curves.svg"), metricsPath: join(logdir, "metrics.jsonl"), plotHistory: plotHistory(join(logdir, "metrics.jsonl")),
      logEvery: o.logEvery ?? Math.max(1, Math.floor(train.length / 5)), trainSize: trainSet.length, progressOutput: io.err,
      save: (state, epoch) => saveRun(savePath, model, state, { ...info, epoch }),
      onEpoch: (r) => {
        rates.push(r.examples_per_sec);
        if (o.json) io.out(JSON.stringify(r));
        else say(`epoch ${r.epoch}/${o.epochs}: loss ${fixed(r.train_loss)}, train acc ${fixed(r.train_accuracy)}, test acc ${fixed(r.test_accuracy)}, ${fixed(r.examples_per_sec, 1)} examples/sec`);
      },
    });
    if (last === undefined) return;
    // Every epoch has the same samples, so the run's rate is the harmonic mean of the epochs' (total samples over total time).
    const examplesPerSec = rates.length / rates.reduce((a, r) => a + 1 / r, 0);
    if (o.json)
      io.out(JSON.stringify({
        test_accuracy: last.test_accuracy, test_loss: last.test_loss, train_loss: last.train_loss, train_accuracy: last.train_accuracy,
        examples_per_sec: examplesPerSec, device: dev.kind, epochs: last.epoch, model: modelName, dataset: data.name, logdir, checkpoint: savePath,
      }));
    else {
      say(`plot ${join(logdir, "curves.svg")}, metrics ${join(logdir, "metrics.jsonl")}, checkpoint ${savePath}`);
      // d2l's last two lines of train_ch6, as one.
      say(`loss ${fixed(last.train_loss)}, train acc ${fixed(last.train_accuracy)}, test acc ${fixed(last.test_accuracy)}, ${fixed(examplesPerSec, 1)} examples/sec on ${dev.label}`);
    }
  } finally {
    await writer?.close();
    await dev.close();
  }
};
