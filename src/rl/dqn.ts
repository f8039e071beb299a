// DQN (Mnih et al. 2015) with experience replay and a target network, as CleanRL's dqn.py (defaults included), as a stream of metrics.
import { Observable } from "rxjs";
import type { Tensor } from "../ops/Tensor.js";
import { mul, sub, square } from "../ops/elementwise.js";
import { mean, sum } from "../ops/reduce.js";
import { fromTyped } from "../ops/creation.js";
import { foldIn, split, type Key } from "../ops/random.js";
import { valueAndGrad } from "../graph/grad.js";
import { applyUpdates } from "../optim/GradientTransformation.js";
import { adam } from "../optim/adam.js";
import { linear } from "../nn/linear.js";
import { relu } from "../nn/activations.js";
import { sequential } from "../nn/sequential.js";
import type { Module, Params } from "../nn/Module.js";
import { flatSize } from "./spaces.js";
import { uniforms, type Env, type EpisodeStats } from "./Env.js";
import { denseLayers, mlpForward } from "./ActingPolicy.js";
import { ReplayBuffer } from "./ReplayBuffer.js";
import { pacedLoop } from "./_pacedLoop.js";

/** DQN's hyperparameters (CleanRL's names in camelCase); defaults are dqn.py's. */
export interface DqnOptions {
  readonly env: Env<Float32Array, number>;
  readonly key: Key;
  readonly totalTimesteps?: number;
  readonly learningRate?: number;
  readonly bufferSize?: number;
  readonly gamma?: number;
  /** Target network update rate (1: copy). */
  readonly tau?: number;
  readonly targetNetworkFrequency?: number;
  readonly batchSize?: number;
  readonly startE?: number;
  readonly endE?: number;
  /** Fraction of the run over which ε falls linearly from startE to endE. */
  readonly explorationFraction?: number;
  readonly learningStarts?: number;
  readonly trainFrequency?: number;
  readonly hidden?: readonly number[];
  /** Emit metrics every this many environment steps (default 1000). */
  readonly logEvery?: number;
}

/** What the stream reports every `logEvery` steps. */
export interface DqnMetrics {
  readonly env_steps: number;
  readonly episodes: readonly EpisodeStats[];
  readonly epsilon: number;
  /** Mean TD loss and Q value of the gradient steps since the last report (NaN before learning starts). */
  readonly td_loss: number;
  readonly q_values: number;
  readonly sps: number;
  readonly params: Params;
  readonly qNetwork: Module;
}

/** CleanRL's QNetwork: obs → 120 → 84 → actions with ReLU. */
export const qNetwork = (observationSize: number, numActions: number, hidden: readonly number[] = [120, 84]): Module => {
  const sizes = [observationSize, ...hidden, numActions];
  return sequential(sizes.slice(1).flatMap((out, i) => {
    const l = linear({ inFeatures: sizes[i]!, outFeatures: out });
    return i < sizes.length - 2 ? [l, relu()] : [l];
  }));
};

/** ε at step t: linear from `start` to `end` over `duration` steps, then `end`. */
export const linearSchedule = (start: number, end: number, duration: number, t: number): number => Math.max(((end - start) / duration) * t + start, end);

/**
 * Trains a Q-network on `env` (Discrete actions): ε-greedy acting, a replay buffer, one gradient step on the squared
 * TD error every `trainFrequency` steps, the target network synced every `targetNetworkFrequency` steps.
 * @example
 * dqn({ env: recordEpisodeStatistics(cartPole()), key: key(1) }).subscribe((m) => console.log(m.env_steps, m.episodes));
 */
export const dqn = (o: DqnOptions): Observable<DqnMetrics> =>
  new Observable<DqnMetrics>((subscriber) => {
    const {
      env, key, totalTimesteps = 500_000, learningRate = 2.5e-4, bufferSize = 10_000, gamma = 0.99, tau = 1.0, targetNetworkFrequency = 500,
      batchSize = 128, startE = 1, endE = 0.05, explorationFraction = 0.5, learningStarts = 10_000, trainFrequency = 10, hidden, logEvery = 1000,
    } = o;
    if (env.actionSpace.kind !== "discrete" || env.observationSpace.kind !== "box") {
      subscriber.error(new Error(`dqn: needs Box observations and Discrete actions; ${env.id} has ${env.observationSpace.kind} observations and ${env.actionSpace.kind} actions`));
      return;
    }
    const nA = env.actionSpace.n;
    const d = flatSize(env.observationSpace);
    const net = qNetwork(d, nA, hidden);
    const [initKey, envKey, actKey, sampleKey] = split(key, 4);
    let params = net.init(initKey!).params;
    let target = params;
    const opt = adam({ lr: learningRate });
    let optState = opt.init(params);
    const buffer = new ReplayBuffer(bufferSize, d);
    const lossGrad = valueAndGrad((p: Params, b: { obs: Tensor; onehot: Tensor; y: Tensor }) => {
      const q = sum(mul(net.forward(p, b.obs), b.onehot), -1);
      return [mean(square(sub(b.y, q))), mean(q)] as const;
    }, { hasAux: true });
    let acting = denseLayers(params);
    let targetLayers = denseLayers(target);
    let obs = env.reset(foldIn(envKey!, 0));
    let episode = 0;
    let episodes: EpisodeStats[] = [];
    let losses: number[] = [];
    let qs: number[] = [];
    const t0 = performance.now();
    let step = 0;
    return pacedLoop(subscriber, () => {
    const begin = step;
    const end = Math.min(totalTimesteps, step + logEvery);
    // The exploration draws of the whole chunk at once (two per step): one generator call instead of one per step.
    const u = uniforms(foldIn(actKey!, begin), 2 * (end - begin));
    for (; step < end; step++) {
      const epsilon = linearSchedule(startE, endE, explorationFraction * totalTimesteps, step);
      const j = 2 * (step - begin);
      let action: number;
      if (u[j]! < epsilon) action = Math.min(nA - 1, Math.floor(u[j + 1]! * nA));
      else {
        const q = mlpForward(acting, obs, 1, "relu");
        action = q.indexOf(Math.max(...q));
      }
      const r = env.step(action);
      buffer.add(obs, action, r.reward, r.observation, r.terminated);
      if (r.info.episode) episodes.push(r.info.episode);
      obs = r.terminated || r.truncated ? env.reset(foldIn(envKey!, ++episode)) : r.observation;
      if (step > learningStarts) {
        if (step % trainFrequency === 0) {
          const b = buffer.sample(foldIn(sampleKey!, step), batchSize);
          // TD target r + γ·max_a' Q_target(s', a')·(1 − terminated), computed on the host from the target snapshot.
          const qNext = mlpForward(targetLayers, b.nextObservations, batchSize, "relu");
          const y = new Float32Array(batchSize);
          const onehot = new Float32Array(batchSize * nA);
          for (let k = 0; k < batchSize; k++) {
            let m = -Infinity;
            for (let a = 0; a < nA; a++) m = Math.max(m, qNext[k * nA + a]!);
            y[k] = b.rewards[k]! + gamma * m * (1 - b.terminated[k]!);
            onehot[k * nA + b.actions[k]!] = 1;
          }
          const [[loss, qMean], grads] = lossGrad(params, { obs: fromTyped(b.observations, [batchSize, d]), onehot: fromTyped(onehot, [batchSize, nA]), y: fromTyped(y, [batchSize]) });
          const up = opt.update(grads, optState, params);
          params = applyUpdates(params, up.updates);
          optState = up.state;
          acting = denseLayers(params);
          losses.push(loss.item());
          qs.push(qMean.item());
        }
        if (step % targetNetworkFrequency === 0) {
          target = tau === 1 ? params : (applyUpdates(target, applyUpdates(mulTree(params, tau), mulTree(target, -tau))) as Params);
          targetLayers = denseLayers(target);
        }
      }
    }
    const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
    subscriber.next({
      env_steps: step, episodes, epsilon: linearSchedule(startE, endE, explorationFraction * totalTimesteps, step), td_loss: avg(losses), q_values: avg(qs),
      sps: step / ((performance.now() - t0) / 1000), params, qNetwork: net,
    });
    episodes = [];
    losses = [];
    qs = [];
      if (step >= totalTimesteps) subscriber.complete();
    });
  });

/** Every leaf of a params tree times `c` (for the soft target update θ' ← τθ + (1 − τ)θ'). */
const mulTree = (p: Params, c: number): Params =>
  Object.fromEntries(Object.entries(p).map(([k, v]) => [k, "shape" in v ? mul(v as Tensor, c) : mulTree(v as Params, c)])) as Params;
