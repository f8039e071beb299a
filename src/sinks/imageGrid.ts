// An image grid of samples with a title each (d2l's show_images for Fashion-MNIST) as SVG with embedded PNG tiles, or PNG.
import { Effect } from "effect";
import { PNG } from "pngjs";
import type { Tensor } from "../ops/Tensor.js";
import type { AnyTypedArray } from "../ops/dtype.js";
import { writeFileAtomic } from "../io/writeFileAtomic.js";
import { SinkError, sinkCall, sinkFolder } from "./SinkError.js";
import { svgToPng, type SvgToPngOptions } from "./svgToPng.js";

export interface ImageGridOptions {
  /** One title per image, drawn above it (d2l passes the text labels). */
  readonly titles?: readonly string[];
  /** Grid rows (default: as many as the columns need). */
  readonly numRows?: number;
  /** Grid columns (default: min(N, 8), torchvision make_grid's nrow). */
  readonly numCols?: number;
  /** Screen pixels per image pixel (default 3: a 28×28 image shows at 84×84). */
  readonly scale?: number;
  /** The values shown black and white (default [0, 1], ToTensor's range; [0, 255] for int32 images). */
  readonly range?: readonly [number, number];
  /** Stretch each image to its own min..max instead, as matplotlib's imshow does. */
  readonly normalize?: boolean;
}

const TITLE_HEIGHT = 16;
const PAD = 4;

const escapeXml = (s: string): string =>
  s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);

interface Layout {
  readonly n: number;
  readonly channels: 1 | 3;
  readonly height: number;
  readonly width: number;
}

const layoutOf = (shape: readonly number[]): Layout => {
  const bad = () => new Error(`imageGrid: expected images of shape [N, 1, H, W], [N, 3, H, W] or [N, H, W], got [${shape.join(", ")}]`);
  if (shape.length === 3) return { n: shape[0]!, channels: 1, height: shape[1]!, width: shape[2]! };
  if (shape.length === 4 && (shape[1] === 1 || shape[1] === 3)) return { n: shape[0]!, channels: shape[1], height: shape[2]!, width: shape[3]! };
  throw bad();
};

/** One image as RGBA PNG bytes, its values mapped from [lo, hi] to 0..255 and clamped. */
const tilePng = (data: AnyTypedArray, offset: number, { channels, height, width }: Layout, lo: number, hi: number): Buffer => {
  const png = new PNG({ width, height });
  const plane = height * width;
  const span = hi > lo ? hi - lo : 1;
  for (let p = 0; p < plane; p++)
    for (let c = 0; c < 3; c++) {
      const v = Number(data[offset + (channels === 1 ? 0 : c) * plane + p]);
      png.data[4 * p + c] = Math.round(Math.min(1, Math.max(0, (v - lo) / span)) * 255);
    }
  for (let p = 0; p < plane; p++) png.data[4 * p + 3] = 255;
  return PNG.sync.write(png);
};

const gridSvg = (data: AnyTypedArray, shape: readonly number[], dtype: string, options: ImageGridOptions): string => {
  const layout = layoutOf(shape);
  const { n, channels, height, width } = layout;
  const { titles, numCols = Math.max(1, Math.min(n, 8)), numRows = Math.max(1, Math.ceil(n / numCols)), scale = 3, normalize = false } = options;
  const range = options.range ?? (dtype === "float32" ? [0, 1] : [0, 255]);
  if (!(Number.isInteger(numCols) && numCols > 0 && Number.isInteger(numRows) && numRows > 0))
    throw new Error(`imageGrid: numRows and numCols must be positive integers, got ${numRows} × ${numCols}`);
  if (numRows * numCols < n) throw new Error(`imageGrid: ${n} images do not fit a ${numRows} × ${numCols} grid`);
  if (titles !== undefined && titles.length !== n) throw new Error(`imageGrid: got ${titles.length} titles for ${n} images; pass one per image`);
  if (!(scale > 0)) throw new Error(`imageGrid: scale must be positive, got ${scale}`);
  const titleHeight = titles === undefined ? 0 : TITLE_HEIGHT;
  const [tileW, tileH] = [width * scale, height * scale];
  const [cellW, cellH] = [tileW + 2 * PAD, tileH + titleHeight + 2 * PAD];
  const cells: string[] = [];
  for (let i = 0; i < n; i++) {
    const offset = i * channels * height * width;
    let [lo, hi] = range;
    if (normalize) {
      [lo, hi] = [Infinity, -Infinity];
      for (let k = offset; k < offset + channels * height * width; k++) [lo, hi] = [Math.min(lo, Number(data[k])), Math.max(hi, Number(data[k]))];
    }
    const [x, y] = [(i % numCols) * cellW + PAD, Math.floor(i / numCols) * cellH + PAD];
    const href = `data:image/png;base64,${tilePng(data, offset, layout, lo, hi).toString("base64")}`;
    const title = titles === undefined ? "" : `<text x="${x + tileW / 2}" y="${y + TITLE_HEIGHT - 4}" text-anchor="middle" font-family="sans-serif" font-size="12px" fill="#000">${escapeXml(titles[i]!)}</text>`;
    // optimizeSpeed: nearest-neighbour upscaling, so a 28×28 image shows crisp pixels as imshow does.
    cells.push(`<g class="image">${title}<image x="${x}" y="${y + titleHeight}" width="${tileW}" height="${tileH}" preserveAspectRatio="none" image-rendering="optimizeSpeed" href="${href}"/></g>`);
  }
  const [w, h] = [numCols * cellW, numRows * cellH];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><rect width="${w}" height="${h}" fill="white"/>${cells.join("")}</svg>`;
};

/**
 * An SVG grid of images (float in `range`, default [0, 1]) with an optional title above each, as d2l's show_images.
 * CPU tensors (read synchronously); saveImageGrid reads any device.
 * @example
 * const svg = imageGridSvg(x.reshape([18, 28, 28]), { numRows: 2, numCols: 9, titles: labels });
 */
export const imageGridSvg = (images: Tensor, options: ImageGridOptions = {}): string => {
  layoutOf(images.shape);
  if (!images.device.readSync) throw new Error(`imageGridSvg: the images are on ${images.device.name}; use saveImageGrid, which reads them asynchronously`);
  return gridSvg(images.dataSync(), images.shape, images.dtype, options);
};

export interface SaveImageGridOptions extends ImageGridOptions {
  /** For a `.png` path: how to rasterize (scale, fonts). */
  readonly png?: SvgToPngOptions;
}

/**
 * Writes an image grid to `path` (.svg or .png) atomically, as an Effect failing with a SinkError naming the file.
 * @example
 * await Effect.runPromise(saveImageGrid("samples.png", x, { titles: getFashionMnistLabels(y) }));
 */
export const saveImageGrid = (path: string, images: Tensor, options: SaveImageGridOptions = {}): Effect.Effect<void, SinkError> =>
  Effect.gen(function* () {
    const fail = (cause: unknown) =>
      new SinkError({ sink: "saveImageGrid", file: path, cause, message: `saveImageGrid: ${path}: ${cause instanceof Error ? cause.message : String(cause)}` });
    const format = /\.svg$/i.test(path) ? "svg" : /\.png$/i.test(path) ? "png" : undefined;
    if (format === undefined) return yield* Effect.fail(fail(new Error("the file name must end in .svg or .png, which decides the format")));
    yield* Effect.try({ try: () => layoutOf(images.shape), catch: fail });
    const data = yield* sinkCall("saveImageGrid", path, "read the images for", () => images.data());
    const svg = yield* Effect.try({ try: () => gridSvg(data, images.shape, images.dtype, options), catch: fail });
    const bytes = yield* Effect.try({ try: () => (format === "svg" ? new TextEncoder().encode(svg) : svgToPng(svg, options.png)), catch: fail });
    // Like livePlot, create the folder first: a grid is often the first file of a run directory.
    const { dirname } = yield* Effect.promise(() => import("node:path"));
    yield* sinkFolder("saveImageGrid", dirname(path));
    yield* writeFileAtomic(path, bytes).pipe(
      Effect.mapError((e) => new SinkError({ sink: "saveImageGrid", file: path, cause: e, message: `saveImageGrid: cannot write ${path}: ${e.message}` })),
    );
  });

/**
 * d2l's show_images as a file: the Promise form of saveImageGrid. Rejects with a SinkError.
 * @example
 * await showImages("fashion.svg", x.reshape([18, 28, 28]), { numRows: 2, numCols: 9, titles: getFashionMnistLabels(y) });
 */
export const showImages = (path: string, images: Tensor, options: SaveImageGridOptions = {}): Promise<void> =>
  Effect.runPromise(saveImageGrid(path, images, options));
