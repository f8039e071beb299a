// The built-in environments: Gymnasium's classic-control tasks and a grid world.
export { cartPole, cartPoleDynamics, cartPoleStep, cartPoleTerminal, type CartPoleState, type CartPoleOptions } from "./cartPole.js";
export { acrobot, acrobotDynamics, acrobotStep, type AcrobotState } from "./acrobot.js";
export { mountainCar, mountainCarDynamics, mountainCarStep, type MountainCarState } from "./mountainCar.js";
export { pendulum, pendulumDynamics, pendulumStep, type PendulumState } from "./pendulum.js";
export { gridWorld, gridWorldDynamics, gridMove, parseGrid, DEFAULT_GRID, type Grid, type GridWorldOptions } from "./gridWorld.js";
export { makeEnv, ENV_IDS, type EnvId } from "./makeEnv.js";
