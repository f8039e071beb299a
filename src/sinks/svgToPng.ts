// Rasterizing an SVG (a plot, an image grid) to PNG bytes with resvg, with control over the fonts its text needs.
import { createRequire } from "node:module";
import type { Resvg as ResvgClass } from "@resvg/resvg-js";

// The native rasterizer is loaded on first use, so importing rivulet does not load a native addon it may never need.
let resvgCtor: typeof ResvgClass | undefined;
const Resvg = (): typeof ResvgClass =>
  (resvgCtor ??= (createRequire(import.meta.url)("@resvg/resvg-js") as { Resvg: typeof ResvgClass }).Resvg);

export interface SvgToPngOptions {
  /** Pixels per SVG unit (default 1: the PNG is as large as the SVG's width and height). */
  readonly scale?: number;
  /** Font files (.ttf/.otf) to load: text renders only with some font, and minimal containers may have none installed. */
  readonly fontFiles?: readonly string[];
  /** Load the fonts installed on the system (default true; false is faster and, with fontFiles, reproducible). */
  readonly loadSystemFonts?: boolean;
  /** The family used for "sans-serif" text (vega's default) and unknown families; default resvg's choice (the first font found). */
  readonly fontFamily?: string;
  /** Fills transparent areas (default "white", as the plots' own background). */
  readonly background?: string;
}

/**
 * Renders SVG text to PNG bytes. Text needs fonts: with no system fonts and no `fontFiles`, labels are silently left out.
 * @example
 * writeFileSync("curve.png", svgToPng(await renderLinePlot(rows, { series: ["loss"] }), { scale: 2 }));
 */
export const svgToPng = (
  svg: string,
  { scale = 1, fontFiles = [], loadSystemFonts = true, fontFamily, background = "white" }: SvgToPngOptions = {},
): Uint8Array => {
  if (!(scale > 0 && Number.isFinite(scale))) throw new Error(`svgToPng: scale must be a positive number, got ${scale}`);
  const family = fontFamily === undefined ? {} : { defaultFontFamily: fontFamily, sansSerifFamily: fontFamily };
  const resvg = new (Resvg())(svg, {
    font: { loadSystemFonts, fontFiles: [...fontFiles], ...family },
    fitTo: scale === 1 ? { mode: "original" } : { mode: "zoom", value: scale },
    background,
  });
  return new Uint8Array(resvg.render().asPng());
};
