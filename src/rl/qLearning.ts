// Tabular Q-learning (Watkins 1989; Sutton & Barto §6.5) on environments with Discrete observations, as a stream of episodes.
import { Observable } from "rxjs";
import { foldIn, type Key } from "../ops/random.js";
import { uniforms, type Env } from "./Env.js";

export interface QLearningOptions {
  readonly env: Env<number, number>;
  readonly key: Key;
  readonly episodes: number;
  /** Step size α (default 0.1). */
  readonly alpha?: number;
  readonly gamma?: number;
  /** Exploration rate of the ε-greedy behaviour policy (default 0.1). */
  readonly epsilon?: number;
}

/** One finished episode: its return and length, and the Q table after it ([states × actions], row-major). */
export interface QLearningEpisode {
  readonly episode: number;
  readonly return: number;
  readonly length: number;
  readonly q: Float64Array;
}

/** The greedy action in state `s` (the lowest index among ties). */
export const greedyAction = (q: ArrayLike<number>, numActions: number, s: number): number => {
  let best = 0;
  for (let a = 1; a < numActions; a++) if (q[s * numActions + a]! > q[s * numActions + best]!) best = a;
  return best;
};

/**
 * Q-learning: act ε-greedily, update Q(s, a) ← Q(s, a) + α·(r + γ·max_a' Q(s', a') − Q(s, a)) (no bootstrap from a
 * terminal s'), one episode per emitted value.
 * @example
 * qLearning({ env: gridWorld(), key: key(0), episodes: 500 }).pipe(last()).subscribe(({ q }) => console.log(q));
 */
export const qLearning = ({ env, key, episodes, alpha = 0.1, gamma = 0.99, epsilon = 0.1 }: QLearningOptions): Observable<QLearningEpisode> =>
  new Observable<QLearningEpisode>((subscriber) => {
    const os = env.observationSpace;
    const as = env.actionSpace;
    if (os.kind !== "discrete" || as.kind !== "discrete") {
      subscriber.error(new Error(`qLearning: needs Discrete observation and action spaces; ${env.id} has ${os.kind} observations and ${as.kind} actions`));
      return;
    }
    const nA = as.n;
    let q = new Float64Array(os.n * nA);
    for (let ep = 0; ep < episodes && !subscriber.closed; ep++) {
      const k = foldIn(key, ep);
      let s = env.reset(foldIn(k, 0));
      // Enough uniforms for the longest episode: two per step (explore? and which action).
      const u = uniforms(foldIn(k, 1), 2 * (env.maxEpisodeSteps ?? 1000));
      let total = 0;
      let t = 0;
      for (;;) {
        const a = u[2 * t]! < epsilon ? Math.min(nA - 1, Math.floor(u[2 * t + 1]! * nA)) : greedyAction(q, nA, s);
        const r = env.step(a);
        const next = new Float64Array(q);
        const target = r.reward + (r.terminated ? 0 : gamma * q[r.observation * nA + greedyAction(q, nA, r.observation)]!);
        next[s * nA + a] = q[s * nA + a]! + alpha * (target - q[s * nA + a]!);
        q = next;
        total += r.reward;
        t++;
        s = r.observation;
        if (r.terminated || r.truncated) break;
      }
      subscriber.next({ episode: ep, return: total, length: t, q });
    }
    subscriber.complete();
  });
