// Constructor-argument checks shared by the layers: errors start with the layer's PyTorch class name.

/** Throws unless `v` is an integer ≥ `min` (1 by default). */
export const checkInt = (kind: string, name: string, v: unknown, min = 1): number => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min)
    throw new Error(`${kind}: ${name} must be ${min === 1 ? "a positive integer" : min === 0 ? "a non-negative integer" : `an integer ≥ ${min}`}, got ${String(v)}`);
  return v;
};

/** An int or a tuple of `n` ints, normalised to the tuple (PyTorch's _pair/_single). */
export const checkTuple = (kind: string, name: string, v: unknown, n: number, min = 1): number[] => {
  const xs = typeof v === "number" ? Array.from({ length: n }, () => v) : Array.isArray(v) ? [...(v as unknown[])] : [];
  if (xs.length !== n || !xs.every((d) => typeof d === "number" && Number.isInteger(d) && d >= min))
    throw new Error(`${kind}: ${name} must be ${min === 1 ? "a positive" : "a non-negative"} integer or ${n} of them, got ${JSON.stringify(v)}`);
  return xs as number[];
};

export const checkBool = (kind: string, name: string, v: unknown): boolean => {
  if (typeof v !== "boolean") throw new Error(`${kind}: ${name} must be a boolean, got ${String(v)}`);
  return v;
};

export const checkNumber = (kind: string, name: string, v: unknown): number => {
  if (typeof v !== "number" || Number.isNaN(v)) throw new Error(`${kind}: ${name} must be a number, got ${String(v)}`);
  return v;
};
