// Normalize: (x − mean) / std per channel of a float tensor image (torchvision.transforms.Normalize).
import { Tensor } from "../../ops/Tensor.js";
import { fromTyped } from "../../ops/creation.js";

export interface NormalizeOptions {
  /** Per-channel means (one value applies to every channel). */
  readonly mean: number | readonly number[];
  /** Per-channel standard deviations (one value applies to every channel); none may be zero. */
  readonly std: number | readonly number[];
}

const values = (name: string, v: number | readonly number[]): number[] => {
  const a = typeof v === "number" ? [v] : Array.isArray(v) ? [...v] : null;
  if (!a || a.length === 0 || !a.every((e) => typeof e === "number" && Number.isFinite(e)))
    throw new Error(`normalize: ${name} must be a finite number or a non-empty array of them, got ${JSON.stringify(v)}`);
  // torchvision converts to float32 before checking std, so the arithmetic below is float32's.
  return a.map(Math.fround);
};

/**
 * A transform normalising each channel of a float32 tensor [..., C, H, W]: (x − mean[c]) / std[c].
 * @example
 * const norm = normalize({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }); // ImageNet statistics
 */
export const normalize = ({ mean, std }: NormalizeOptions): ((x: Tensor) => Tensor) => {
  const m = values("mean", mean);
  const s = values("std", std);
  if (s.some((v) => v === 0)) throw new Error(`normalize: std ${JSON.stringify(std)} has a zero (in float32), which would divide by zero`);
  return (x) => {
    if (!(x instanceof Tensor)) throw new Error(`normalize: expected a float32 tensor [..., C, H, W] (toTensor() makes one from an Image), got ${x === null ? "null" : typeof x}`);
    if (x.ndim < 3) throw new Error(`normalize: expected a tensor image [..., C, H, W], got shape [${x.shape.join(", ")}]`);
    if (x.dtype !== "float32") throw new Error(`normalize: expected a float32 tensor, got dtype ${x.dtype} (toTensor() gives floats in [0, 1])`);
    const c = x.shape[x.ndim - 3]!;
    for (const [name, v] of [["mean", m], ["std", s]] as const)
      if (v.length !== 1 && v.length !== c)
        throw new Error(`normalize: ${name} has ${v.length} values but the tensor has ${c} channel${c === 1 ? "" : "s"} (shape [${x.shape.join(", ")}])`);
    if (!x.device.readSync) throw new Error(`normalize: this tensor lives on ${x.device.name}; read it back to the CPU first`);
    const src = x.dataSync() as Float32Array;
    const plane = x.shape[x.ndim - 1]! * x.shape[x.ndim - 2]!;
    const out = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const ch = Math.floor(i / plane) % c;
      out[i] = Math.fround(src[i]! - m[m.length === 1 ? 0 : ch]!) / s[s.length === 1 ? 0 : ch]!;
    }
    return fromTyped(out, x.shape, { device: x.device });
  };
};
