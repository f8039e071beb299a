// Line plots of metrics per epoch (d2l's Animator) with vega-lite, rendered headless to SVG/PNG, and the live-plot sink.
import { Effect } from "effect";
import type { MonoTypeOperatorFunction } from "rxjs";
import type { TopLevelSpec } from "vega-lite";
import { writeFileAtomic } from "../io/writeFileAtomic.js";
import { metricRecord, type MetricRecord } from "./_metricRecord.js";
import { sinkOperator } from "./_sinkOperator.js";
import { SinkError, sinkCall, sinkFolder } from "./SinkError.js";
import { svgToPng, type SvgToPngOptions } from "./svgToPng.js";

export interface LinePlotOptions {
  /** The fields to draw, in legend order: names, or names → legend labels (`{ trainLoss: "train loss" }`). */
  readonly series: readonly string[] | Readonly<Record<string, string>>;
  /** The x field (default "epoch"). */
  readonly x?: string;
  readonly xlabel?: string;
  readonly ylabel?: string;
  readonly xlim?: readonly [number, number];
  readonly ylim?: readonly [number, number];
  readonly xscale?: "linear" | "log";
  readonly yscale?: "linear" | "log";
  /** Plot area in pixels (default 350 × 250: d2l's 3.5 × 2.5 inch figure). */
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
}

// d2l's default formats ('-', 'm--', 'g-.', 'r:'): matplotlib blue solid, magenta dashed, green dash-dot, red dotted.
const COLORS = ["#1f77b4", "#bf00bf", "#008000", "#ff0000", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"];
const DASHES = [[1, 0], [6, 3], [6, 3, 1, 3], [1, 3], [1, 0], [6, 3], [6, 3, 1, 3], [1, 3]];

const seriesEntries = (op: string, series: LinePlotOptions["series"]): (readonly [string, string])[] => {
  const entries = Array.isArray(series) ? (series as readonly string[]).map((f) => [f, f] as const) : Object.entries(series as Record<string, string>);
  if (entries.length === 0) throw new Error(`${op}: series must name at least one field, e.g. { series: ["trainLoss", "testAcc"] }`);
  const labels = entries.map(([, label]) => label);
  if (new Set(labels).size !== labels.length) throw new Error(`${op}: series labels must be distinct, got [${labels.join(", ")}]`);
  return entries;
};

/**
 * The vega-lite spec of a line chart with one line (and point marks) per series over x; rows missing a series (null or
 * undefined, as d2l's Animator skips None) leave that series out at that x. Pure: render it with renderLinePlot.
 */
export const linePlotSpec = (rows: readonly MetricRecord[], options: LinePlotOptions): TopLevelSpec => {
  const { series, x = "epoch", xlabel = x, ylabel, xlim, ylim, xscale = "linear", yscale = "linear", width = 350, height = 250, title } = options;
  const entries = seriesEntries("linePlot", series);
  const values = rows.flatMap((row, i) => {
    const xv = row[x];
    if (typeof xv !== "number") throw new Error(`linePlot: row ${i} has no number in the x field "${x}" (got ${JSON.stringify(xv)})`);
    return entries.flatMap(([field, label]) => {
      const v = row[field];
      return typeof v === "number" && Number.isFinite(v) ? [{ x: xv, series: label, value: v }] : [];
    });
  });
  const labels = entries.map(([, label]) => label);
  // `zero` only means something on linear scales; vega-lite warns on every render when a log scale carries it.
  const scale = (type: "linear" | "log", lim: readonly [number, number] | undefined) => {
    const base = type === "log" ? { type } : { type, zero: false };
    // Fixed limits get a few pixels of padding, so a point on the last epoch is drawn whole rather than cut by the clip.
    return lim === undefined ? base : { ...base, domain: [...lim], nice: false, padding: 6 };
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...(title === undefined ? {} : { title }),
    width,
    height,
    background: "white",
    data: { values },
    mark: { type: "line", point: true, clip: true },
    encoding: {
      x: { field: "x", type: "quantitative", title: xlabel, scale: scale(xscale, xlim) },
      y: { field: "value", type: "quantitative", title: ylabel ?? null, scale: scale(yscale, ylim) },
      // The domain lists every series up front, so colours and the legend stay put while later series have no points yet.
      color: { field: "series", type: "nominal", title: null, scale: { domain: labels, range: labels.map((_, i) => COLORS[i % COLORS.length]!) } },
      strokeDash: { field: "series", type: "nominal", title: null, scale: { domain: labels, range: labels.map((_, i) => DASHES[i % DASHES.length]!) } },
    },
  } as TopLevelSpec;
};

/**
 * Renders a line chart of metric rows to SVG text (vega headless, no browser).
 * @example
 * const svg = await renderLinePlot(epochs, { series: { trainLoss: "train loss", trainAcc: "train acc", testAcc: "test acc" } });
 */
export const renderLinePlot = async (rows: readonly unknown[], options: LinePlotOptions): Promise<string> => {
  const fields = [options.x ?? "epoch", ...seriesEntries("renderLinePlot", options.series).map(([field]) => field)];
  const records = rows.map((r) => metricRecord("renderLinePlot", r, fields));
  // vega is large and uses top-level await: load it only when a plot is drawn, not when rivulet is imported.
  const [vega, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new vega.View(vega.parse(compile(linePlotSpec(records, options)).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
};

export interface LivePlotOptions<T = unknown> extends LinePlotOptions {
  /** For a `.png` path: how to rasterize (scale, fonts). */
  readonly png?: SvgToPngOptions;
  /**
   * The plot's rows from a value: default the value itself; `[]` adds nothing (the file is then not redrawn), so one
   * plot can sit on a step stream and take a point every N steps, and another at each epoch's end.
   */
  readonly rows?: (value: T) => readonly object[];
  /** Rows drawn before the stream's own (an earlier run's, when a run resumes). */
  readonly history?: readonly object[];
  /**
   * Redraw at most once in this many milliseconds (default 0: at every value that adds rows). Rows arriving sooner
   * wait for the next redraw, and are drawn when the stream ends at the latest: a render costs tens of milliseconds,
   * which a training loop redrawing several times an epoch would otherwise pay out of its own time.
   */
  readonly minIntervalMs?: number;
}

/** One subscription's plot: its rows, when it was last drawn, and whether rows arrived since. */
interface LivePlotState {
  readonly rows: MetricRecord[];
  drawnAt: number;
  pending: boolean;
}

const formatOf = (path: string): "svg" | "png" => {
  if (/\.svg$/i.test(path)) return "svg";
  if (/\.png$/i.test(path)) return "png";
  throw new Error(`livePlot: ${path}: the file name must end in .svg or .png, which decides the format`);
};

/**
 * The curriculum's live plot: redraws the chart of every value so far into `path` (.svg or .png) as each value arrives,
 * and passes values on. Each write replaces the file atomically (temporary file, then rename), so a viewer never sees a
 * half-written plot. On subscription the folder is created and an empty chart written, so a bad path fails at the start.
 * @example
 * epochs$.pipe(livePlot("runs/lenet/curves.svg", { series: { trainLoss: "train loss", trainAcc: "train acc", testAcc: "test acc" }, xlim: [1, 10] }));
 */
export const livePlot = <T>(path: string, options: LivePlotOptions<T>): MonoTypeOperatorFunction<T> => {
  const format = formatOf(path);
  const minIntervalMs = options.minIntervalMs ?? 0;
  if (typeof minIntervalMs !== "number" || !(minIntervalMs >= 0))
    throw new Error(`livePlot: minIntervalMs must be a number of milliseconds >= 0, got ${JSON.stringify(minIntervalMs)}`);
  // Only the plotted fields are read from each value, so stream values may carry anything else (a training state).
  const plotted = [options.x ?? "epoch", ...seriesEntries("livePlot", options.series).map(([field]) => field)];
  const draw = (rows: readonly MetricRecord[]): Effect.Effect<void, SinkError> =>
    Effect.gen(function* () {
      const svg = yield* sinkCall("livePlot", path, "render the plot for", () => renderLinePlot(rows, options));
      const bytes = yield* Effect.try({
        try: () => (format === "svg" ? new TextEncoder().encode(svg) : svgToPng(svg, options.png)),
        catch: (cause) => new SinkError({ sink: "livePlot", file: path, cause, message: `livePlot: cannot rasterize ${path}: ${String(cause)}` }),
      });
      yield* writeFileAtomic(path, bytes).pipe(
        Effect.mapError((e) => new SinkError({ sink: "livePlot", file: path, cause: e, message: `livePlot: cannot write ${path}: ${e.message}` })),
      );
    });
  const drawNow = (plot: LivePlotState): Effect.Effect<void, SinkError> =>
    draw(plot.rows).pipe(
      Effect.map(() => {
        plot.drawnAt = performance.now();
        plot.pending = false;
      }),
    );
  return sinkOperator<T, LivePlotState>({
    open: Effect.gen(function* () {
      const { dirname } = yield* Effect.promise(() => import("node:path"));
      yield* sinkFolder("livePlot", dirname(path));
      const rows = yield* Effect.try({
        try: () => (options.history ?? []).map((r) => metricRecord("livePlot", r, plotted)),
        catch: (cause) => new SinkError({ sink: "livePlot", file: path, cause, message: cause instanceof Error ? cause.message : String(cause) }),
      });
      const plot: LivePlotState = { rows, drawnAt: 0, pending: false };
      yield* drawNow(plot);
      return plot;
    }),
    write: (plot, value) =>
      Effect.gen(function* () {
        const added = yield* Effect.try({
          try: () => (options.rows === undefined ? [value] : options.rows(value)).map((r) => metricRecord("livePlot", r, plotted)),
          catch: (cause) => new SinkError({ sink: "livePlot", file: path, cause, message: cause instanceof Error ? cause.message : String(cause) }),
        });
        if (added.length === 0) return;
        // Rows live only in this subscription's closure: one run, one accumulating plot.
        plot.rows.push(...added);
        plot.pending = true;
        if (performance.now() - plot.drawnAt >= minIntervalMs) yield* drawNow(plot);
      }),
    close: (plot) => (plot.pending ? drawNow(plot) : Effect.void),
  });
};
