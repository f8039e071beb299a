// Returns and advantages as pure functions over time-major [T × N] arrays: discounted returns, GAE(γ, λ), advantage normalisation.

/** Per-transition inputs over T steps of N environments, time-major (index t·N + i). */
export interface Trajectories {
  readonly numEnvs: number;
  readonly rewards: ArrayLike<number>;
  /** 1 where the transition at (t, i) ended its episode in a terminal state: nothing after it is worth anything. */
  readonly terminated: ArrayLike<number>;
  /** 1 where the transition was cut short by a time limit: the episode ends but its final state's value is bootstrapped. */
  readonly truncated?: ArrayLike<number>;
}

export interface AdvantageInputs extends Trajectories {
  /** V(s_t) of each observation the agent acted on. */
  readonly values: ArrayLike<number>;
  /** V of the observations after the last step (one per env), to bootstrap unfinished episodes. */
  readonly lastValues: ArrayLike<number>;
  /** V of the final observation of truncated transitions (read only where truncated is 1); without it truncation counts as termination, as in CleanRL. */
  readonly finalValues?: ArrayLike<number>;
  readonly gamma?: number;
  readonly lambda?: number;
}

const check = (op: string, t: Trajectories, extra: Record<string, ArrayLike<number> | undefined>): number => {
  const n = t.numEnvs;
  if (!Number.isInteger(n) || n < 1) throw new Error(`${op}: numEnvs must be a positive integer, got ${n}`);
  const size = t.rewards.length;
  if (size % n !== 0) throw new Error(`${op}: rewards has ${size} entries, not a multiple of numEnvs=${n}`);
  const fields: Record<string, ArrayLike<number> | undefined> = { terminated: t.terminated, truncated: t.truncated, ...extra };
  for (const [name, a] of Object.entries(fields))
    if (a !== undefined && a.length !== (name === "lastValues" ? n : size))
      throw new Error(`${op}: ${name} has ${a.length} entries, expected ${name === "lastValues" ? n : size} (${name === "lastValues" ? "one per env" : "T × numEnvs like rewards"})`);
  return size / n;
};

const checkRate = (op: string, name: string, v: number): void => {
  if (!(v >= 0 && v <= 1)) throw new Error(`${op}: ${name} must be in [0, 1], got ${v}`);
};

/**
 * Discounted returns G_t = r_t + γ·G_{t+1}, restarting at episode ends, bootstrapped from `lastValues` after the last step.
 * @example
 * discountedReturns({ numEnvs: 1, rewards: [1, 1, 1], terminated: [0, 0, 1], gamma: 0.5 }); // [1.75, 1.5, 1]
 */
export const discountedReturns = ({ gamma = 0.99, lastValues, ...t }: Trajectories & { gamma?: number; lastValues?: ArrayLike<number> }): Float32Array => {
  const steps = check("discountedReturns", t, { lastValues });
  checkRate("discountedReturns", "gamma", gamma);
  const n = t.numEnvs;
  const out = new Float32Array(steps * n);
  for (let i = 0; i < n; i++) {
    let g = lastValues?.[i] ?? 0;
    for (let s = steps - 1; s >= 0; s--) {
      const k = s * n + i;
      const done = t.terminated[k]! || t.truncated?.[k];
      g = t.rewards[k]! + gamma * (done ? 0 : g);
      out[k] = g;
    }
  }
  return out;
};

/**
 * Generalised advantage estimation (Schulman et al. 2016): δ_t = r_t + γ·V(s_{t+1})·(1 − terminated) − V(s_t) and
 * A_t = δ_t + γλ·(1 − done_t)·A_{t+1}; returns the advantages and the value targets A + V.
 * @example
 * const { advantages, returns } = gae({ numEnvs: 4, rewards, values, terminated, truncated, lastValues, gamma: 0.99, lambda: 0.95 });
 */
export const gae = ({ values, lastValues, finalValues, gamma = 0.99, lambda = 0.95, ...t }: AdvantageInputs): { advantages: Float32Array; returns: Float32Array } => {
  const steps = check("gae", t, { values, lastValues, finalValues });
  checkRate("gae", "gamma", gamma);
  checkRate("gae", "lambda", lambda);
  const n = t.numEnvs;
  const advantages = new Float32Array(steps * n);
  const returns = new Float32Array(steps * n);
  for (let i = 0; i < n; i++) {
    let last = 0;
    for (let s = steps - 1; s >= 0; s--) {
      const k = s * n + i;
      const term = t.terminated[k]! !== 0;
      const trunc = !term && (t.truncated?.[k] ?? 0) !== 0;
      // The value of what follows this transition: nothing after a terminal state; the final state's value after a
      // truncation (or nothing, without finalValues); otherwise the next observation's value in this rollout or after it.
      const next = term ? 0 : trunc ? (finalValues ? finalValues[k]! : 0) : s === steps - 1 ? lastValues[i]! : values[k + n]!;
      const delta = t.rewards[k]! + gamma * next - values[k]!;
      last = delta + (term || trunc ? 0 : gamma * lambda * last);
      advantages[k] = last;
      returns[k] = last + values[k]!;
    }
  }
  return { advantages, returns };
};

/**
 * (a − mean) / (std + ε) with the unbiased standard deviation, as CleanRL normalises a minibatch's advantages.
 * @example
 * normalizeAdvantages([1, 2, 3]); // [-1, 0, 1] (std = 1)
 */
export const normalizeAdvantages = (a: ArrayLike<number>, eps = 1e-8): Float32Array => {
  const n = a.length;
  if (n < 2) throw new Error(`normalizeAdvantages: need at least 2 advantages for a standard deviation, got ${n}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += a[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (a[i]! - mean) ** 2;
  const std = Math.sqrt(ss / (n - 1));
  return Float32Array.from({ length: n }, (_, i) => (a[i]! - mean) / (std + eps));
};
