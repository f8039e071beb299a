// The action-clipping wrapper (Gymnasium's ClipAction): continuous actions are clipped into the Box before the env sees them.
import type { Env } from "../Env.js";
import { box } from "../spaces.js";

/**
 * `env` that accepts any real vector of the right length and clips it into the action space (for Gaussian policies,
 * whose samples are unbounded); the wrapped env's action space becomes unbounded.
 * @example
 * const env = clipAction(pendulum());
 */
export const clipAction = <O>(env: Env<O, Float32Array | readonly number[]>): Env<O, Float32Array | readonly number[]> => {
  const space = env.actionSpace;
  if (space.kind !== "box") throw new Error(`clipAction: ${env.id} has a ${space.kind} action space; only Box actions can be clipped`);
  const d = space.low.length;
  return {
    ...env,
    actionSpace: box(-Infinity, Infinity, space.shape),
    step: (action) => {
      if (action.length !== d) throw new Error(`${env.id}.step: action has ${action.length} elements but the action space ${d}`);
      const clipped = Float32Array.from(action, (v, i) => {
        if (Number.isNaN(v)) throw new Error(`${env.id}.step: action element ${i} is NaN`);
        return Math.min(space.high[i]!, Math.max(space.low[i]!, v));
      });
      return env.step(clipped);
    },
  };
};
