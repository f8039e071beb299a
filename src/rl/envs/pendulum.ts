// Pendulum-v1 as Gymnasium's classic_control/pendulum.py: swing a pendulum up and hold it with a bounded torque (continuous actions).
import { box } from "../spaces.js";
import { defineEnv, type Dynamics, type Env } from "../Env.js";
import { timeLimit } from "../wrappers/timeLimit.js";

/** [θ, θ̇] in float64 (θ = 0 is upright). */
export type PendulumState = readonly [number, number];

const MAX_SPEED = 8;
const MAX_TORQUE = 2.0;
const DT = 0.05;
const G = 10.0;
const M = 1.0;
const L = 1.0;

/** θ mapped into [−π, π) (Python's modulo, which is never negative). */
const angleNormalize = (x: number): number => {
  const period = 2 * Math.PI;
  return ((((x + Math.PI) % period) + period) % period) - Math.PI;
};

/** One semi-implicit Euler step under torque u (clipped to ±2), and its reward −(θ² + 0.1 θ̇² + 0.001 u²). */
export const pendulumStep = ([th, thdot]: PendulumState, torque: number): { state: PendulumState; reward: number } => {
  const u = Math.min(Math.max(torque, -MAX_TORQUE), MAX_TORQUE);
  const costs = angleNormalize(th) ** 2 + 0.1 * thdot ** 2 + 0.001 * u ** 2;
  // Gymnasium's operation order, so that float64 rounding matches.
  let newThdot = thdot + (((3 * G) / (2 * L)) * Math.sin(th) + (3.0 / (M * L ** 2)) * u) * DT;
  newThdot = Math.min(Math.max(newThdot, -MAX_SPEED), MAX_SPEED);
  return { state: [th + newThdot * DT, newThdot], reward: -costs };
};

/** Pendulum's dynamics: reset θ ~ U(−π, π), θ̇ ~ U(−1, 1); never terminal. */
export const pendulumDynamics: Dynamics<PendulumState, Float32Array, Float32Array | readonly number[]> = {
  id: "Pendulum-v1",
  observationSpace: box([-1, -1, -MAX_SPEED], [1, 1, MAX_SPEED]),
  actionSpace: box(-MAX_TORQUE, MAX_TORQUE, [1]),
  resetUniforms: 2,
  initial: (u) => [(u[0]! * 2 - 1) * Math.PI, u[1]! * 2 - 1],
  transition: (state, action) => ({ ...pendulumStep(state, action[0]!), terminated: false }),
  observe: ([th, thdot]) => Float32Array.of(Math.cos(th), Math.sin(th), thdot),
};

/**
 * Pendulum-v1: a torque in [−2, 2] (a one-element vector) swings the pendulum up; truncated after 200 steps.
 * @example
 * const env = pendulum();
 * env.reset(key(0));
 * env.step([0.5]);
 */
export const pendulum = ({ maxEpisodeSteps = 200 }: { maxEpisodeSteps?: number } = {}): Env<Float32Array, Float32Array | readonly number[]> =>
  timeLimit(defineEnv(pendulumDynamics), maxEpisodeSteps);
