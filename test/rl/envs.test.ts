// The classic-control environments against trajectories from the published equations (test/fixtures/gen_rl_envs.py), and their errors.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { key } from "../../src/index.js";
import {
  acrobot, acrobotStep, cartPole, cartPoleDynamics, cartPoleStep, cartPoleTerminal, defineEnv, gridWorld, makeEnv,
  mountainCarStep, pendulum, pendulumStep, type AcrobotState, type CartPoleState, type MountainCarState, type PendulumState,
} from "../../src/rl/index.js";

const fx = JSON.parse(readFileSync(new URL("../fixtures/rl_envs.json", import.meta.url), "utf8"));

const close = (a: readonly number[], b: readonly number[], tol = 1e-12) => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]!))));
};

describe("CartPole-v1", () => {
  it("reproduces the reference trajectory step by step, and terminates where it does", () => {
    for (const name of ["cartpole", "cartpole_right"]) {
      const { start, actions, states, terminated } = fx[name];
      let s = start as CartPoleState;
      states.forEach((ref: number[], i: number) => {
        s = cartPoleStep(s, actions[i]);
        close(s, ref);
        expect(cartPoleTerminal(s)).toBe(terminated[i]);
      });
    }
  });

  it("starts in U(-0.05, 0.05)^4, gives reward 1 per step including the last, and returns float32 observations", () => {
    const env = cartPole();
    const obs = env.reset(key(3));
    expect(obs).toBeInstanceOf(Float32Array);
    expect(obs.length).toBe(4);
    for (const v of obs) expect(Math.abs(v)).toBeLessThan(0.05);
    expect(env.reset(key(3))).toEqual(obs);
    expect(env.reset(key(4))).not.toEqual(obs);
    let n = 0;
    let r;
    do {
      r = env.step(1);
      expect(r.reward).toBe(1);
      n++;
    } while (!r.terminated);
    expect(n).toBeGreaterThan(5);
    expect(n).toBeLessThan(30);
  });

  it("truncates at 500 steps when the pole stays up", () => {
    // Keep the pole up with a simple controller: push towards the side the pole leans (plus its velocity).
    const env = cartPole();
    let obs = env.reset(key(0));
    let steps = 0;
    for (;;) {
      const r = env.step(obs[2]! + 0.5 * obs[3]! > 0 ? 1 : 0);
      steps++;
      obs = r.observation;
      if (r.terminated || r.truncated) {
        expect(r.terminated).toBe(false);
        expect(r.truncated).toBe(true);
        break;
      }
    }
    expect(steps).toBe(500);
    expect(() => env.step(0)).toThrow(/truncated at 500 steps; call reset/);
  });

  it("names the value and the space for an invalid action, and refuses to step after termination or before reset", () => {
    const env = cartPole();
    expect(() => env.step(0)).toThrow(/CartPole-v1.step: called before reset/);
    env.reset(key(0));
    expect(() => env.step(2)).toThrow("CartPole-v1.step: action 2 is outside the action space Discrete(2)");
    expect(() => env.step(0.5)).toThrow(/action 0.5 is outside the action space Discrete\(2\)/);
    const raw = defineEnv(cartPoleDynamics);
    raw.reset(key(0));
    let r;
    do r = raw.step(0);
    while (!r.terminated);
    expect(() => raw.step(0)).toThrow("CartPole-v1.step: called after the episode terminated; call reset(key) to start a new episode");
  });
});

describe("Acrobot-v1, MountainCar-v0, Pendulum-v1", () => {
  it("Acrobot: RK4 steps, wrapping and bounds match the reference", () => {
    const { start, actions, states } = fx.acrobot;
    let s = start as AcrobotState;
    states.forEach((ref: number[], i: number) => {
      s = acrobotStep(s, actions[i]);
      close(s, ref, 1e-9);
    });
    const env = acrobot();
    const obs = env.reset(key(1));
    expect(obs.length).toBe(6);
    expect(obs[0]! ** 2 + obs[1]! ** 2).toBeCloseTo(1, 5);
    expect(env.step(1).reward).toBe(-1);
    expect(() => env.step(3)).toThrow("Acrobot-v1.step: action 3 is outside the action space Discrete(3)");
  });

  it("MountainCar: reaches the flag with the reference's bang-bang policy at the same step", () => {
    const { start, actions, states, terminated } = fx.mountain_car;
    let s = start as MountainCarState;
    states.forEach((ref: number[], i: number) => {
      s = mountainCarStep(s, actions[i]);
      close(s, ref);
    });
    expect(terminated.at(-1)).toBe(true);
    const env = makeEnv("mountaincar");
    expect(env.id).toBe("MountainCar-v0");
    expect(env.maxEpisodeSteps).toBe(200);
    const obs = env.reset(key(2));
    expect(obs[0]).toBeGreaterThanOrEqual(-0.6);
    expect(obs[0]).toBeLessThan(-0.4);
    expect(obs[1]).toBe(0);
  });

  it("Pendulum: states and rewards match, torques are clipped, and its action must lie in Box(-2, 2)", () => {
    const { start, actions, states, rewards } = fx.pendulum;
    let s = start as PendulumState;
    states.forEach((ref: number[], i: number) => {
      const r = pendulumStep(s, actions[i]);
      s = r.state;
      close(s, ref);
      expect(r.reward).toBeCloseTo(rewards[i], 12);
    });
    const env = pendulum();
    env.reset(key(0));
    expect(() => env.step([2.5])).toThrow("Pendulum-v1.step: action [2.5] is outside the action space Box(-2, 2, (1,))");
    expect(() => env.step([0, 0])).toThrow(/outside the action space/);
    expect(env.step([1]).observation.length).toBe(3);
  });

  it("makeEnv names the known environments for an unknown id", () => {
    expect(() => makeEnv("cartpol")).toThrow(/unknown environment "cartpol"; expected one of CartPole-v1/);
  });
});

describe("gridWorld", () => {
  it("walls and edges block moves; the goal terminates with reward -1 per step", () => {
    const env = gridWorld({ map: ["S#", ".G"] });
    expect(env.reset(key(0))).toBe(0);
    expect(env.step(1).observation).toBe(0); // wall to the right
    expect(env.step(0).observation).toBe(0); // edge above
    expect(env.step(2).observation).toBe(2);
    const r = env.step(1);
    expect(r).toMatchObject({ observation: 3, reward: -1, terminated: true });
    expect(() => gridWorld({ map: ["S.", ".X"] })).toThrow('gridWorld: map row 1 column 1 is "X"; expected one of S G # .');
  });
});
