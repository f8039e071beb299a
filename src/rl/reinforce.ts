// REINFORCE with a learned baseline (Williams 1992; Sutton & Barto §13.4): Monte-Carlo returns, ∇ log π · (G − V(s)), as a stream of updates.
import { Observable } from "rxjs";
import type { Tensor } from "../ops/Tensor.js";
import { add, mul, neg, square, sub } from "../ops/elementwise.js";
import { mean } from "../ops/reduce.js";
import { fromTyped } from "../ops/creation.js";
import { foldIn, split, type Key } from "../ops/random.js";
import { stopGradient, valueAndGrad } from "../graph/grad.js";
import { applyUpdates } from "../optim/GradientTransformation.js";
import { adam } from "../optim/adam.js";
import type { Action } from "./spaces.js";
import type { Env, EpisodeStats } from "./Env.js";
import { discountedReturns } from "./advantages.js";
import { pacedLoop } from "./_pacedLoop.js";
import { act, actingPolicy } from "./ActingPolicy.js";
import { actorCritic, distribution, entropyOf, logProbOf, valueOf, type ActorCritic, type AgentParams } from "./policies.js";

export interface ReinforceOptions {
  readonly env: Env<Float32Array, Action>;
  readonly key: Key;
  /** Number of updates; each uses `episodesPerUpdate` complete episodes. */
  readonly updates: number;
  readonly episodesPerUpdate?: number;
  readonly learningRate?: number;
  readonly gamma?: number;
  /** Weight of the baseline's squared error in the loss. */
  readonly vfCoef?: number;
  readonly hidden?: readonly number[];
}

/** One update's report. */
export interface ReinforceMetrics {
  readonly update: number;
  readonly episodes: readonly EpisodeStats[];
  readonly policy_loss: number;
  readonly value_loss: number;
  readonly entropy: number;
  readonly params: AgentParams;
  readonly agent: ActorCritic;
}

/**
 * REINFORCE with baseline: play whole episodes with the current policy, then one gradient step on
 * −mean(log π(a|s)·(G − V(s))) + vfCoef·mean((G − V(s))²), the baseline's error kept out of the policy's gradient.
 * @example
 * reinforce({ env: cartPole(), key: key(0), updates: 200 }).subscribe((m) => console.log(m.episodes));
 */
export const reinforce = ({ env, key, updates, episodesPerUpdate = 4, learningRate = 1e-3, gamma = 0.99, vfCoef = 0.5, hidden }: ReinforceOptions): Observable<ReinforceMetrics> =>
  new Observable<ReinforceMetrics>((subscriber) => {
    const agent = actorCritic({ observationSpace: env.observationSpace, actionSpace: env.actionSpace, hidden });
    const [initKey, runKey] = split(key);
    let params = agent.init(initKey!);
    const opt = adam({ lr: learningRate });
    let optState = opt.init(params);
    const d = agent.observationSize;
    // Numbers per action row: one-hot over the choices, or the action vector.
    const w = agent.actionSize;
    const lossGrad = valueAndGrad((p: AgentParams, b: { obs: Tensor; actions: Tensor; returns: Tensor }) => {
      const dist = distribution(agent, p, b.obs);
      const v = valueOf(agent, p, b.obs);
      const advantage = stopGradient(sub(b.returns, v));
      const pg = mean(neg(mul(logProbOf(dist, b.actions), advantage)));
      const vl = mean(square(sub(b.returns, v)));
      return [add(pg, mul(vl, vfCoef)), { policy_loss: pg, value_loss: vl, entropy: mean(entropyOf(dist)) }] as const;
    }, { hasAux: true });
    let u = 0;
    return pacedLoop(subscriber, () => {
      if (u >= updates) return subscriber.complete();
      const policy = actingPolicy(agent, params);
      const obs: number[] = [];
      const actions: number[] = [];
      const rewards: number[] = [];
      const ends: number[] = [];
      const episodes: EpisodeStats[] = [];
      for (let e = 0; e < episodesPerUpdate; e++) {
        const k = foldIn(foldIn(runKey!, u), e);
        let o = env.reset(foldIn(k, 0));
        let total = 0;
        for (let t = 1; ; t++) {
          const a = act(policy, o, foldIn(k, t));
          obs.push(...o);
          if (agent.kind === "categorical") actions.push(...Array.from({ length: w }, (_, j) => (j === a.actionData[0] ? 1 : 0)));
          else actions.push(...a.actionData);
          const r = env.step(a.actions[0] as Action);
          rewards.push(r.reward);
          total += r.reward;
          const done = r.terminated || r.truncated;
          ends.push(done ? 1 : 0);
          o = r.observation;
          if (done) {
            episodes.push({ return: total, length: t });
            break;
          }
        }
      }
      const n = rewards.length;
      // Monte-Carlo returns within each episode (a truncated episode's tail is simply cut, as the textbook algorithm).
      const returns = discountedReturns({ numEnvs: 1, rewards, terminated: ends, gamma });
      const [[, aux], grads] = lossGrad(params, { obs: fromTyped(Float32Array.from(obs), [n, d]), actions: fromTyped(Float32Array.from(actions), [n, w]), returns: fromTyped(returns, [n]) });
      const up = opt.update(grads, optState, params);
      params = applyUpdates(params, up.updates);
      optState = up.state;
      u++;
      subscriber.next({ update: u, episodes, policy_loss: aux.policy_loss.item(), value_loss: aux.value_loss.item(), entropy: aux.entropy.item(), params, agent });
    });
  });
