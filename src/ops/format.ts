// Prints tensors the way PyTorch does: shared element width, 4 decimals or scientific, summarised past 1000 elements.
import type { Tensor } from "./Tensor.js";
import type { AnyTypedArray } from "./dtype.js";

const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 80;

const sci = (v: number): string => {
  const [m, e] = v.toExponential(4).split("e") as [string, string];
  const sign = e.startsWith("-") ? "-" : "+";
  const digits = e.replace(/^[+-]/, "");
  return `${m}e${sign}${digits.padStart(2, "0")}`;
};

const special = (v: number): string | undefined =>
  Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : undefined;

/** Chooses one formatter for all shown elements, as torch's _Formatter does. */
const floatFormatter = (values: number[]): ((v: number) => string) => {
  const finite = values.filter((v) => Number.isFinite(v));
  const nz = finite.filter((v) => v !== 0).map(Math.abs);
  if (nz.length === 0 || finite.every((v) => Number.isInteger(v))) {
    const big = nz.length > 0 && (Math.max(...nz) / Math.min(...nz) > 1000 || Math.max(...nz) > 1e8);
    return (v) => special(v) ?? (big ? sci(v) : `${v.toFixed(0)}.`);
  }
  const mx = Math.max(...nz);
  const mn = Math.min(...nz);
  const useSci = mx / mn > 1000 || mx > 1e8 || mn < 1e-4;
  return (v) => special(v) ?? (useSci ? sci(v) : v.toFixed(4));
};

const shownIndices = (n: number, summarise: boolean): (number | null)[] =>
  summarise && n > 2 * EDGE
    ? [...Array.from({ length: EDGE }, (_, i) => i), null, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)]
    : Array.from({ length: n }, (_, i) => i);

/** PyTorch's repr of a tensor, e.g. `tensor([[1., 2.],\n        [3., 4.]])`. */
export const formatTensor = (t: Tensor): string => {
  const data: AnyTypedArray = t.dataSync();
  const shape = t.shape;
  const summarise = t.size > THRESHOLD;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));

  // Collect the elements that will be shown, so the width and style depend only on them.
  const shown: number[] = [];
  const collect = (dim: number, off: number): void => {
    if (dim === shape.length) { shown.push(data[off]!); return; }
    for (const i of shownIndices(shape[dim]!, summarise)) if (i !== null) collect(dim + 1, off + i * strides[dim]!);
  };
  collect(0, 0);

  const fmt =
    t.dtype === "bool" ? (v: number) => (v ? "True" : "False")
    : t.dtype === "int32" ? (v: number) => String(v)
    : floatFormatter(shown);
  const width = Math.max(0, ...shown.map((v) => fmt(v).length));
  const cell = (v: number) => fmt(v).padStart(width);

  const prefix = "tensor(";
  const render = (dim: number, off: number, indent: number): string => {
    if (dim === shape.length) return cell(data[off]!);
    const idx = shownIndices(shape[dim]!, summarise);
    if (dim === shape.length - 1) {
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (width + 2)));
      const cells = idx.map((i) => (i === null ? "..." : cell(data[off + i * strides[dim]!]!)));
      const lines: string[] = [];
      for (let s = 0; s < cells.length; s += perLine) lines.push(cells.slice(s, s + perLine).join(", "));
      return `[${lines.join(",\n" + " ".repeat(indent + 1))}]`;
    }
    const sep = "," + "\n".repeat(shape.length - dim - 1) + " ".repeat(indent + 1);
    const parts = idx.map((i) => (i === null ? "..." : render(dim + 1, off + i * strides[dim]!, indent + 1)));
    return `[${parts.join(sep)}]`;
  };

  const extras: string[] = [];
  if (t.size === 0 && shape.length !== 1) extras.push(`size=(${shape.join(", ")}${shape.length === 1 ? "," : ""})`);
  if (t.device.name !== "cpu") extras.push(`device='${t.device.name}'`);
  if (t.requiresGrad) extras.push("requires_grad=True");
  const body = t.size === 0 ? "[]" : render(0, 0, prefix.length);
  return `${prefix}${body}${extras.map((e) => ", " + e).join("")})`;
};
