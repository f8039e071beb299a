// The frame-stacking wrapper (Gymnasium's FrameStackObservation): the last n observations side by side, so a policy sees motion.
import { box, type Action } from "../spaces.js";
import type { Env } from "../Env.js";

/**
 * `env` whose observation is its last `n` observations concatenated, oldest first; after a reset the first
 * observation fills every slot (Gymnasium pads with the reset observation the same way when padding_type="reset").
 * @example
 * const env = frameStack(cartPole(), 4); // observations of 16 numbers
 */
export const frameStack = <A extends Action>(env: Env<Float32Array, A>, n: number): Env<Float32Array, A> => {
  if (!Number.isInteger(n) || n < 1) throw new Error(`frameStack: n must be a positive integer, got ${n}`);
  const space = env.observationSpace;
  if (space.kind !== "box") throw new Error(`frameStack: ${env.id} has a ${space.kind} observation space; only Box observations can be stacked`);
  const d = space.low.length;
  const tile = (a: Float32Array) => Array.from({ length: n }, () => Array.from(a)).flat();
  let frames = new Float32Array(n * d);
  const push = (obs: Float32Array): Float32Array => {
    const next = new Float32Array(n * d);
    next.set(frames.subarray(d));
    next.set(obs, (n - 1) * d);
    frames = next;
    return next;
  };
  return {
    ...env,
    observationSpace: box(tile(space.low), tile(space.high)),
    reset: (key) => {
      const obs = env.reset(key);
      frames = new Float32Array(n * d);
      for (let i = 0; i < n; i++) frames.set(obs, i * d);
      return frames;
    },
    step: (action) => {
      const r = env.step(action);
      return { ...r, observation: push(r.observation) };
    },
  };
};
