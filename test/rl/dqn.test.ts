// DQN's parts: the replay ring buffer, the ε schedule, and learning Q-values on a one-step task; its input errors.
import { describe, expect, it } from "vitest";
import { lastValueFrom, toArray } from "rxjs";
import { key, fromTyped } from "../../src/index.js";
import { ReplayBuffer, box, discrete, dqn, linearSchedule, pendulum, recordEpisodeStatistics, type Env } from "../../src/rl/index.js";

describe("ReplayBuffer", () => {
  it("keeps the newest `capacity` transitions and samples only stored ones", () => {
    const b = new ReplayBuffer(3, 1);
    for (let i = 0; i < 5; i++) b.add(Float32Array.of(i), i % 2, i * 10, Float32Array.of(i + 1), i === 4);
    expect(b.size).toBe(3);
    const s = b.sample(key(0), 200);
    const seen = new Set(s.observations);
    expect([...seen].sort()).toEqual([2, 3, 4]);
    for (let k = 0; k < 200; k++) {
      expect(s.rewards[k]).toBe(s.observations[k]! * 10);
      expect(s.nextObservations[k]).toBe(s.observations[k]! + 1);
      expect(s.terminated[k]).toBe(s.observations[k] === 4 ? 1 : 0);
    }
    expect(() => new ReplayBuffer(2, 2).sample(key(0), 1)).toThrow("ReplayBuffer.sample: the buffer is empty");
    expect(() => b.add(Float32Array.of(1, 2), 0, 0, Float32Array.of(1), false)).toThrow("ReplayBuffer.add: observations must have 1 numbers, got 2 and 1");
  });
});

describe("dqn", () => {
  it("ε falls linearly from start to end over the exploration steps (CleanRL's linear_schedule)", () => {
    expect(linearSchedule(1, 0.05, 250_000, 0)).toBe(1);
    expect(linearSchedule(1, 0.05, 250_000, 125_000)).toBeCloseTo(0.525, 10);
    expect(linearSchedule(1, 0.05, 250_000, 400_000)).toBe(0.05);
  });

  it("learns Q(s, a) = r on a one-step task and acts greedily on it", async () => {
    // Every episode is one step: action 1 pays 1, action 0 pays 0; the TD target is just r (terminal).
    const bandit: Env<Float32Array, number> = {
      id: "Bandit", observationSpace: box(-1, 1, [1]), actionSpace: discrete(2),
      reset: () => Float32Array.of(1),
      step: (a) => ({ observation: Float32Array.of(1), reward: a, terminated: true, truncated: false, info: {} }),
    };
    const ms = await lastValueFrom(dqn({
      env: recordEpisodeStatistics(bandit), key: key(0), totalTimesteps: 1500, learningStarts: 100, trainFrequency: 3, batchSize: 32,
      learningRate: 1e-2, explorationFraction: 0.5, targetNetworkFrequency: 50, hidden: [16], logEvery: 500,
    }).pipe(toArray()));
    expect(ms.map((m) => m.env_steps)).toEqual([500, 1000, 1500]);
    const last = ms.at(-1)!;
    const q = last.qNetwork.forward(last.params, fromTyped(Float32Array.of(1), [1, 1])).dataSync();
    expect(q[0]).toBeCloseTo(0, 1);
    expect(q[1]).toBeCloseTo(1, 1);
    // ε is 0.05 at the end: nearly every episode takes the paying action.
    const mean = last.episodes.reduce((a, e) => a + e.return, 0) / last.episodes.length;
    expect(mean).toBeGreaterThan(0.9);
  });

  it("refuses continuous actions", async () => {
    await expect(lastValueFrom(dqn({ env: pendulum() as unknown as Env<Float32Array, number>, key: key(0) }))).rejects.toThrow(
      "dqn: needs Box observations and Discrete actions; Pendulum-v1 has box observations and box actions",
    );
  });
});
