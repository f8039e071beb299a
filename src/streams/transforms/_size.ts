// Parsing and checking the size arguments of image transforms (torchvision's _setup_size and friends).

const isPosInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v > 0;

/** A crop or output size: one number (square), `[n]` (square) or `[h, w]`; throws naming the transform and the value. */
export const pairSize = (op: string, size: number | readonly number[]): [number, number] => {
  const s = typeof size === "number" ? [size] : Array.isArray(size) ? size : null;
  if (!s || s.length < 1 || s.length > 2 || !s.every(isPosInt))
    throw new Error(`${op}: size must be a positive integer, [size] or [height, width] of positive integers, got ${JSON.stringify(size)}`);
  return [s[0]!, s[s.length - 1]!];
};

/** Checks a resize size: a positive integer (shorter side), `[n]` (the same) or `[h, w]` (exact). */
export const resizeSize = (op: string, size: number | readonly number[]): number[] => {
  const s = typeof size === "number" ? [size] : Array.isArray(size) ? [...size] : null;
  if (!s || s.length < 1 || s.length > 2 || !s.every(isPosInt))
    throw new Error(`${op}: size must be a positive integer (the shorter side) or [height, width] of positive integers, got ${JSON.stringify(size)}`);
  return s;
};

/**
 * torchvision's _compute_resized_output_size: an int sets the shorter side and the longer one is truncated
 * (int(size · long / short)), then capped by maxSize; a pair is taken as is.
 */
export const resizedOutputSize = (op: string, h: number, w: number, size: readonly number[], maxSize: number | undefined): [number, number] => {
  if (size.length === 2) {
    if (maxSize !== undefined) throw new Error(`${op}: maxSize only applies when size is one number (the shorter side), got size ${JSON.stringify(size)}`);
    return [size[0]!, size[1]!];
  }
  const [short, long] = w <= h ? [w, h] : [h, w];
  const requested = size[0]!;
  let [newShort, newLong] = [requested, Math.trunc((requested * long) / short)];
  if (maxSize !== undefined) {
    if (!isPosInt(maxSize)) throw new Error(`${op}: maxSize must be a positive integer, got ${maxSize}`);
    if (maxSize <= requested) throw new Error(`${op}: maxSize = ${maxSize} must be greater than the requested shorter side ${requested}`);
    if (newLong > maxSize) [newShort, newLong] = [Math.trunc((maxSize * newShort) / newLong), maxSize];
  }
  return w <= h ? [newLong, newShort] : [newShort, newLong];
};
