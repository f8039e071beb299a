// Observation and action spaces (Gymnasium's Discrete and Box): what values an environment accepts and emits.

/** Integers 0, 1, …, n − 1 (gymnasium.spaces.Discrete). */
export interface Discrete {
  readonly kind: "discrete";
  readonly n: number;
}

/** Real vectors with per-element bounds (gymnasium.spaces.Box, float32, one dimension). */
export interface Box {
  readonly kind: "box";
  readonly shape: readonly number[];
  readonly low: Float32Array;
  readonly high: Float32Array;
}

export type Space = Discrete | Box;

/** An action: an integer for a Discrete space, a vector for a Box. */
export type Action = number | Float32Array | readonly number[];

/**
 * The space of the integers 0 … n − 1.
 * @example
 * const actions = discrete(2); // CartPole's left / right
 */
export const discrete = (n: number): Discrete => {
  if (!Number.isInteger(n) || n < 1) throw new Error(`discrete: n must be a positive integer, got ${n}`);
  return Object.freeze({ kind: "discrete", n });
};

/**
 * The box of vectors with low ≤ x ≤ high elementwise (bounds given per element, or one number for all).
 * @example
 * const torque = box(-2, 2, [1]); // Pendulum's action
 */
export const box = (low: number | readonly number[], high: number | readonly number[], shape?: readonly number[]): Box => {
  const size = shape ? shape.reduce((a, b) => a * b, 1) : Array.isArray(low) ? low.length : Array.isArray(high) ? high.length : 1;
  const fill = (v: number | readonly number[], name: string): Float32Array => {
    if (typeof v === "number") return new Float32Array(size).fill(v);
    if (v.length !== size) throw new Error(`box: ${name} has ${v.length} elements but the shape holds ${size}`);
    return Float32Array.from(v);
  };
  const lo = fill(low, "low");
  const hi = fill(high, "high");
  for (let i = 0; i < size; i++) if (!(lo[i]! <= hi[i]!)) throw new Error(`box: need low <= high, got low[${i}]=${lo[i]} and high[${i}]=${hi[i]}`);
  return Object.freeze({ kind: "box", shape: Object.freeze([...(shape ?? [size])]), low: lo, high: hi });
};

/** The number of elements of a Box's vectors (1 for a Discrete space's single integer). */
export const flatSize = (space: Space): number => (space.kind === "discrete" ? 1 : space.low.length);

const fmt = (x: number): string => (x === 3.4028234663852886e38 ? "inf" : x === -3.4028234663852886e38 ? "-inf" : String(Math.round(x * 1e6) / 1e6));

/** Gymnasium's repr of a space, e.g. `Discrete(2)` or `Box(-2.0, 2.0, (1,))`. */
export const describeSpace = (space: Space): string => {
  if (space.kind === "discrete") return `Discrete(${space.n})`;
  const same = (a: Float32Array) => a.every((v) => v === a[0]);
  const bound = (a: Float32Array) => (same(a) ? fmt(a[0]!) : `[${Array.from(a, fmt).join(", ")}]`);
  return `Box(${bound(space.low)}, ${bound(space.high)}, (${space.shape.join(", ")},))`;
};

/** Whether `action` lies in `space` (an integer in range, or a vector of the right length inside the bounds). */
export const contains = (space: Space, action: unknown): boolean => {
  if (space.kind === "discrete") return typeof action === "number" && Number.isInteger(action) && action >= 0 && action < space.n;
  if (!(action instanceof Float32Array || Array.isArray(action)) || action.length !== space.low.length) return false;
  for (let i = 0; i < action.length; i++) {
    const v = action[i] as number;
    if (typeof v !== "number" || !(v >= space.low[i]! && v <= space.high[i]!)) return false;
  }
  return true;
};

const showValue = (v: unknown): string =>
  v instanceof Float32Array ? `[${Array.from(v).join(", ")}]` : Array.isArray(v) ? `[${v.join(", ")}]` : typeof v === "number" ? String(v) : JSON.stringify(v) ?? String(v);

/** Throws unless `action` is in `space`; the message names the environment, the value and the space. */
export const checkAction = (envId: string, space: Space, action: unknown): void => {
  if (!contains(space, action)) throw new Error(`${envId}.step: action ${showValue(action)} is outside the action space ${describeSpace(space)}`);
};
