// ColorJitter: random brightness, contrast, saturation and hue factors applied in a random order (torchvision.transforms.ColorJitter).
import type { Key } from "../../ops/random.js";
import { permutation, requireKey, uniforms } from "./_random.js";
import { rasterOf } from "./_raster.js";
import { adjustBrightness } from "./adjustBrightness.js";
import { adjustContrast } from "./adjustContrast.js";
import { adjustHue } from "./adjustHue.js";
import { adjustSaturation } from "./adjustSaturation.js";
import type { ImageOrTensor, ImageTransform } from "./Transform.js";

/** A jitter amount: `v` means factors in [max(0, 1 − v), 1 + v] (hue: [−v, v]); a pair is the range itself. */
export type JitterRange = number | readonly [number, number];

export interface ColorJitterOptions {
  readonly brightness?: JitterRange;
  readonly contrast?: JitterRange;
  readonly saturation?: JitterRange;
  /** At most 0.5: a fraction of the colour circle. */
  readonly hue?: JitterRange;
}

/** torchvision's ColorJitter._check_input: a range, or null when it is the identity. */
const range = (name: string, v: JitterRange, center: number, bound: readonly [number, number], clipAtZero: boolean): [number, number] | null => {
  let r: [number, number];
  if (typeof v === "number") {
    if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`colorJitter: ${name} as a single number must be finite and non-negative, got ${v}`);
    r = [center - v, center + v];
    if (clipAtZero) r[0] = Math.max(r[0], 0);
  } else if (Array.isArray(v) && v.length === 2 && v.every((e) => typeof e === "number")) {
    if (!(bound[0] <= v[0]! && v[0]! <= v[1]! && v[1]! <= bound[1]))
      throw new Error(`colorJitter: ${name} must be [min, max] with ${bound[0]} <= min <= max <= ${bound[1]}, got ${JSON.stringify(v)}`);
    r = [v[0]!, v[1]!];
  } else throw new Error(`colorJitter: ${name} must be a number or a [min, max] pair, got ${JSON.stringify(v)}`);
  return r[0] === center && r[1] === center ? null : r;
};

const ADJUST = [adjustBrightness, adjustContrast, adjustSaturation, adjustHue] as const;

/**
 * A transform jittering colours: each factor drawn uniformly from its range, the four adjustments applied in a random
 * order (torchvision's randperm(4)); Images follow PIL's byte arithmetic, float32 tensors torchvision's tensor formulas.
 * @example
 * const jitter = colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 });
 * const out = jitter(image, key(0));
 */
export const colorJitter = ({ brightness = 0, contrast = 0, saturation = 0, hue = 0 }: ColorJitterOptions = {}): ImageTransform => {
  const ranges = [
    range("brightness", brightness, 1, [0, Infinity], true),
    range("contrast", contrast, 1, [0, Infinity], true),
    range("saturation", saturation, 1, [0, Infinity], true),
    range("hue", hue, 0, [-0.5, 0.5], false),
  ];
  if (typeof hue === "number" && hue > 0.5) throw new Error(`colorJitter: hue must be at most 0.5, got ${hue}`);
  return <X extends ImageOrTensor>(x: X, key: Key): X => {
    rasterOf("colorJitter", x);
    const us = uniforms(requireKey("colorJitter", key), 7);
    const order = permutation(us.slice(0, 3), 4);
    const factors = ranges.map((r, i) => (r ? r[0] + us[3 + i]! * (r[1] - r[0]) : null));
    return order.reduce((img, i) => (factors[i] === null ? img : ADJUST[i]!(img, factors[i]!)), x);
  };
};
