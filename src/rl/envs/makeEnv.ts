// The environment registry (Gymnasium's make): an id or a short name to a fresh environment with its time limit.
import type { Env } from "../Env.js";
import type { Action } from "../spaces.js";
import { cartPole } from "./cartPole.js";
import { acrobot } from "./acrobot.js";
import { mountainCar } from "./mountainCar.js";
import { pendulum } from "./pendulum.js";

const MAKERS = {
  "CartPole-v1": cartPole,
  "Acrobot-v1": acrobot,
  "MountainCar-v0": mountainCar,
  "Pendulum-v1": pendulum,
} as const;

/** The ids `makeEnv` knows (vector-observation environments; the grid world is made with `gridWorld`). */
export type EnvId = keyof typeof MAKERS;
export const ENV_IDS = Object.keys(MAKERS) as EnvId[];

const SHORT: Readonly<Record<string, EnvId>> = { cartpole: "CartPole-v1", acrobot: "Acrobot-v1", mountaincar: "MountainCar-v0", pendulum: "Pendulum-v1" };

/**
 * A new environment by Gymnasium id (`CartPole-v1`) or short name (`cartpole`).
 * @example
 * const env = makeEnv("cartpole");
 */
export const makeEnv = (id: string): Env<Float32Array, Action> => {
  const full = (id in MAKERS ? id : SHORT[id.toLowerCase()]) as EnvId | undefined;
  if (full === undefined) throw new Error(`makeEnv: unknown environment "${id}"; expected one of ${[...ENV_IDS, ...Object.keys(SHORT)].join(", ")}`);
  return MAKERS[full]() as Env<Float32Array, Action>;
};
