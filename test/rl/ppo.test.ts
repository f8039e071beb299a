// PPO: the acting snapshot agrees with the trained networks, the clipped losses against hand-computed values, and learning on tiny tasks.
import { describe, expect, it } from "vitest";
import { lastValueFrom, toArray } from "rxjs";
import { key, tensor, fromTyped } from "../../src/index.js";
import {
  act, actingPolicy, actorCritic, box, discrete, distribution, explainedVariance, logProbOf, ppo, ppoLoss, recordEpisodeStatistics,
  valueOf, vectorEnv, type Env,
} from "../../src/rl/index.js";

/** A one-step task: observation [1]; discrete: reward 1 for action 1; continuous: reward −(a − 0.5)². */
const bandit = (continuous: boolean): Env<Float32Array, number | Float32Array | readonly number[]> => ({
  id: "Bandit",
  observationSpace: box(-1, 1, [1]),
  actionSpace: continuous ? box(-Infinity, Infinity, [1]) : discrete(2),
  reset: () => Float32Array.of(1),
  step: (a) => ({
    observation: Float32Array.of(1),
    reward: typeof a === "number" ? (a === 1 ? 1 : 0) : -((a[0]! - 0.5) ** 2),
    terminated: true, truncated: false, info: {},
  }),
});

describe("acting policy", () => {
  it("gives the same log-probabilities and values as the tensor networks (categorical and Gaussian)", () => {
    for (const actionSpace of [discrete(3), box(-1, 1, [2])]) {
      const agent = actorCritic({ observationSpace: box(-1, 1, [4]), actionSpace });
      const params = agent.init(key(0));
      const obs = Float32Array.from({ length: 20 }, (_, i) => Math.sin(i));
      const acted = act(actingPolicy(agent, params), obs, key(1));
      const o = fromTyped(obs, [5, 4]);
      const w = agent.kind === "categorical" ? 3 : 2;
      const a = agent.kind === "categorical" ? new Float32Array(15).map((_, k) => (acted.actionData[Math.floor(k / 3)] === k % 3 ? 1 : 0)) : acted.actionData;
      const lp = logProbOf(distribution(agent, params, o), fromTyped(a, [5, w])).dataSync();
      const v = valueOf(agent, params, o).dataSync();
      for (let r = 0; r < 5; r++) {
        expect(acted.logProbs[r]).toBeCloseTo(lp[r]!, 4);
        expect(acted.values[r]).toBeCloseTo(v[r]!, 5);
      }
    }
  });

  it("initialises like CleanRL: the policy starts near uniform (output gain 0.01)", () => {
    const agent = actorCritic({ observationSpace: box(-1, 1, [4]), actionSpace: discrete(2) });
    const acted = act(actingPolicy(agent, agent.init(key(3))), Float32Array.of(0.1, -0.2, 0.3, 0.05), key(0));
    expect(Math.abs(acted.logProbs[0]! - Math.log(0.5))).toBeLessThan(0.02);
    expect(() => actorCritic({ observationSpace: discrete(4), actionSpace: discrete(2) })).toThrow(/observation space must be a Box/);
  });
});

describe("ppoLoss", () => {
  const agent = actorCritic({ observationSpace: box(-1, 1, [2]), actionSpace: discrete(2) });
  const params = agent.init(key(0));
  const obs = tensor([[0.1, 0.2], [-0.3, 0.4]]);
  const actions = tensor([[1, 0], [0, 1]]);
  const lp = logProbOf(distribution(agent, params, obs), actions);
  const v = valueOf(agent, params, obs);
  const h = { clipCoef: 0.2, clipVloss: true, entCoef: 0, vfCoef: 0.5 };

  it("clips the surrogate at 1 ± ε and counts the clipped fraction", () => {
    // Old log-probs lower by log 1.5: the ratio is 1.5 everywhere.
    const old = lp.sub(Math.log(1.5));
    const mb = { observations: obs, actions, oldLogProbs: old, returns: v, oldValues: v };
    // Advantage +1: max(−1.5, −1.2) = −1.2 (the gain is clipped); advantage −1: max(1.5, 1.2) = 1.5 (the loss is not).
    const [, auxPos] = ppoLoss(agent, h)(params, { ...mb, advantages: tensor([1, 1]) });
    expect(auxPos.policy_loss!.item()).toBeCloseTo(-1.2, 5);
    const [, auxNeg] = ppoLoss(agent, h)(params, { ...mb, advantages: tensor([-1, -1]) });
    expect(auxNeg.policy_loss!.item()).toBeCloseTo(1.5, 5);
    expect(auxPos.clip_fraction!.item()).toBe(1);
    expect(auxPos.approx_kl!.item()).toBeCloseTo(0.5 - Math.log(1.5), 5);
    expect(auxPos.old_approx_kl!.item()).toBeCloseTo(-Math.log(1.5), 5);
  });

  it("takes the larger of the clipped and unclipped value errors", () => {
    // old values v − 1, returns v + 1: unclipped error 1² = 1; clipped prediction v − 0.8, error 1.8² = 3.24; loss ½·3.24.
    const mb = { observations: obs, actions, oldLogProbs: lp, advantages: tensor([0, 0]), returns: v.add(1), oldValues: v.sub(1) };
    const [loss, aux] = ppoLoss(agent, h)(params, mb);
    expect(aux.value_loss!.item()).toBeCloseTo(1.62, 4);
    expect(loss.item()).toBeCloseTo(0.81, 4);
    const [, plain] = ppoLoss(agent, { ...h, clipVloss: false })(params, mb);
    expect(plain.value_loss!.item()).toBeCloseTo(0.5, 4);
  });

  it("explained variance is 1 for perfect predictions and 0 for predicting the mean", () => {
    expect(explainedVariance([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(explainedVariance([2, 2, 2], [1, 2, 3])).toBe(0);
    expect(explainedVariance([0, 0], [1, 1])).toBeNaN();
  });
});

describe("ppo", () => {
  it("learns a two-armed bandit (categorical) and emits one metrics record per update", async () => {
    const envs = vectorEnv(() => recordEpisodeStatistics(bandit(false)), 4);
    const ms = await lastValueFrom(ppo({ envs, key: key(0), numSteps: 16, totalTimesteps: 64 * 25, learningRate: 0.01, hidden: [16], numMinibatches: 2, updateEpochs: 2 }).pipe(toArray()));
    expect(ms.length).toBe(25);
    expect(ms.at(-1)!.env_steps).toBe(64 * 25);
    const avg = (i: number) => ms[i]!.episodes.reduce((a, e) => a + e.return, 0) / ms[i]!.episodes.length;
    expect(avg(0)).toBeLessThan(0.75);
    expect(avg(24)).toBeGreaterThan(0.95);
    expect(ms[24]!.learning_rate).toBeCloseTo(0.01 / 25, 8);
  });

  it("moves a Gaussian policy's mean towards the best action", async () => {
    const envs = vectorEnv(() => recordEpisodeStatistics(bandit(true)), 4);
    const ms = await lastValueFrom(ppo({ envs, key: key(1), numSteps: 32, totalTimesteps: 128 * 20, learningRate: 0.02, hidden: [16], numMinibatches: 2, updateEpochs: 3 }).pipe(toArray()));
    const last = ms.at(-1)!;
    const mean = act(actingPolicy(last.agent, last.params), Float32Array.of(1), key(0), { greedy: true }).actionData[0]!;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.2);
    expect(last.params.logStd!.item()).toBeLessThan(0);
  });

  it("refuses a run shorter than one rollout", async () => {
    const envs = vectorEnv(() => bandit(false), 4);
    await expect(lastValueFrom(ppo({ envs, key: key(0), totalTimesteps: 100 }))).rejects.toThrow("ppo: totalTimesteps=100 is less than one rollout of 128 steps × 4 envs");
  });
});
