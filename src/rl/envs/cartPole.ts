// CartPole-v1 exactly as Gymnasium's classic_control/cartpole.py: Barto, Sutton & Anderson's cart-pole with explicit Euler steps.
import { box, discrete } from "../spaces.js";
import { defineEnv, type Dynamics, type Env } from "../Env.js";
import { timeLimit } from "../wrappers/timeLimit.js";

/** The cart-pole state [x, ẋ, θ, θ̇], in float64 as Gymnasium keeps it (observations are float32). */
export type CartPoleState = readonly [number, number, number, number];

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
const LENGTH = 0.5; // half the pole's length
const POLE_MASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02; // seconds between state updates
const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
const X_THRESHOLD = 2.4;
const F32_MAX = 3.4028234663852886e38;

/** One Euler step of the cart-pole equations (Florian 2005, as Gymnasium writes them); action 1 pushes right, 0 left. */
export const cartPoleStep = (s: CartPoleState, action: number): CartPoleState => {
  const [x, xDot, theta, thetaDot] = s;
  const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const temp = (force + POLE_MASS_LENGTH * thetaDot ** 2 * sin) / TOTAL_MASS;
  const thetaAcc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - (MASS_POLE * cos ** 2) / TOTAL_MASS));
  const xAcc = temp - (POLE_MASS_LENGTH * thetaAcc * cos) / TOTAL_MASS;
  return [x + TAU * xDot, xDot + TAU * xAcc, theta + TAU * thetaDot, thetaDot + TAU * thetaAcc];
};

/** Whether the cart left the track (|x| > 2.4) or the pole fell past 12°. */
export const cartPoleTerminal = ([x, , theta]: CartPoleState): boolean =>
  x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;

/** CartPole's dynamics as pure functions: reset U(−0.05, 0.05)⁴, reward 1 per step including the terminating one. */
export const cartPoleDynamics: Dynamics<CartPoleState, Float32Array, number> = {
  id: "CartPole-v1",
  observationSpace: box([-X_THRESHOLD * 2, -F32_MAX, -THETA_THRESHOLD * 2, -F32_MAX], [X_THRESHOLD * 2, F32_MAX, THETA_THRESHOLD * 2, F32_MAX]),
  actionSpace: discrete(2),
  resetUniforms: 4,
  initial: (u) => [u[0]! * 0.1 - 0.05, u[1]! * 0.1 - 0.05, u[2]! * 0.1 - 0.05, u[3]! * 0.1 - 0.05],
  transition: (state, action) => {
    const next = cartPoleStep(state, action);
    return { state: next, reward: 1.0, terminated: cartPoleTerminal(next) };
  },
  observe: (s) => Float32Array.from(s),
};

export interface CartPoleOptions {
  /** Episodes are truncated after this many steps (Gymnasium's CartPole-v1: 500). */
  readonly maxEpisodeSteps?: number;
}

/**
 * CartPole-v1: keep a pole upright by pushing the cart left (0) or right (1); truncated after 500 steps.
 * @example
 * const env = cartPole();
 * const obs = env.reset(key(0)); // Float32Array(4) [x, ẋ, θ, θ̇]
 */
export const cartPole = ({ maxEpisodeSteps = 500 }: CartPoleOptions = {}): Env<Float32Array, number> =>
  timeLimit(defineEnv(cartPoleDynamics), maxEpisodeSteps);
