// Acrobot-v1 as Gymnasium's classic_control/acrobot.py: a two-link pendulum swung up by torque on the middle joint ("book" dynamics, RK4).
import { box, discrete } from "../spaces.js";
import { defineEnv, type Dynamics, type Env } from "../Env.js";
import { timeLimit } from "../wrappers/timeLimit.js";

/** [θ₁, θ₂, θ̇₁, θ̇₂] in float64. */
export type AcrobotState = readonly [number, number, number, number];

const DT = 0.2;
const L1 = 1.0;
const M1 = 1.0;
const M2 = 1.0;
const LC1 = 0.5;
const LC2 = 0.5;
const I1 = 1.0;
const I2 = 1.0;
const G = 9.8;
const MAX_VEL_1 = 4 * Math.PI;
const MAX_VEL_2 = 9 * Math.PI;
const TORQUES = [-1.0, 0.0, 1.0];

/** Sutton & Barto's equations of motion (the book's version): [θ̇₁, θ̇₂, θ̈₁, θ̈₂] under torque `a`. */
const derivs = (s: readonly number[], a: number): number[] => {
  const [theta1, theta2, dtheta1, dtheta2] = s as [number, number, number, number];
  const d1 = M1 * LC1 ** 2 + M2 * (L1 ** 2 + LC2 ** 2 + 2 * L1 * LC2 * Math.cos(theta2)) + I1 + I2;
  const d2 = M2 * (LC2 ** 2 + L1 * LC2 * Math.cos(theta2)) + I2;
  const phi2 = M2 * LC2 * G * Math.cos(theta1 + theta2 - Math.PI / 2.0);
  const phi1 =
    -M2 * L1 * LC2 * dtheta2 ** 2 * Math.sin(theta2) -
    2 * M2 * L1 * LC2 * dtheta2 * dtheta1 * Math.sin(theta2) +
    (M1 * LC1 + M2 * L1) * G * Math.cos(theta1 - Math.PI / 2) +
    phi2;
  const ddtheta2 = (a + (d2 / d1) * phi1 - M2 * L1 * LC2 * dtheta1 ** 2 * Math.sin(theta2) - phi2) / (M2 * LC2 ** 2 + I2 - d2 ** 2 / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  return [dtheta1, dtheta2, ddtheta1, ddtheta2];
};

/** Gymnasium's wrap: x shifted by whole periods into [m, M]. */
const wrap = (x: number, m: number, M: number): number => {
  const diff = M - m;
  while (x > M) x -= diff;
  while (x < m) x += diff;
  return x;
};
const bound = (x: number, m: number, M: number): number => Math.min(Math.max(x, m), M);

/** One step: a single classical Runge–Kutta step of length 0.2 s, angles wrapped to [−π, π], speeds bounded. */
export const acrobotStep = (s: AcrobotState, action: number): AcrobotState => {
  const a = TORQUES[action]!;
  const h = DT / 2;
  const k1 = derivs(s, a);
  const k2 = derivs(s.map((y, i) => y + h * k1[i]!), a);
  const k3 = derivs(s.map((y, i) => y + h * k2[i]!), a);
  const k4 = derivs(s.map((y, i) => y + DT * k3[i]!), a);
  const ns = s.map((y, i) => y + (DT / 6.0) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!));
  return [wrap(ns[0]!, -Math.PI, Math.PI), wrap(ns[1]!, -Math.PI, Math.PI), bound(ns[2]!, -MAX_VEL_1, MAX_VEL_1), bound(ns[3]!, -MAX_VEL_2, MAX_VEL_2)];
};

/** The free end is above the bar: −cos θ₁ − cos(θ₁ + θ₂) > 1. */
const terminal = ([t1, t2]: AcrobotState): boolean => -Math.cos(t1) - Math.cos(t2 + t1) > 1.0;

/** Acrobot's dynamics: reset U(−0.1, 0.1)⁴, reward −1 per step until the terminal step (0). */
export const acrobotDynamics: Dynamics<AcrobotState, Float32Array, number> = {
  id: "Acrobot-v1",
  observationSpace: box([-1, -1, -1, -1, -MAX_VEL_1, -MAX_VEL_2], [1, 1, 1, 1, MAX_VEL_1, MAX_VEL_2]),
  actionSpace: discrete(3),
  resetUniforms: 4,
  initial: (u) => [u[0]! * 0.2 - 0.1, u[1]! * 0.2 - 0.1, u[2]! * 0.2 - 0.1, u[3]! * 0.2 - 0.1],
  transition: (state, action) => {
    const next = acrobotStep(state, action);
    const done = terminal(next);
    return { state: next, reward: done ? 0.0 : -1.0, terminated: done };
  },
  observe: ([t1, t2, d1, d2]) => Float32Array.of(Math.cos(t1), Math.sin(t1), Math.cos(t2), Math.sin(t2), d1, d2),
};

/**
 * Acrobot-v1: swing the end of a two-link chain above a line with torques −1, 0, +1 (actions 0, 1, 2); truncated after 500 steps.
 * @example
 * const env = acrobot();
 */
export const acrobot = ({ maxEpisodeSteps = 500 }: { maxEpisodeSteps?: number } = {}): Env<Float32Array, number> =>
  timeLimit(defineEnv(acrobotDynamics), maxEpisodeSteps);
