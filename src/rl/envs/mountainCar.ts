// MountainCar-v0 as Gymnasium's classic_control/mountain_car.py: an underpowered car must rock back and forth to climb a hill.
import { box, discrete } from "../spaces.js";
import { defineEnv, type Dynamics, type Env } from "../Env.js";
import { timeLimit } from "../wrappers/timeLimit.js";

/** [position, velocity] in float64. */
export type MountainCarState = readonly [number, number];

const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.5;
const GOAL_VELOCITY = 0;
const FORCE = 0.001;
const GRAVITY = 0.0025;

/** One step: action 0 pushes left, 1 nothing, 2 right; the left wall stops the car. */
export const mountainCarStep = ([position, velocity]: MountainCarState, action: number): MountainCarState => {
  let v = velocity + (action - 1) * FORCE + Math.cos(3 * position) * -GRAVITY;
  v = Math.min(Math.max(v, -MAX_SPEED), MAX_SPEED);
  let p = position + v;
  p = Math.min(Math.max(p, MIN_POSITION), MAX_POSITION);
  if (p === MIN_POSITION && v < 0) v = 0;
  return [p, v];
};

/** MountainCar's dynamics: reset position U(−0.6, −0.4) at rest, reward −1 per step, terminal at the flag. */
export const mountainCarDynamics: Dynamics<MountainCarState, Float32Array, number> = {
  id: "MountainCar-v0",
  observationSpace: box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]),
  actionSpace: discrete(3),
  resetUniforms: 1,
  initial: (u) => [-0.6 + 0.2 * u[0]!, 0],
  transition: (state, action) => {
    const next = mountainCarStep(state, action);
    return { state: next, reward: -1.0, terminated: next[0] >= GOAL_POSITION && next[1] >= GOAL_VELOCITY };
  },
  observe: (s) => Float32Array.from(s),
};

/**
 * MountainCar-v0: reach the flag at position 0.5; truncated after 200 steps.
 * @example
 * const env = mountainCar();
 */
export const mountainCar = ({ maxEpisodeSteps = 200 }: { maxEpisodeSteps?: number } = {}): Env<Float32Array, number> =>
  timeLimit(defineEnv(mountainCarDynamics), maxEpisodeSteps);
