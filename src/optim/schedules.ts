// Learning-rate schedules as pure functions of the step count, in the closed forms of torch.optim.lr_scheduler (and Optax's warmup schedules).
import { checkOption, nonNegative } from "./_optimizer.js";

/** A learning rate as a function of the number of optimizer steps already taken (0 for the first update). */
export type Schedule = (step: number) => number;

/** A constant learning rate or a schedule. */
export type LearningRate = number | Schedule;

const positiveInt = (name: string, field: string, v: number): void =>
  checkOption(name, field, v, Number.isInteger(v) && v > 0, "a positive integer");

const unitInterval = (name: string, field: string, v: number): void =>
  checkOption(name, field, v, typeof v === "number" && v >= 0 && v <= 1, "in [0, 1]");

/** Wraps the formula so that every call checks its step. */
const schedule = (name: string, f: (step: number) => number): Schedule => (step) => {
  checkOption(name, "step", step, Number.isInteger(step) && step >= 0, "a non-negative integer");
  return f(step);
};

/**
 * Multiplies `lr` by `gamma` every `stepSize` steps (torch's StepLR).
 * @example
 * sgd({ lr: stepLR({ lr: 0.1, stepSize: 30 }) });
 */
export const stepLR = ({ lr, stepSize, gamma = 0.1 }: { lr: number; stepSize: number; gamma?: number }): Schedule => {
  nonNegative("stepLR", "lr", lr);
  positiveInt("stepLR", "stepSize", stepSize);
  nonNegative("stepLR", "gamma", gamma);
  return schedule("stepLR", (step) => lr * gamma ** Math.floor(step / stepSize));
};

/** Multiplies `lr` by `gamma` at each milestone (torch's MultiStepLR; a repeated milestone applies gamma again). */
export const multiStepLR = ({ lr, milestones, gamma = 0.1 }: { lr: number; milestones: readonly number[]; gamma?: number }): Schedule => {
  nonNegative("multiStepLR", "lr", lr);
  nonNegative("multiStepLR", "gamma", gamma);
  checkOption("multiStepLR", "milestones", milestones, Array.isArray(milestones) && milestones.every((m) => Number.isInteger(m) && m >= 0), "an array of non-negative integers");
  const sorted = [...milestones].sort((a, b) => a - b);
  return schedule("multiStepLR", (step) => lr * gamma ** sorted.filter((m) => m <= step).length);
};

/** `lr · gamma^step` (torch's ExponentialLR). */
export const exponentialLR = ({ lr, gamma }: { lr: number; gamma: number }): Schedule => {
  nonNegative("exponentialLR", "lr", lr);
  nonNegative("exponentialLR", "gamma", gamma);
  return schedule("exponentialLR", (step) => lr * gamma ** step);
};

/**
 * Cosine from `lr` down to `etaMin` over `tMax` steps, in torch's closed form (so past tMax it rises again, as torch's does).
 * @example
 * cosineAnnealingLR({ lr: 0.1, tMax: 100, etaMin: 1e-4 });
 */
export const cosineAnnealingLR = ({ lr, tMax, etaMin = 0 }: { lr: number; tMax: number; etaMin?: number }): Schedule => {
  nonNegative("cosineAnnealingLR", "lr", lr);
  positiveInt("cosineAnnealingLR", "tMax", tMax);
  nonNegative("cosineAnnealingLR", "etaMin", etaMin);
  return schedule("cosineAnnealingLR", (step) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * step) / tMax))) / 2);
};

/**
 * Ramps linearly from `startFactor · lr` to `lr` over `warmupSteps` steps, then stays at `lr`
 * (torch's LinearLR with end_factor 1 and total_iters = warmupSteps; startFactor 0 is allowed).
 */
export const linearWarmup = ({ lr, warmupSteps, startFactor = 0 }: { lr: number; warmupSteps: number; startFactor?: number }): Schedule => {
  nonNegative("linearWarmup", "lr", lr);
  positiveInt("linearWarmup", "warmupSteps", warmupSteps);
  unitInterval("linearWarmup", "startFactor", startFactor);
  return schedule("linearWarmup", (step) => lr * (startFactor + ((1 - startFactor) * Math.min(warmupSteps, step)) / warmupSteps));
};

/**
 * Linear warmup over `warmupSteps`, then cosine annealing to `etaMin` at `totalSteps`, where it stays (Optax's warmup_cosine_decay;
 * equal to torch's SequentialLR of LinearLR and CosineAnnealingLR(T_max = totalSteps - warmupSteps) up to totalSteps).
 * @example
 * adamw({ lr: cosineWithWarmup({ lr: 3e-4, warmupSteps: 100, totalSteps: 5000 }) });
 */
export const cosineWithWarmup = ({ lr, warmupSteps, totalSteps, etaMin = 0, startFactor = 0 }: {
  lr: number; warmupSteps: number; totalSteps: number; etaMin?: number; startFactor?: number;
}): Schedule => {
  const name = "cosineWithWarmup";
  nonNegative(name, "lr", lr);
  checkOption(name, "warmupSteps", warmupSteps, Number.isInteger(warmupSteps) && warmupSteps >= 0, "a non-negative integer");
  checkOption(name, "totalSteps", totalSteps, Number.isInteger(totalSteps) && totalSteps > warmupSteps, `an integer greater than warmupSteps (${warmupSteps})`);
  nonNegative(name, "etaMin", etaMin);
  unitInterval(name, "startFactor", startFactor);
  const decaySteps = totalSteps - warmupSteps;
  return schedule(name, (step) => {
    if (step < warmupSteps) return lr * (startFactor + ((1 - startFactor) * step) / warmupSteps);
    const t = Math.min(step, totalSteps) - warmupSteps;
    return etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * t) / decaySteps))) / 2;
  });
};

export interface OneCycleOptions {
  /** The peak learning rate. */
  readonly maxLr: number;
  /** Steps in the cycle; the schedule is defined for steps 0…totalSteps, like torch's. */
  readonly totalSteps: number;
  /** Fraction of the cycle spent increasing the lr; default 0.3. */
  readonly pctStart?: number;
  /** "cos" (default) or "linear" annealing. */
  readonly annealStrategy?: "cos" | "linear";
  /** The initial lr is maxLr / divFactor; default 25. */
  readonly divFactor?: number;
  /** The final lr is the initial lr / finalDivFactor; default 1e4. */
  readonly finalDivFactor?: number;
  /** Go back down to the initial lr before annihilating it (the original paper's three phases); default false. */
  readonly threePhase?: boolean;
}

/**
 * The 1cycle policy (torch's OneCycleLR, lr only: momentum is not cycled).
 * @example
 * sgd({ lr: oneCycleLR({ maxLr: 0.1, totalSteps: epochs * stepsPerEpoch }), momentum: 0.9 });
 */
export const oneCycleLR = ({
  maxLr, totalSteps, pctStart = 0.3, annealStrategy = "cos", divFactor = 25, finalDivFactor = 1e4, threePhase = false,
}: OneCycleOptions): Schedule => {
  const name = "oneCycleLR";
  nonNegative(name, "maxLr", maxLr);
  positiveInt(name, "totalSteps", totalSteps);
  unitInterval(name, "pctStart", pctStart);
  checkOption(name, "annealStrategy", annealStrategy, annealStrategy === "cos" || annealStrategy === "linear", `"cos" or "linear"`);
  checkOption(name, "divFactor", divFactor, divFactor > 0, "positive");
  checkOption(name, "finalDivFactor", finalDivFactor, finalDivFactor > 0, "positive");
  const initial = maxLr / divFactor;
  const min = initial / finalDivFactor;
  // Phase boundaries exactly as torch computes them (float end steps, the last phase catching everything after).
  const phases: readonly (readonly [number, number, number])[] = threePhase
    ? [[pctStart * totalSteps - 1, initial, maxLr], [2 * pctStart * totalSteps - 2, maxLr, initial], [totalSteps - 1, initial, min]]
    : [[pctStart * totalSteps - 1, initial, maxLr], [totalSteps - 1, maxLr, min]];
  const anneal = annealStrategy === "cos"
    ? (start: number, end: number, pct: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1)
    : (start: number, end: number, pct: number) => (end - start) * pct + start;
  return schedule(name, (step) => {
    if (step > totalSteps) throw new Error(`${name}: step ${step} is past totalSteps (${totalSteps})`);
    let i = 0;
    let startStep = 0;
    while (i < phases.length - 1 && step > phases[i]![0]) startStep = phases[i++]![0];
    const [endStep, from, to] = phases[i]!;
    return anneal(from, to, (step - startStep) / (endStep - startStep));
  });
};
