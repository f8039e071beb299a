// Histograms, PR curves and image grids against PyTorch/torchvision references (test/fixtures/gen_tensorboard.py).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { makeHistogram, computeCurve, makeGrid, tensor, type HistogramBins, type MakeGridOptions } from "../../../src/index.js";

interface Flat {
  shape: number[];
  data: number[];
}
const fx = JSON.parse(readFileSync(fileURLToPath(new URL("../../fixtures/tensorboard.json", import.meta.url)), "utf8")) as {
  histograms: { name: string; values: number[]; bins: HistogramBins; maxBins: number | null; expected: Record<string, number | number[]> }[];
  prCurves: { name: string; numThresholds: number; labels: number[]; predictions: number[]; weights: number[] | null; expected: number[][] }[];
  grids: { name: string; images: Flat; options: MakeGridOptions; expected: Flat }[];
};

const close = (a: readonly number[], e: readonly number[], tol: number, label: string): void => {
  expect(a.length, `${label} length`).toBe(e.length);
  a.forEach((x, i) => {
    if (Math.abs(x - e[i]!) > tol * (1 + Math.abs(e[i]!))) expect.fail(`${label}[${i}] = ${x}, expected ${e[i]}`);
  });
};

describe("makeHistogram (torch.utils.tensorboard.summary.make_histogram)", () => {
  for (const c of fx.histograms)
    it(c.name, () => {
      const h = makeHistogram(new Float32Array(c.values), { bins: c.bins, maxBins: c.maxBins ?? undefined });
      expect(h.bucket).toEqual(c.expected.bucket);
      close(h.bucketLimit, c.expected.bucketLimit as number[], 1e-15, "bucketLimit");
      expect(h.num).toBe(c.expected.num);
      expect(h.min).toBe(c.expected.min);
      expect(h.max).toBe(c.expected.max);
      close([h.sum, h.sumSquares], [c.expected.sum as number, c.expected.sumSquares as number], 1e-12, "sums");
      // The buckets account for every value inside the edges (numpy ignores the rest).
      const edges = Array.isArray(c.bins) ? c.bins : undefined;
      const inside = c.values.filter((v) => !edges || (v >= edges[0]! && v <= edges[edges.length - 1]!));
      expect(h.bucket.reduce((a, b) => a + b, 0)).toBe(inside.length);
    });

  it("rejects empty, non-finite values and bad bins with the reason", () => {
    expect(() => makeHistogram([])).toThrow(/empty/);
    expect(() => makeHistogram([1, NaN])).toThrow(/value 1 is NaN/);
    expect(() => makeHistogram([1, 2], { bins: 0 })).toThrow(/positive integer/);
    expect(() => makeHistogram([1, 2], { bins: [3, 1] })).toThrow(/increasing/);
    expect(() => makeHistogram([10], { bins: [0, 1] })).toThrow(/no value falls inside/);
  });
});

describe("computeCurve (pr_curves plugin data)", () => {
  for (const c of fx.prCurves)
    it(c.name, () => {
      const rows = computeCurve(new Float32Array(c.labels), new Float32Array(c.predictions), { numThresholds: c.numThresholds, weights: c.weights ? new Float32Array(c.weights) : undefined });
      rows.forEach((row, i) => close(row, c.expected[i]!, 1e-12, `row ${i}`));
    });

  it("names mismatched lengths", () => {
    expect(() => computeCurve([1, 0], [0.5])).toThrow(/2 and 1/);
  });
});

describe("makeGrid (torchvision.utils.make_grid)", () => {
  for (const c of fx.grids)
    it(c.name, () => {
      const out = makeGrid(tensor(c.images.data, { shape: c.images.shape }), c.options);
      expect([...out.shape]).toEqual(c.expected.shape);
      close(Array.from(out.dataSync()), c.expected.data, 1e-6, "pixels");
    });

  it("takes a list of images and names bad shapes", () => {
    const a = tensor([[[1, 2], [3, 4]]]);
    expect([...makeGrid([a, a], { padding: 0 }).shape]).toEqual([3, 2, 4]);
    expect(() => makeGrid(tensor([1, 2, 3]))).toThrow(/\[N, C, H, W\].*\[3\]/);
    expect(() => makeGrid(a, { nrow: 0 })).toThrow(/nrow/);
  });
});
