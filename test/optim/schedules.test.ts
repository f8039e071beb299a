// Learning-rate schedules against the sequences torch.optim.lr_scheduler produces (fixtures from gen_optim.py), and their errors.
import { describe, expect, it } from "vitest";
import {
  type Schedule, stepLR, multiStepLR, exponentialLR, cosineAnnealingLR, linearWarmup, cosineWithWarmup, oneCycleLR,
} from "../../src/index.js";
import { fixtures } from "./_optimFixtures.js";

const cases: Record<string, Schedule> = {
  "stepLR": stepLR({ lr: 0.1, stepSize: 3, gamma: 0.5 }),
  "stepLR default gamma": stepLR({ lr: 0.1, stepSize: 4 }),
  "multiStepLR": multiStepLR({ lr: 0.1, milestones: [5, 2, 9, 5], gamma: 0.3 }),
  "exponentialLR": exponentialLR({ lr: 0.1, gamma: 0.9 }),
  "cosineAnnealingLR": cosineAnnealingLR({ lr: 0.1, tMax: 10, etaMin: 0.01 }),
  "cosineAnnealingLR etaMin 0": cosineAnnealingLR({ lr: 0.1, tMax: 7 }),
  "linearWarmup startFactor": linearWarmup({ lr: 0.1, warmupSteps: 4, startFactor: 0.25 }),
  "linearWarmup from 0": linearWarmup({ lr: 0.1, warmupSteps: 5 }),
  "cosineWithWarmup startFactor": cosineWithWarmup({ lr: 0.1, warmupSteps: 3, totalSteps: 10, etaMin: 0.001, startFactor: 0.1 }),
  "cosineWithWarmup from 0": cosineWithWarmup({ lr: 0.1, warmupSteps: 4, totalSteps: 12 }),
  "oneCycleLR": oneCycleLR({ maxLr: 0.1, totalSteps: 20 }),
  "oneCycleLR linear threePhase": oneCycleLR({ maxLr: 0.2, totalSteps: 16, pctStart: 0.25, annealStrategy: "linear", divFactor: 10, finalDivFactor: 100, threePhase: true }),
};

describe("schedules match torch.optim.lr_scheduler", () => {
  it("has a schedule for every fixture case", () => {
    expect(fixtures.schedules.map((s) => s.name).sort()).toEqual(Object.keys(cases).sort());
  });

  for (const { name, lrs } of fixtures.schedules)
    it(name, () => {
      // torch steps most schedulers recursively (lr *= gamma, the cosine ratio, ...); the closed forms agree to float64 rounding.
      lrs.forEach((e, step) => expect(Math.abs(cases[name]!(step) - e), `${name} at step ${step}`).toBeLessThanOrEqual(1e-15 + 1e-12 * Math.abs(e)));
    });

  it("holds cosineWithWarmup at etaMin after totalSteps and linearWarmup at lr after the warmup", () => {
    const s = cosineWithWarmup({ lr: 1, warmupSteps: 2, totalSteps: 6, etaMin: 0.1 });
    expect([s(6), s(7), s(100)]).toEqual([0.1, 0.1, 0.1]);
    expect(linearWarmup({ lr: 0.3, warmupSteps: 3 })(1000)).toBeCloseTo(0.3, 15);
  });

  it("oneCycleLR starts at maxLr/divFactor, peaks at maxLr, and refuses steps past totalSteps like torch", () => {
    const s = oneCycleLR({ maxLr: 1, totalSteps: 10 });
    expect(s(0)).toBeCloseTo(1 / 25, 15);
    expect(s(2)).toBe(1);
    expect(s(9)).toBeCloseTo(1 / 25 / 1e4, 15);
    expect(() => s(11)).toThrow("oneCycleLR: step 11 is past totalSteps (10)");
  });

  it("validates options and steps", () => {
    expect(() => stepLR({ lr: 0.1, stepSize: 0 })).toThrow("stepLR: stepSize must be a positive integer, got 0");
    expect(() => stepLR({ lr: -1, stepSize: 2 })).toThrow("stepLR: lr must be a non-negative number, got -1");
    expect(() => multiStepLR({ lr: 0.1, milestones: [1, -2] })).toThrow("multiStepLR: milestones must be an array of non-negative integers");
    expect(() => exponentialLR({ lr: 0.1, gamma: Number.NaN })).toThrow("exponentialLR: gamma must be a non-negative number, got NaN");
    expect(() => cosineAnnealingLR({ lr: 0.1, tMax: 2.5 })).toThrow("cosineAnnealingLR: tMax must be a positive integer, got 2.5");
    expect(() => linearWarmup({ lr: 0.1, warmupSteps: 3, startFactor: 1.5 })).toThrow("linearWarmup: startFactor must be in [0, 1], got 1.5");
    expect(() => cosineWithWarmup({ lr: 0.1, warmupSteps: 5, totalSteps: 5 })).toThrow("cosineWithWarmup: totalSteps must be an integer greater than warmupSteps (5), got 5");
    expect(() => oneCycleLR({ maxLr: 0.1, totalSteps: 10, annealStrategy: "exp" as "cos" })).toThrow(`oneCycleLR: annealStrategy must be "cos" or "linear", got "exp"`);
    expect(() => oneCycleLR({ maxLr: 0.1, totalSteps: 10, pctStart: 1.2 })).toThrow("oneCycleLR: pctStart must be in [0, 1], got 1.2");
    expect(() => stepLR({ lr: 0.1, stepSize: 2 })(-1)).toThrow("stepLR: step must be a non-negative integer, got -1");
    expect(() => exponentialLR({ lr: 0.1, gamma: 0.5 })(1.5)).toThrow("exponentialLR: step must be a non-negative integer, got 1.5");
  });
});
