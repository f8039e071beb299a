// Tests for line plots and livePlot: vega's SVG parsed as XML (lines, points, legend), PNGs decoded by pngjs, errors.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { from, lastValueFrom, of, tap } from "rxjs";
import { afterAll, describe, expect, it } from "vitest";
import { livePlot, renderLinePlot, svgToPng, type SinkError } from "../../src/sinks/index.js";
import { ones } from "../../src/index.js";
import { byClass, findAll, parseXml, type XmlElement } from "./_xml.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-plot-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FONT_FILES = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf", "/Library/Fonts/Arial.ttf", "C:/Windows/Fonts/arial.ttf"];
const series = { trainLoss: "train loss", trainAcc: "train acc", testAcc: "test acc" };
// As d2l's train_ch6: test accuracy arrives only at epoch ends, so the first row lacks it.
const rows = [
  { epoch: 0.5, trainLoss: 1.2, trainAcc: 0.55 },
  { epoch: 1, trainLoss: 0.9, trainAcc: 0.66, testAcc: 0.7 },
  { epoch: 2, trainLoss: 0.6, trainAcc: 0.78, testAcc: 0.79 },
];

/** What the chart shows: drawn line paths per series, point marks, legend labels, axis titles. */
const chart = (svg: string) => {
  const root = parseXml(svg);
  const paths = (g: XmlElement) => findAll(g, (e) => e.name === "path" && e.attributes.d !== undefined && e.attributes.d !== "");
  const lines = byClass(root, "mark-line", "role-mark").flatMap(paths);
  const points = byClass(root, "mark-symbol", "role-mark").flatMap(paths);
  const text = (cls: string) => byClass(root, cls).flatMap((g) => findAll(g, (e) => e.name === "text").map((t) => t.text));
  return { root, lines, points, legend: text("role-legend-label"), axisTitles: text("role-axis-title") };
};

describe("renderLinePlot", () => {
  it("draws one line per series with a point per value present, a legend in series order and the axis titles", async () => {
    const svg = await renderLinePlot(rows, { series, ylabel: "value", xlim: [0, 2] });
    const { root, lines, points, legend, axisTitles } = chart(svg);
    expect(root.name).toBe("svg");
    expect(lines).toHaveLength(3);
    expect(points).toHaveLength(3 + 3 + 2); // the missing test accuracy is skipped, as the Animator skips None
    expect(legend).toEqual(["train loss", "train acc", "test acc"]);
    expect(axisTitles.sort()).toEqual(["epoch", "value"]);
    // d2l's formats: solid, dashed ('m--') and dash-dot ('g-.') lines in blue, magenta and green.
    expect(lines.map((l) => l.attributes.stroke)).toEqual(["#1f77b4", "#bf00bf", "#008000"]);
    expect(lines.map((l) => l.attributes["stroke-dasharray"] ?? "1,0")).toEqual(["1,0", "6,3", "6,3,1,3"]);
  });

  it("draws log scales without vega-lite's warning about zero", async () => {
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      const svg = await renderLinePlot(rows, { series, yscale: "log", xlim: [0, 2] });
      expect(chart(svg).lines).toHaveLength(3);
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual([]);
  });

  it("names the row and the field when x is missing", async () => {
    await expect(renderLinePlot([{ loss: 1 }], { series: ["loss"] })).rejects.toThrow(`linePlot: row 0 has no number in the x field "epoch" (got undefined)`);
  });
});

describe("svgToPng", () => {
  it("renders the plot's size and its text when fonts are available", async () => {
    const svg = await renderLinePlot(rows, { series });
    const { width, height } = parseXml(svg).attributes;
    const png = PNG.sync.read(Buffer.from(svgToPng(svg)));
    expect([png.width, png.height]).toEqual([Number(width), Number(height)]);
    const twice = PNG.sync.read(Buffer.from(svgToPng(svg, { scale: 2 })));
    expect([twice.width, twice.height]).toEqual([2 * Number(width), 2 * Number(height)]);
    // Text draws only with a font: without any, the labels vanish and fewer pixels are dark.
    const dark = (bytes: Uint8Array) => {
      const { data } = PNG.sync.read(Buffer.from(bytes));
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! < 200) n++;
      return n;
    };
    const noFonts = dark(svgToPng(svg, { loadSystemFonts: false }));
    const font = FONT_FILES.find(existsSync);
    if (font === undefined) return console.log("text check skipped: no known font file on this machine");
    expect(dark(svgToPng(svg, { loadSystemFonts: false, fontFiles: [font] }))).toBeGreaterThan(noFonts + 200);
    expect(dark(svgToPng(svg))).toBeGreaterThan(noFonts + 200);
  });
});

describe("livePlot", () => {
  it("rewrites the SVG as each value arrives, before passing it on", async () => {
    const path = join(dir, "curves", "live.svg");
    const seen: number[] = [];
    await lastValueFrom(
      from(rows).pipe(
        livePlot(path, { series, xlim: [0, 2] }),
        tap(() => seen.push(chart(readFileSync(path, "utf8")).points.length)),
      ),
    );
    expect(seen).toEqual([2, 5, 8]);
    const { legend, lines } = chart(readFileSync(path, "utf8"));
    expect(legend).toEqual(["train loss", "train acc", "test acc"]);
    expect(lines).toHaveLength(3);
    expect(readdirSync(join(dir, "curves"))).toEqual(["live.svg"]); // no temporary files left behind
  });

  it("rows picks each value's points ([] redraws nothing) and history is drawn first, so one plot serves a step stream", async () => {
    const path = join(dir, "steps.svg");
    const steps = [1, 2, 3, 4].map((i) => ({ i, loss: 1 / i, test: i === 4 ? 0.9 : undefined }));
    const seen: number[] = [];
    await lastValueFrom(
      from(steps).pipe(
        livePlot(path, {
          series, xlim: [0, 2], history: [{ epoch: 0, trainLoss: 2 }],
          rows: (s) => [...(s.i % 2 === 0 ? [{ epoch: s.i / 2, trainLoss: s.loss }] : []), ...(s.test === undefined ? [] : [{ epoch: 2, testAcc: s.test }])],
        }),
        tap(() => seen.push(chart(readFileSync(path, "utf8")).points.length)),
      ),
    );
    expect(seen).toEqual([1, 2, 2, 4]);
  });

  it("minIntervalMs holds redraws back, and the rows still waiting are drawn when the stream ends", async () => {
    const path = join(dir, "throttled.svg");
    const seen: number[] = [];
    await lastValueFrom(
      from(rows).pipe(
        livePlot(path, { series, xlim: [0, 2], minIntervalMs: 60_000 }),
        tap(() => seen.push(chart(readFileSync(path, "utf8")).points.length)),
      ),
    );
    expect(seen).toEqual([0, 0, 0]); // only the empty chart of the subscription within the minute
    expect(chart(readFileSync(path, "utf8")).points).toHaveLength(8); // every row, drawn at the end
    expect(() => livePlot(path, { series, minIntervalMs: -1 })).toThrow("livePlot: minIntervalMs must be a number of milliseconds >= 0, got -1");
  });

  it("reads only the plotted fields, so values may carry a training state of tensors", async () => {
    const path = join(dir, "with-state.svg");
    const withState = rows.map((r) => ({ ...r, state: { params: { weight: ones([3, 4]) } } }));
    await lastValueFrom(from(withState).pipe(livePlot(path, { series, xlim: [0, 2] })));
    expect(chart(readFileSync(path, "utf8")).points).toHaveLength(8);
  });

  it("writes an empty chart at subscription, so the file exists before the first epoch", async () => {
    const path = join(dir, "empty.svg");
    await lastValueFrom(of<(typeof rows)[number]>().pipe(livePlot(path, { series })), { defaultValue: undefined });
    const { points, legend } = chart(readFileSync(path, "utf8"));
    expect(points).toHaveLength(0);
    expect(legend).toEqual(["train loss", "train acc", "test acc"]);
  });

  it("writes PNGs that decode to the chart's size", async () => {
    const path = join(dir, "live.png");
    await lastValueFrom(from(rows).pipe(livePlot(path, { series, png: { scale: 2 } })));
    const svg = parseXml(await renderLinePlot(rows, { series }));
    const png = PNG.sync.read(readFileSync(path));
    expect([png.width, png.height]).toEqual([2 * Number(svg.attributes.width), 2 * Number(svg.attributes.height)]);
  });

  it("fails at the start naming the folder when it cannot be created, and rejects unknown formats at once", async () => {
    const blocker = join(dir, "blocker");
    writeFileSync(blocker, "");
    let written = 0;
    const e = await lastValueFrom(of(rows[0]).pipe(livePlot(join(blocker, "p.svg"), { series }), tap(() => written++))).then(
      () => undefined,
      (x: SinkError) => x,
    );
    expect(e).toMatchObject({ _tag: "SinkError", sink: "livePlot", file: blocker });
    expect(e!.message).toMatch(/^livePlot: cannot create the folder .*blocker/);
    expect(written).toBe(0);
    expect(() => livePlot(join(dir, "p.jpg"), { series })).toThrow(`livePlot: ${join(dir, "p.jpg")}: the file name must end in .svg or .png, which decides the format`);
    expect(() => livePlot(join(dir, "p.svg"), { series: [] })).toThrow("livePlot: series must name at least one field");
  });
});
