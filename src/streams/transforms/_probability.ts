// Checking the probability option of the random flips.

/** Throws unless `p` is a probability. */
export const checkProbability = (op: string, p: number): void => {
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new Error(`${op}: p must be a probability in [0, 1], got ${p}`);
};
