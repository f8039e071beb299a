// Python-style formatting of constructor arguments for extra_repr strings, so printed models read exactly like PyTorch's.

/** A float as Python's repr writes it: `0.1`, `1e-05`, `1.0`. */
export const pyFloat = (x: number): string => {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  // Python switches to exponent notation below 1e-4 and from 1e16, with at least two exponent digits.
  const [mant, exp] = x.toExponential().split("e") as [string, string];
  const e = Number(exp);
  if (x !== 0 && (e < -4 || e >= 16)) return `${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return Number.isInteger(x) ? `${x.toFixed(0)}.0` : String(x);
};

export const pyBool = (b: boolean): string => (b ? "True" : "False");

/** A tuple as Python prints it: `(3, 3)`, `(5,)`. */
export const pyTuple = (xs: readonly number[]): string => (xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(", ")})`);

/** An int or a tuple of ints, as the user passed it (PyTorch's pooling layers keep it that way). */
export const pyIntOrTuple = (x: number | readonly number[]): string => (typeof x === "number" ? String(x) : pyTuple(x));

export const pyStr = (s: string): string => `'${s}'`;
