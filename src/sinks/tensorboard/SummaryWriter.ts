// SummaryWriter: TensorBoard event files written as torch.utils.tensorboard.SummaryWriter writes them (same tags, protos and sub-runs).
import { Effect, type Scope } from "effect";
import { Tensor } from "../../ops/Tensor.js";
import { shapeStr } from "../../ops/_shape.js";
import { trace, type TracedGraph } from "../../graph/trace.js";
import type { Module } from "../../nn/Module.js";
import { encodeEvent, encodePrCurvePluginData, DT_FLOAT, DT_STRING, TEXT_PLUGIN_CONTENT, type EventProto, type SummaryValue } from "./_eventProto.js";
import { encodeGraphDef, encodeRunMetadata, type NodeProto } from "./_graphProto.js";
import { encodeExperiment, encodeSessionEnd, encodeSessionStart, type HParamValue } from "./_hparamsProto.js";
import { EventFile, openEventFile, type EventFileOptions } from "./_EventFile.js";
import { makeHistogram, type HistogramBins } from "./histogram.js";
import { computeCurve } from "./prCurve.js";
import { encodePng } from "./png.js";
import { toCHW, toPixels, type DataFormats } from "./_image.js";
import { traceModule, type TraceModuleOptions } from "./_traceModule.js";
import type { TensorBoardError } from "./TensorBoardError.js";

export interface SummaryWriterOptions {
  /** Seconds between automatic flushes (default 120, as PyTorch). */
  readonly flushSecs?: number;
  /** Records held in memory before they are written (default 10, as PyTorch). */
  readonly maxQueue?: number;
  /** Appended to event file names (default ""). */
  readonly filenameSuffix?: string;
  /** Appended to the default log directory name when none is given (PyTorch's comment). */
  readonly comment?: string;
}

/** A scalar: a number or a one-element tensor (read back asynchronously, so any device works). */
export type ScalarLike = number | Tensor;

/** Options every add method takes: the wall time to record, in seconds since the epoch (default now). */
export interface WallTimeOption {
  readonly wallTime?: number;
}

export interface AddImageOptions extends WallTimeOption {
  /** Axis order of the image (default "CHW"; also "HWC", "HW"). */
  readonly dataFormats?: DataFormats;
}

export interface AddImagesOptions extends WallTimeOption {
  /** Axis order of the batch (default "NCHW"; also "NHWC"). */
  readonly dataFormats?: DataFormats;
  /** Images per row of the grid (default 8). */
  readonly nrow?: number;
  /** Pixels between images (default 2). */
  readonly padding?: number;
}

export interface AddHistogramOptions extends WallTimeOption {
  /** "tensorflow" (default: TensorBoard's exponential buckets), a bin count, or bin edges (numpy.histogram's `bins`). */
  readonly bins?: HistogramBins;
  /** Merge bins until at most this many remain. */
  readonly maxBins?: number;
}

export interface AddHparamsOptions {
  /** The discrete values each hparam may take, shown as filters in the HParams tab. */
  readonly hparamDomainDiscrete?: Readonly<Record<string, readonly HParamValue[]>>;
  /** Sub-run directory under the log directory (default: the current time in seconds, as PyTorch). */
  readonly runName?: string;
}

export interface AddPrCurveOptions extends WallTimeOption {
  /** Thresholds in [0, 1] (default 127, also the maximum, as PyTorch). */
  readonly numThresholds?: number;
  /** A weight per example (default 1). */
  readonly weights?: Tensor | ArrayLike<number>;
}

/** What addGraph traces: an nn module, or a function of tensors. */
export type Traceable = Module<never, unknown> | ((...inputs: never[]) => unknown);

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number): string => String(n).padStart(2, "0");

/** PyTorch's default log directory: runs/<Mon DD_HH-MM-SS>_<hostname><comment>. */
const defaultLogdir = async (comment: string): Promise<string> => {
  const { hostname } = await import("node:os");
  const d = new Date();
  return `runs/${MONTHS[d.getMonth()]}${two(d.getDate())}_${two(d.getHours())}-${two(d.getMinutes())}-${two(d.getSeconds())}_${hostname()}${comment}`;
};

const checkTag = (method: string, tag: unknown, what = "tag"): string => {
  if (typeof tag !== "string" || tag === "") throw new Error(`${method}: ${what} must be a non-empty string, got ${JSON.stringify(tag)}`);
  return tag;
};

const checkStep = (method: string, step: unknown): number | undefined => {
  if (step !== undefined && !Number.isSafeInteger(step)) throw new Error(`${method}: step must be an integer, got ${String(step)}`);
  return step as number | undefined;
};

const checkWallTime = (method: string, wallTime: unknown): number => {
  if (wallTime === undefined) return Date.now() / 1000;
  if (typeof wallTime !== "number" || !Number.isFinite(wallTime)) throw new Error(`${method}: wallTime must be seconds since the epoch, got ${String(wallTime)}`);
  return wallTime;
};

/** A number from a number or one-element tensor. */
const scalarOf = async (method: string, what: string, v: unknown): Promise<number> => {
  if (typeof v === "number") return v;
  if (v instanceof Tensor) {
    if (v.size !== 1) throw new Error(`${method}: ${what} must be a number or a one-element tensor, got a tensor of shape ${shapeStr(v.shape)}`);
    return (await v.data())[0]!;
  }
  throw new Error(`${method}: ${what} must be a number or a one-element tensor, got ${v === null ? "null" : typeof v}`);
};

const valuesOf = async (method: string, what: string, v: unknown): Promise<ArrayLike<number>> => {
  if (v instanceof Tensor) return v.data();
  if (ArrayBuffer.isView(v) || Array.isArray(v)) {
    const arr = v as ArrayLike<unknown>;
    for (let i = 0; i < arr.length; i++)
      if (typeof arr[i] !== "number") throw new Error(`${method}: ${what} must hold numbers, element ${i} is ${typeof arr[i]}`);
    return arr as ArrayLike<number>;
  }
  throw new Error(`${method}: ${what} must be a tensor or an array of numbers, got ${v === null ? "null" : typeof v}`);
};

const isModule = (x: unknown): x is Module<unknown, unknown> =>
  typeof x === "object" && x !== null && typeof (x as Module).apply === "function" && typeof (x as Module).init === "function";

/** The GraphDef nodes of a traced graph, with PyTorch's IO nodes for the outputs (`output/output.1`). */
const graphNodes = (g: TracedGraph): NodeProto[] => {
  const shapeOf = new Map(g.nodes.map((n) => [n.name, n.shape]));
  const opOf = { input: "IO Node", parameter: "Parameter", constant: "Constant", op: "" } as const;
  return [
    ...g.nodes.map((n) => ({
      name: n.name,
      op: opOf[n.kind] || n.op,
      input: n.inputs,
      outputShapes: [n.shape],
      attributes: n.kind === "op" ? `{${n.attributes}}` : "",
    })),
    ...g.outputs.map((o, i) => ({ name: `output/output.${i + 1}`, op: "IO Node", input: [o], outputShapes: [shapeOf.get(o)!], attributes: "" })),
  ];
};

const hparamValue = async (name: string, v: unknown): Promise<HParamValue | undefined> => {
  if (v === undefined || v === null) return undefined; // PyTorch skips None
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  if (v instanceof Tensor) return scalarOf("addHparams", `hparam "${name}"`, v);
  throw new Error(`addHparams: hparam "${name}" must be a number, string, boolean or one-element tensor, got ${typeof v}`);
};

/**
 * Writes TensorBoard event files (torch.utils.tensorboard.SummaryWriter). Open one with `openSummaryWriter` (in an
 * Effect program, as a resource: `Effect.acquireRelease`, see docs/tensorboard.md). Every add method returns a promise that resolves once
 * the record is queued; records are written when the queue fills, every `flushSecs`, on `flush()` and on `close()`.
 * @example
 * const writer = await openSummaryWriter("runs/exp1");
 * for (let step = 0; step < 100; step++) await writer.addScalar("loss", 1 / (step + 1), step);
 * await writer.close();
 */
export class SummaryWriter {
  private readonly subRuns = new Map<string, Promise<EventFile>>();
  // Summaries are prepared (tensors read back, PNGs encoded) one after another, so records keep the order of the calls.
  private queue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;

  /** @internal Use openSummaryWriter. */
  constructor(
    /** The log directory (a TensorBoard run). */
    readonly logdir: string,
    private readonly file: EventFile,
    private readonly options: EventFileOptions,
  ) {}

  /** The path of this writer's event file. */
  get path(): string {
    return this.file.path;
  }

  /** Logs a scalar (Summary.Value.simple_value, as PyTorch's default). */
  addScalar(tag: string, value: ScalarLike, step?: number, wallTime?: number): Promise<void> {
    return this.run("addScalar", async () => {
      const t = checkTag("addScalar", tag);
      const s = checkStep("addScalar", step);
      const w = checkWallTime("addScalar", wallTime);
      const v = await scalarOf("addScalar", `value of "${t}"`, value);
      return this.file.add(encodeEvent({ wallTime: w, step: s, summary: [{ tag: t, simpleValue: v }] }));
    });
  }

  /** Logs several scalars in one chart: each key goes to the sub-run `<logdir>/<mainTag>_<key>` under tag `mainTag`, as PyTorch. */
  addScalars(mainTag: string, values: Readonly<Record<string, ScalarLike>>, step?: number, wallTime?: number): Promise<void> {
    return this.run("addScalars", async () => {
      const t = checkTag("addScalars", mainTag, "mainTag");
      const s = checkStep("addScalars", step);
      const w = checkWallTime("addScalars", wallTime);
      if (typeof values !== "object" || values === null) throw new Error(`addScalars: values must be a record of numbers, got ${typeof values}`);
      const entries = await Promise.all(Object.entries(values).map(async ([k, v]) => [k, await scalarOf("addScalars", `value "${k}"`, v)] as const));
      const { join } = await import("node:path");
      for (const [k, v] of entries) {
        const dir = join(this.logdir, `${t.replaceAll("/", "_")}_${k}`);
        let sub = this.subRuns.get(dir);
        if (!sub) {
          sub = Effect.runPromise(openEventFile(dir, this.options));
          this.subRuns.set(dir, sub);
        }
        await (await sub).add(encodeEvent({ wallTime: w, step: s, summary: [{ tag: t, simpleValue: v }] }));
      }
    });
  }

  /** Logs one image as PNG; float values in [0, 1] are scaled to 255, int32 values taken as 0–255. */
  addImage(tag: string, img: Tensor, step?: number, { dataFormats = "CHW", wallTime }: AddImageOptions = {}): Promise<void> {
    return this.run("addImage", () => this.image("addImage", tag, img, step, dataFormats, wallTime, { nrow: 8, padding: 2 }));
  }

  /** Logs a batch of images tiled into one grid image (torchvision's make_grid layout). */
  addImages(tag: string, images: Tensor, step?: number, { dataFormats = "NCHW", nrow = 8, padding = 2, wallTime }: AddImagesOptions = {}): Promise<void> {
    return this.run("addImages", async () => {
      if (images instanceof Tensor && !dataFormats.includes("N"))
        throw new Error(`addImages: dataFormats must include the batch axis N (e.g. "NCHW", "NHWC"), got "${dataFormats}"`);
      return this.image("addImages", tag, images, step, dataFormats, wallTime, { nrow, padding });
    });
  }

  /** Logs a histogram of the values (HistogramProto, binned as torch.utils.tensorboard does). */
  addHistogram(tag: string, values: Tensor | ArrayLike<number>, step?: number, { bins = "tensorflow", maxBins, wallTime }: AddHistogramOptions = {}): Promise<void> {
    return this.run("addHistogram", async () => {
      const t = checkTag("addHistogram", tag);
      const s = checkStep("addHistogram", step);
      const w = checkWallTime("addHistogram", wallTime);
      const histo = makeHistogram(await valuesOf("addHistogram", "values", values), { bins, maxBins });
      return this.file.add(encodeEvent({ wallTime: w, step: s, summary: [{ tag: t, histo }] }));
    });
  }

  /** Logs text (markdown) for the Text tab, under the tag `<tag>/text_summary` as PyTorch. */
  addText(tag: string, text: string, step?: number, { wallTime }: WallTimeOption = {}): Promise<void> {
    return this.run("addText", async () => {
      const t = checkTag("addText", tag);
      if (typeof text !== "string") throw new Error(`addText: text must be a string, got ${typeof text}`);
      const value: SummaryValue = {
        tag: `${t}/text_summary`,
        metadata: { pluginName: "text", content: TEXT_PLUGIN_CONTENT },
        tensor: { dtype: DT_STRING, shape: [1], stringVal: [new TextEncoder().encode(text)] },
      };
      return this.file.add(encodeEvent({ wallTime: checkWallTime("addText", wallTime), step: checkStep("addText", step), summary: [value] }));
    });
  }

  /** Logs a precision–recall curve from binary labels and predicted probabilities (pr_curves plugin). */
  addPrCurve(tag: string, labels: Tensor | ArrayLike<number>, predictions: Tensor | ArrayLike<number>, step?: number, { numThresholds = 127, weights, wallTime }: AddPrCurveOptions = {}): Promise<void> {
    return this.run("addPrCurve", async () => {
      const t = checkTag("addPrCurve", tag);
      const s = checkStep("addPrCurve", step);
      const w = checkWallTime("addPrCurve", wallTime);
      // PyTorch caps the thresholds at 127.
      const n = Math.min(numThresholds, 127);
      const ws = weights === undefined ? undefined : await valuesOf("addPrCurve", "weights", weights);
      const rows = computeCurve(await valuesOf("addPrCurve", "labels", labels), await valuesOf("addPrCurve", "predictions", predictions), { numThresholds: n, weights: ws });
      const value: SummaryValue = {
        tag: t,
        metadata: { pluginName: "pr_curves", content: encodePrCurvePluginData(n) },
        tensor: { dtype: DT_FLOAT, shape: [6, n], floatVal: rows.flat() },
      };
      return this.file.add(encodeEvent({ wallTime: w, step: s, summary: [value] }));
    });
  }

  /**
   * Traces a model (or a function of tensors) on `input` and logs its graph for the Graphs tab: one node per op with
   * its inputs and output shape, ops grouped by module path, plus the "step1" run metadata PyTorch writes beside it.
   */
  addGraph(model: Traceable, input: unknown, options: TraceModuleOptions & WallTimeOption = {}): Promise<void> {
    return this.run("addGraph", async () => {
      const w = checkWallTime("addGraph", options.wallTime);
      let g: TracedGraph;
      if (isModule(model)) g = traceModule(model, input, options);
      else if (typeof model === "function") g = trace(model as (...xs: unknown[]) => unknown, Array.isArray(input) ? input : [input]);
      else throw new Error(`addGraph: expected an nn module or a function of tensors, got ${model === null ? "null" : typeof model}`);
      await this.file.add(encodeEvent({ wallTime: w, graphDef: encodeGraphDef(graphNodes(g)) }));
      return this.file.add(encodeEvent({ wallTime: w, taggedRunMetadata: { tag: "step1", runMetadata: encodeRunMetadata("/device:CPU:0") } }));
    });
  }

  /**
   * Logs one hyperparameter session for the HParams tab, as PyTorch: a sub-run `<logdir>/<runName>` holding the
   * experiment, session start (the hparams) and session end summaries, and each metric as a scalar.
   */
  addHparams(hparams: Readonly<Record<string, HParamValue | Tensor | null | undefined>>, metrics: Readonly<Record<string, ScalarLike>>, { hparamDomainDiscrete = {}, runName }: AddHparamsOptions = {}): Promise<void> {
    return this.run("addHparams", async () => {
      if (typeof hparams !== "object" || hparams === null || typeof metrics !== "object" || metrics === null)
        throw new Error("addHparams: hparams and metrics must be records (name → value)");
      const hp: [string, HParamValue][] = [];
      for (const [k, v] of Object.entries(hparams)) {
        const value = await hparamValue(k, v);
        if (value !== undefined) hp.push([k, value]);
      }
      for (const [k, domain] of Object.entries(hparamDomainDiscrete)) {
        const v = hparams[k];
        if (v === undefined || !Array.isArray(domain) || domain.some((d) => typeof d !== typeof v))
          throw new Error(`addHparams: hparamDomainDiscrete["${k}"] must be an array of values of the same type as hparams["${k}"]`);
      }
      const ms = await Promise.all(Object.entries(metrics).map(async ([k, v]) => [k, await scalarOf("addHparams", `metric "${k}"`, v)] as const));
      const { join } = await import("node:path");
      const sub = await Effect.runPromise(openEventFile(join(this.logdir, runName ?? String(Date.now() / 1000)), this.options));
      const w = Date.now() / 1000;
      const plugin = (tag: string, content: Uint8Array): EventProto => ({ wallTime: w, summary: [{ tag, metadata: { pluginName: "hparams", content } }] });
      try {
        await sub.add(encodeEvent(plugin("_hparams_/experiment", encodeExperiment(hp, ms.map(([k]) => k), hparamDomainDiscrete))));
        await sub.add(encodeEvent(plugin("_hparams_/session_start_info", encodeSessionStart(hp))));
        await sub.add(encodeEvent(plugin("_hparams_/session_end_info", encodeSessionEnd())));
        for (const [k, v] of ms) await sub.add(encodeEvent({ wallTime: w, summary: [{ tag: k, simpleValue: v }] }));
      } finally {
        await sub.close();
      }
    });
  }

  /** Writes every queued record of this writer and its sub-runs to disk. */
  flush(): Promise<void> {
    const done = this.queue.then(async () => {
      await this.file.flush();
      for (const sub of this.subRuns.values()) await (await sub).flush();
    });
    this.queue = done.catch(() => undefined);
    return done;
  }

  /** Flushes and closes the event files; safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= this.queue.then(async () => {
      const subs = await Promise.allSettled([...this.subRuns.values()]);
      const results = await Promise.allSettled([this.file.close(), ...subs.flatMap((s) => (s.status === "fulfilled" ? [s.value.close()] : []))]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    });
    return this.closing;
  }

  private image(method: string, tag: string, img: Tensor, step: number | undefined, dataFormats: string, wallTime: number | undefined, grid: { nrow: number; padding: number }): Promise<void> {
    const t = checkTag(method, tag);
    const s = checkStep(method, step);
    const w = checkWallTime(method, wallTime);
    if (!(img instanceof Tensor)) throw new Error(`${method}: expected an image tensor, got ${img === null ? "null" : typeof img}`);
    return toPixels(toCHW(method, img, dataFormats, grid)).then(async (px) => {
      const image = { height: px.height, width: px.width, colorspace: px.channels, encodedImageString: await encodePng(px) };
      return this.file.add(encodeEvent({ wallTime: w, step: s, summary: [{ tag: t, image }] }));
    });
  }

  private run(method: string, work: () => Promise<void>): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`${method}: the SummaryWriter for ${this.logdir} is closed`));
    const done = this.queue.then(work);
    this.queue = done.catch(() => undefined);
    return done;
  }
}

const checkOptions = ({ flushSecs = 120, maxQueue = 10, filenameSuffix = "" }: SummaryWriterOptions): EventFileOptions => {
  if (typeof flushSecs !== "number" || !(flushSecs > 0)) throw new Error(`SummaryWriter: flushSecs must be a positive number of seconds, got ${String(flushSecs)}`);
  if (!Number.isInteger(maxQueue) || maxQueue < 1) throw new Error(`SummaryWriter: maxQueue must be a positive integer, got ${String(maxQueue)}`);
  if (typeof filenameSuffix !== "string" || filenameSuffix.includes("/")) throw new Error(`SummaryWriter: filenameSuffix must be a string without "/", got ${JSON.stringify(filenameSuffix)}`);
  return { flushSecs, maxQueue, filenameSuffix };
};

const open = (logdir: string | undefined, options: SummaryWriterOptions): Effect.Effect<SummaryWriter, TensorBoardError> =>
  Effect.gen(function* () {
    const opts = yield* Effect.sync(() => checkOptions(options)).pipe(Effect.orDie);
    const dir = logdir ?? (yield* Effect.promise(() => defaultLogdir(options.comment ?? "")));
    const file = yield* openEventFile(dir, opts);
    return new SummaryWriter(dir, file, opts);
  });

/**
 * Opens a SummaryWriter (PyTorch's `SummaryWriter(log_dir)`): creates the log directory and the event file now, so a
 * directory that cannot be written fails here with a TensorBoardError, not at the first summary. Close it when done
 * (in an Effect program, acquire it with `Effect.acquireRelease` and `close` as the release).
 * @example
 * const writer = await openSummaryWriter("runs/fashion_mnist");
 * await writer.addScalar("train/loss", loss, step);
 * await writer.close();
 */
export const openSummaryWriter = (logdir?: string, options: SummaryWriterOptions = {}): Promise<SummaryWriter> => {
  if (logdir !== undefined && (typeof logdir !== "string" || logdir === "")) return Promise.reject(new Error(`openSummaryWriter: logdir must be a non-empty string, got ${JSON.stringify(logdir)}`));
  return Effect.runPromise(open(logdir, options));
};
