// A replay buffer of transitions (DQN's experience replay, as stable-baselines3's ReplayBuffer that CleanRL uses): a fixed-size ring, sampled uniformly.
import type { Key } from "../ops/random.js";
import { uniforms } from "./Env.js";

/** A sampled minibatch, row by row. */
export interface ReplaySample {
  readonly observations: Float32Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  readonly nextObservations: Float32Array;
  /** 1 where the transition ended in a terminal state (no bootstrap). */
  readonly terminated: Float32Array;
}

/**
 * The newest `capacity` transitions. A buffer has identity (it is filled as the agent acts), so it is a class; what
 * `sample` returns is a fresh value.
 * @example
 * const buffer = new ReplayBuffer(10_000, 4);
 * buffer.add(obs, action, reward, nextObs, terminated);
 * const batch = buffer.sample(key(0), 128);
 */
export class ReplayBuffer {
  private readonly obs: Float32Array;
  private readonly nextObs: Float32Array;
  private readonly actions: Int32Array;
  private readonly rewards: Float32Array;
  private readonly terminated: Float32Array;
  private next = 0;
  private full = false;

  constructor(readonly capacity: number, readonly observationSize: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`ReplayBuffer: capacity must be a positive integer, got ${capacity}`);
    this.obs = new Float32Array(capacity * observationSize);
    this.nextObs = new Float32Array(capacity * observationSize);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.terminated = new Float32Array(capacity);
  }

  /** How many transitions it holds. */
  get size(): number {
    return this.full ? this.capacity : this.next;
  }

  /** Stores one transition, overwriting the oldest when full. */
  add(observation: Float32Array, action: number, reward: number, nextObservation: Float32Array, terminated: boolean): void {
    const d = this.observationSize;
    if (observation.length !== d || nextObservation.length !== d)
      throw new Error(`ReplayBuffer.add: observations must have ${d} numbers, got ${observation.length} and ${nextObservation.length}`);
    this.obs.set(observation, this.next * d);
    this.nextObs.set(nextObservation, this.next * d);
    this.actions[this.next] = action;
    this.rewards[this.next] = reward;
    this.terminated[this.next] = terminated ? 1 : 0;
    this.next = (this.next + 1) % this.capacity;
    if (this.next === 0) this.full = true;
  }

  /** `batchSize` transitions drawn uniformly with replacement. */
  sample(key: Key, batchSize: number): ReplaySample {
    if (this.size === 0) throw new Error("ReplayBuffer.sample: the buffer is empty");
    const d = this.observationSize;
    const u = uniforms(key, batchSize);
    const out = {
      observations: new Float32Array(batchSize * d), actions: new Int32Array(batchSize), rewards: new Float32Array(batchSize),
      nextObservations: new Float32Array(batchSize * d), terminated: new Float32Array(batchSize),
    };
    for (let k = 0; k < batchSize; k++) {
      const i = Math.min(this.size - 1, Math.floor(u[k]! * this.size));
      out.observations.set(this.obs.subarray(i * d, i * d + d), k * d);
      out.nextObservations.set(this.nextObs.subarray(i * d, i * d + d), k * d);
      out.actions[k] = this.actions[i]!;
      out.rewards[k] = this.rewards[i]!;
      out.terminated[k] = this.terminated[i]!;
    }
    return out;
  }
}
