// Prints tensors exactly as PyTorch 1.13's repr does (torch/_tensor_str.py): one formatter for all shown elements, summarised past 1000.
import type { Tensor } from "./Tensor.js";
import type { AnyTypedArray } from "./dtype.js";

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 80;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/**
 * round(|x| · 10^k) with ties to even, computed exactly from x's binary value. Python's format() rounds
 * this way; JavaScript's toFixed/toExponential round ties up (0.03125 → "0.0313" instead of "0.0312").
 */
const scaledRound = (x: number, k: number): bigint => {
  f64[0] = Math.abs(x);
  const hi = u32[1]!;
  const lo = u32[0]!;
  const biased = hi >>> 20;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const m = biased === 0 ? frac : frac | (1n << 52n);
  const e = (biased === 0 ? 1 : biased) - 1075; // |x| = m · 2^e exactly
  let num = m * (k > 0 ? 10n ** BigInt(k) : 1n) * (e > 0 ? 1n << BigInt(e) : 1n);
  const den = (e < 0 ? 1n << BigInt(-e) : 1n) * (k < 0 ? 10n ** BigInt(-k) : 1n);
  const q = num / den;
  num -= q * den;
  return 2n * num > den || (2n * num === den && q % 2n === 1n) ? q + 1n : q;
};

const signOf = (x: number): string => (x < 0 || Object.is(x, -0) ? "-" : "");

const nonFinite = (x: number): string => (Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf");

/** Python's '{:.{digits}f}'.format(x). */
const fixed = (x: number, digits: number): string => {
  if (!Number.isFinite(x)) return nonFinite(x);
  const s = scaledRound(x, digits).toString().padStart(digits + 1, "0");
  return digits === 0 ? signOf(x) + s : `${signOf(x)}${s.slice(0, -digits)}.${s.slice(-digits)}`;
};

/** Python's '{:.{digits}e}'.format(x). */
const sci = (x: number, digits: number): string => {
  if (!Number.isFinite(x)) return nonFinite(x);
  let exp = x === 0 ? 0 : Math.floor(Math.log10(Math.abs(x)));
  let n = scaledRound(x, digits - exp);
  // log10 can be off by one near powers of ten, and rounding can carry into a new digit.
  const lo = 10n ** BigInt(digits);
  if (x !== 0 && n >= 10n * lo) n = scaledRound(x, digits - ++exp);
  else if (x !== 0 && n < lo) n = scaledRound(x, digits - --exp);
  const s = x === 0 ? "0".repeat(digits + 1) : n.toString();
  const mantissa = digits === 0 ? s : `${s[0]}.${s.slice(1)}`;
  return `${signOf(x)}${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
};

interface Formatter {
  /** The column width every element is padded to (torch's max_width). */
  readonly width: number;
  readonly format: (v: number) => string;
}

/** torch's _Formatter for floats: integer mode, fixed 4 decimals or scientific, chosen from the nonzero finite values. */
const floatFormatter = (values: readonly number[]): Formatter => {
  const nz = values.filter((v) => Number.isFinite(v) && v !== 0);
  let intMode = true;
  let sciMode = false;
  let width = 1;
  if (nz.length > 0) {
    const abs = nz.map(Math.abs);
    const mx = Math.max(...abs);
    const mn = Math.min(...abs);
    intMode = nz.every((v) => v === Math.ceil(v));
    sciMode = mx / mn > 1000 || mx > 1e8 || (!intMode && mn < 1e-4);
    for (const v of nz) {
      // In integer mode a "." is appended to each number, hence the + 1.
      const len = sciMode ? sci(v, PRECISION).length : intMode ? fixed(v, 0).length + 1 : fixed(v, PRECISION).length;
      if (len > width) width = len;
    }
  }
  const format = (v: number): string => {
    const s = sciMode ? sci(v, PRECISION) : intMode ? fixed(v, 0) + (Number.isFinite(v) ? "." : "") : fixed(v, PRECISION);
    return s.padStart(width);
  };
  return { width, format };
};

const plainFormatter = (values: readonly number[], str: (v: number) => string): Formatter => {
  const width = Math.max(1, ...values.map((v) => str(v).length));
  return { width, format: (v) => str(v).padStart(width) };
};

const shownIndices = (n: number, summarise: boolean): (number | null)[] =>
  summarise && n > 2 * EDGE
    ? [...Array.from({ length: EDGE }, (_, i) => i), null, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)]
    : Array.from({ length: n }, (_, i) => i);

/** torch's _add_suffixes: `, suffix` on the last line, or on a new line when it would pass 80 columns. */
const addSuffixes = (body: string, suffixes: readonly string[], indent: number): string => {
  // Mirrors torch's arithmetic exactly (including its +1 when the body has no newline).
  let lastLineLen = body.length - body.lastIndexOf("\n") + 1;
  let out = body;
  for (const s of suffixes) {
    if (lastLineLen + s.length + 2 > LINE_WIDTH) {
      out += ",\n" + " ".repeat(indent) + s;
      lastLineLen = indent + s.length;
    } else {
      out += ", " + s;
      lastLineLen += s.length + 2;
    }
  }
  return out + ")";
};

/**
 * PyTorch's repr of a tensor, e.g. `tensor([[1., 2.],\n        [3., 4.]])`; int32 prints like torch's int64
 * (no dtype suffix) and bool as True/False.
 * @example
 * formatTensor(tensor([1e-5, 1])); // "tensor([1.0000e-05, 1.0000e+00])"
 */
export const formatTensor = (t: Tensor): string => {
  const data: AnyTypedArray = t.dataSync();
  const shape = t.shape;
  const prefix = "tensor(";
  const indent = prefix.length;
  const suffixes: string[] = [];
  if (t.device.name !== "cpu") suffixes.push(`device='${t.device.name}'`);

  let body: string;
  if (t.size === 0) {
    if (shape.length !== 1) suffixes.push(`size=(${shape.join(", ")})`);
    // With no elements to show, the dtype is only visible in the suffix.
    if (t.dtype !== "float32") suffixes.push(`dtype=${t.dtype}`);
    body = "[]";
  } else {
    const summarise = t.size > THRESHOLD;
    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));

    // The formatter sees only the elements that will be shown (torch's get_summarized_data).
    const shown: number[] = [];
    const collect = (dim: number, off: number): void => {
      if (dim === shape.length) {
        shown.push(data[off]!);
        return;
      }
      for (const i of shownIndices(shape[dim]!, summarise)) if (i !== null) collect(dim + 1, off + i * strides[dim]!);
    };
    collect(0, 0);

    const fmt =
      t.dtype === "bool" ? plainFormatter(shown, (v) => (v ? "True" : "False"))
      : t.dtype === "int32" ? plainFormatter(shown, String)
      : floatFormatter(shown);

    const render = (dim: number, off: number, ind: number): string => {
      const idx = shownIndices(shape[dim]!, summarise);
      if (dim === shape.length - 1) {
        const perLine = Math.max(1, Math.floor((LINE_WIDTH - ind) / (fmt.width + 2)));
        const cells = idx.map((i) => (i === null ? " ..." : fmt.format(data[off + i * strides[dim]!]!)));
        const lines: string[] = [];
        for (let s = 0; s < cells.length; s += perLine) lines.push(cells.slice(s, s + perLine).join(", "));
        return `[${lines.join(",\n" + " ".repeat(ind + 1))}]`;
      }
      const sep = "," + "\n".repeat(shape.length - dim - 1) + " ".repeat(ind + 1);
      const parts = idx.map((i) => (i === null ? "..." : render(dim + 1, off + i * strides[dim]!, ind + 1)));
      return `[${parts.join(sep)}]`;
    };
    body = shape.length === 0 ? fmt.format(data[0]!) : render(0, 0, indent);
  }

  if (t.requiresGrad) suffixes.push(t.node ? `grad_fn=<${t.node.prim}>` : "requires_grad=True");
  return addSuffixes(prefix + body, suffixes, indent);
};
