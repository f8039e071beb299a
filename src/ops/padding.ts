// torch.nn.functional.pad: constant (the pad primitive) and reflect/replicate/circular built from slices, flips and concat.
import type { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import { shapeStr } from "./_shape.js";
import { expand } from "./layout.js";
import { sliceAxis } from "./slicing.js";

export type PadMode = "constant" | "reflect" | "replicate" | "circular";

export interface PadOptions {
  /** How the border is filled (default "constant"). */
  readonly mode?: PadMode;
  /** Fill value for "constant" mode (default 0). */
  readonly value?: number;
}

const modes: readonly PadMode[] = ["constant", "reflect", "replicate", "circular"];

/** Border of width w before (or after) axis a, for the non-constant modes. */
const border = (x: Tensor, a: number, w: number, after: boolean, mode: Exclude<PadMode, "constant">): Tensor => {
  const n = x.shape[a]!;
  switch (mode) {
    // Mirror without repeating the edge: before = x[w], …, x[1]; after = x[n-2], …, x[n-1-w].
    case "reflect": return after ? sliceAxis(x, a, n - 2, n - 2 - w, -1) : sliceAxis(x, a, w, 0, -1);
    case "replicate": {
      const edge = after ? sliceAxis(x, a, n - 1, n) : sliceAxis(x, a, 0, 1);
      return expand(edge, x.shape.map((d, i) => (i === a ? w : d)));
    }
    case "circular": return after ? sliceAxis(x, a, 0, w) : sliceAxis(x, a, n - w, n);
  }
};

/**
 * Pads (or, with negative widths, crops) trailing axes: `pad` lists [before, after] for the last axis
 * first, then the one before it, … (torch.nn.functional.pad's order).
 * @example
 * pad(images, [1, 1, 2, 2], { mode: "reflect" }); // W += 2, H += 4
 */
export const pad = (x: Tensor, pad: readonly number[], { mode = "constant", value = 0 }: PadOptions = {}): Tensor => {
  if (!modes.includes(mode)) throw new Error(`pad: unknown mode "${String(mode)}" (expected ${modes.map((m) => `"${m}"`).join(", ")})`);
  if (pad.length % 2 !== 0 || pad.length / 2 > x.ndim || pad.some((p) => !Number.isInteger(p)))
    throw new Error(`pad: padding [${pad.join(", ")}] must be integer pairs, at most 2 per dimension of shape ${shapeStr(x.shape)}`);
  if (mode !== "constant" && value !== 0) throw new Error(`pad: mode "${mode}" does not take a fill value (got ${value})`);
  const widths = x.shape.map((): [number, number] => [0, 0]);
  for (let k = 0; k < pad.length / 2; k++) widths[x.ndim - 1 - k] = [pad[2 * k]!, pad[2 * k + 1]!];
  widths.forEach(([b, e], a) => {
    if (x.shape[a]! + b + e < 0)
      throw new Error(`pad: padding (${b}, ${e}) leaves a negative size in dimension ${a} of shape ${shapeStr(x.shape)}`);
  });
  // Negative widths crop first (torch does the same, also in circular mode); what remains is padded.
  let y = x;
  widths.forEach(([b, e], a) => {
    if (b < 0 || e < 0) y = sliceAxis(y, a, Math.max(0, -b), y.shape[a]! - Math.max(0, -e));
  });
  const grow = widths.map(([b, e]): [number, number] => [Math.max(0, b), Math.max(0, e)]);
  if (grow.every(([b, e]) => b === 0 && e === 0)) return y;
  if (mode === "constant") return applyPrim("pad", [y], { widths: grow, value });
  for (let a = y.ndim - 1; a >= 0; a--) {
    const [b, e] = grow[a]!;
    if (b === 0 && e === 0) continue;
    const n = y.shape[a]!;
    const limit = mode === "reflect" ? n - 1 : mode === "circular" ? n : Infinity;
    if (n === 0 || b > limit || e > limit)
      throw new Error(`pad: ${mode} padding (${b}, ${e}) is too large for dimension ${a} of size ${n} (shape ${shapeStr(x.shape)}; reflect needs padding < size, circular ≤ size)`);
    const parts = [...(b > 0 ? [border(y, a, b, false, mode)] : []), y, ...(e > 0 ? [border(y, a, e, true, mode)] : [])];
    y = applyPrim("concat", parts, { axis: a });
  }
  return y;
};
