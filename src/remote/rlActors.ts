// Distributed RL acting over NATS JetStream (the IMPALA/SEED shape): actor processes act with the latest published policy and publish rollouts; one learner runs PPO on them with a bound on policy lag and publishes each new policy.
//
// Policies live in a JetStream key-value bucket (one key per run; the KV revision is the policy's version), rollouts in a
// stream. An actor that dies loses at most the rollout it was collecting: nothing waits for it, so learning slows and
// goes on. A rollout collected with a policy more than `maxPolicyLag` versions old is dropped (acknowledged, counted):
// PPO's ratio assumes the data came from (nearly) the policy being updated.
import type { NatsConnection } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { fromPull, type PullSource } from "../streams/pull.js";
import { tensor } from "../ops/creation.js";
import { Tensor } from "../ops/Tensor.js";
import { key as makeKey, foldIn, split, type Key } from "../ops/random.js";
import type { Action } from "../rl/spaces.js";
import { makeEnv } from "../rl/envs/makeEnv.js";
import { ppoEnvs } from "../rl/ppoEnvs.js";
import { actorCritic, type ActorCritic, type AgentParams } from "../rl/policies.js";
import { actingPolicy, type ActingPolicy } from "../rl/ActingPolicy.js";
import { collectRollout, type Rollout, type RolloutCursor } from "../rl/rollouts.js";
import { ppoDefaults, type PpoMetrics } from "../rl/ppo.js";
import { ppoLearner, ppoUpdateStep, type AdvantagedRollout, type PpoHyperparameters } from "../rl/ppoUpdate.js";
import { gae } from "../rl/advantages.js";
import type { EpisodeStats } from "../rl/Env.js";
import { encodeMessage, decodeMessage, type Message } from "./messageCodec.js";
import { ensureConsumer, ensureStream } from "./jetStreamSetup.js";
import { fromJetStream } from "./fromJetStream.js";

const BUCKET = "rivulet_policies";
const ROLLOUTS = "RIVULET_ROLLOUTS";

const checkRun = (op: string, run: string): string => {
  if (!/^[A-Za-z0-9_-]+$/.test(run)) throw new Error(`${op}: run must be letters, digits, "_" or "-" (it names NATS subjects and keys), got ${JSON.stringify(run)}`);
  return run;
};

const f32 = (a: ArrayLike<number>): Tensor => tensor(Float32Array.from(a));
const u8 = (a: ArrayLike<number>): Tensor => tensor(Int32Array.from(a), { dtype: "int32" });
const arr = (m: Message, op: string, field: string): Float32Array => {
  if (!(m instanceof Tensor)) throw new Error(`${op}: field ${field} must be a tensor`);
  return Float32Array.from(m.dataSync());
};

/** An acting policy as a message: its arrays as tensors. */
const encodePolicy = (p: ActingPolicy): Uint8Array => {
  const layer = (l: ActingPolicy["actor"][number]) => ({ weight: f32(l.weight), bias: f32(l.bias), inFeatures: l.inFeatures, outFeatures: l.outFeatures });
  return encodeMessage({
    kind: p.kind, observationSize: p.observationSize, actionSize: p.actionSize,
    actor: p.actor.map(layer), critic: p.critic.map(layer), ...(p.logStd ? { logStd: f32(p.logStd) } : {}),
  });
};

const decodePolicy = (bytes: Uint8Array, source: string): ActingPolicy => {
  const m = decodeMessage(bytes, source) as Record<string, Message>;
  const layers = (x: Message, name: string) => {
    if (!Array.isArray(x)) throw new Error(`${source}: field ${name} must be a list of layers`);
    return x.map((l, i) => {
      const r = l as Record<string, Message>;
      return { weight: arr(r.weight!, source, `${name}[${i}].weight`), bias: arr(r.bias!, source, `${name}[${i}].bias`), inFeatures: Number(r.inFeatures), outFeatures: Number(r.outFeatures) };
    });
  };
  if (m.kind !== "categorical" && m.kind !== "gaussian") throw new Error(`${source}: field kind must be "categorical" or "gaussian", got ${JSON.stringify(m.kind)}`);
  return {
    kind: m.kind, observationSize: Number(m.observationSize), actionSize: Number(m.actionSize),
    actor: layers(m.actor!, "actor"), critic: layers(m.critic!, "critic"), ...(m.logStd === undefined ? {} : { logStd: arr(m.logStd, source, "logStd") }),
  };
};

/** A rollout as it travels: the arrays, the episodes that ended in it, and the policy version and actor that made it. */
interface RolloutMessage {
  readonly rollout: Rollout;
  readonly version: number;
  readonly actor: string;
}

const encodeRollout = ({ rollout: r, version, actor }: RolloutMessage): Uint8Array =>
  encodeMessage({
    version, actor, numSteps: r.numSteps, numEnvs: r.numEnvs, observationSize: r.observationSize, actionWidth: r.actionWidth, envSteps: r.envSteps,
    observations: f32(r.observations), actions: f32(r.actions), logProbs: f32(r.logProbs), values: f32(r.values), rewards: f32(r.rewards),
    terminated: u8(r.terminated), truncated: u8(r.truncated), finalValues: f32(r.finalValues), lastValues: f32(r.lastValues),
    episodes: r.episodes.map((e) => ({ ...e }) as unknown as Message),
  });

const decodeRollout = (bytes: Uint8Array, source: string): RolloutMessage => {
  const m = decodeMessage(bytes, source) as Record<string, Message>;
  const num = (f: string): number => {
    const v = m[f];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`field ${f}: expected a number, got ${JSON.stringify(v)}`);
    return v;
  };
  const ints = (f: string): Uint8Array => Uint8Array.from(arr(m[f]!, source, f));
  const rollout: Rollout = {
    numSteps: num("numSteps"), numEnvs: num("numEnvs"), observationSize: num("observationSize"), actionWidth: num("actionWidth"), envSteps: num("envSteps"),
    observations: arr(m.observations!, source, "observations"), actions: arr(m.actions!, source, "actions"), logProbs: arr(m.logProbs!, source, "logProbs"),
    values: arr(m.values!, source, "values"), rewards: arr(m.rewards!, source, "rewards"), terminated: ints("terminated"), truncated: ints("truncated"),
    finalValues: arr(m.finalValues!, source, "finalValues"), lastValues: arr(m.lastValues!, source, "lastValues"),
    episodes: (m.episodes as unknown as EpisodeStats[]) ?? [],
  };
  const size = rollout.numSteps * rollout.numEnvs;
  if (rollout.rewards.length !== size || rollout.observations.length !== size * rollout.observationSize)
    throw new Error(`a rollout of ${rollout.numSteps} steps × ${rollout.numEnvs} envs must hold ${size} rewards and ${size * rollout.observationSize} observation numbers, got ${rollout.rewards.length} and ${rollout.observations.length}`);
  return { rollout, version: num("version"), actor: typeof m.actor === "string" ? m.actor : "?" };
};

const openPolicies = async (nc: NatsConnection): Promise<KV> => new Kvm(nc).create(BUCKET, { history: 1 });

/** Options of `serveActor`. */
export interface ActorOptions {
  /** The run to act for (the learner's `run`). */
  readonly run: string;
  /** Environment id or short name (`cartpole`). */
  readonly env: string;
  readonly numEnvs?: number;
  readonly numSteps?: number;
  /** Seeds resets and actions; give each actor its own. */
  readonly seed: number;
  /** This actor's name in rollouts (default `actor-<pid>`). */
  readonly name?: string;
  /** Stops after the rollout in hand. */
  readonly signal?: AbortSignal;
  /** Told after each published rollout. */
  readonly onRollout?: (version: number, envSteps: number) => void;
  /** Act again with an unchanged policy after this long (default 2 s): keeps a learner that waits for more rollouts than the live actors make per version going. */
  readonly idleMs?: number;
  /** Rollouts made with one policy version before waiting for the next (default 2: acting overlaps learning, lag ≤ 1). */
  readonly rolloutsPerVersion?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * An actor's loop (`rivulet rl actor`): waits for the run's first policy, then collects rollouts with the latest policy
 * and publishes them, until the learner marks the run done or `signal` aborts.
 * @example
 * await serveActor(nc, { run: "cartpole-1", env: "cartpole", seed: 3 });
 */
export const serveActor = async (nc: NatsConnection, options: ActorOptions): Promise<void> => {
  const run = checkRun("serveActor", options.run);
  const { env, seed, signal, onRollout, name = `actor-${process.pid}`, idleMs = 2000, rolloutsPerVersion = 2 } = options;
  const continuous = makeEnv(env).actionSpace.kind === "box";
  const { numEnvs = ppoDefaults(continuous).numEnvs, numSteps = ppoDefaults(continuous).numSteps } = options;
  await ensureStream(nc, { name: ROLLOUTS, subjects: ["rivulet.rl.>"] });
  const kv = await openPolicies(nc);
  const js = jetstream(nc);
  // The same wrappers as a single-process run (`ppo`); continuous tasks normalise observations with per-actor statistics.
  const { envs } = ppoEnvs(env, { numEnvs });
  const k = makeKey(seed);
  let cursor: RolloutCursor = { observations: envs.reset(foldIn(k, 0)), key: foldIn(k, 1), envSteps: 0 };
  let lastVersion = -1;
  let madeWithVersion = 0;
  let lastPublished = 0;
  for (;;) {
    if (signal?.aborted) return;
    const done = await kv.get(`${run}.done`);
    if (done !== null && done.operation === "PUT" && done.string() === "1") return;
    const entry = await kv.get(`${run}.policy`);
    if (entry === null || entry.operation !== "PUT" || entry.length === 0) {
      await sleep(100);
      continue;
    }
    // At most `rolloutsPerVersion` rollouts per policy version (default 2: one for the update being prepared, one made
    // while the learner computes it, so acting overlaps learning with a lag of at most 1). Then the actor waits for the
    // next version, so it never floods the learner with stale data; if none comes for `idleMs` (other actors died and
    // the learner waits for rollouts they will not send), it acts with the same version again.
    if (entry.revision === lastVersion && madeWithVersion >= rolloutsPerVersion && performance.now() - lastPublished < idleMs) {
      await sleep(10);
      continue;
    }
    const policy = decodePolicy(entry.value, `${BUCKET}/${run}.policy rev ${entry.revision}`);
    const out = collectRollout(envs, policy, cursor, numSteps);
    cursor = out.cursor;
    await js.publish(`rivulet.rl.${run}.rollouts`, encodeRollout({ rollout: out.rollout, version: entry.revision, actor: name }));
    madeWithVersion = entry.revision === lastVersion ? madeWithVersion + 1 : 1;
    lastVersion = entry.revision;
    lastPublished = performance.now();
    onRollout?.(entry.revision, cursor.envSteps);
  }
};

/** Options of `ppoFromActors`: the run, the environment (for its spaces), and PPO's settings (CleanRL's defaults). */
export interface PpoFromActorsOptions extends Partial<Omit<PpoHyperparameters, "numIterations">> {
  readonly run: string;
  readonly env: string;
  readonly key: Key;
  /** Stop once this many environment steps (all actors together, dropped rollouts included) have been consumed. */
  readonly totalTimesteps?: number;
  /** One actor's rollout, steps × envs, to plan learning-rate annealing (default: CleanRL's 128 × 4). */
  readonly rolloutSize?: number;
  /** Rollouts joined into one PPO batch per update (default 1; give the number of actors for CleanRL's batch from many). */
  readonly rolloutsPerUpdate?: number;
  /** Use rollouts made with a policy at most this many versions older than the newest (default 1). */
  readonly maxPolicyLag?: number;
  readonly hidden?: readonly number[];
  readonly params?: AgentParams;
}

/** One update's report from the distributed learner: PPO's metrics plus the largest lag in its batch and what was dropped. */
export interface RemotePpoMetrics extends PpoMetrics {
  readonly policy_lag: number;
  readonly dropped_rollouts: number;
  /** The actors whose rollouts made this update's batch. */
  readonly actors: readonly string[];
}

/** Rollouts of the same length joined along the environment axis (time-major rows t·N + i, as one vectorised run). */
export const concatRollouts = (rs: readonly Rollout[], envSteps: number): Rollout => {
  const first = rs[0]!;
  if (rs.length === 1) return { ...first, envSteps };
  for (const r of rs)
    if (r.numSteps !== first.numSteps || r.observationSize !== first.observationSize || r.actionWidth !== first.actionWidth)
      throw new Error(`concatRollouts: rollouts of ${first.numSteps} steps × ${first.observationSize} observations × ${first.actionWidth} actions and of ${r.numSteps} × ${r.observationSize} × ${r.actionWidth} cannot be joined`);
  const T = first.numSteps;
  const N = rs.reduce((a, r) => a + r.numEnvs, 0);
  const join = <A extends Float32Array | Uint8Array>(make: (n: number) => A, pick: (r: Rollout) => A, width: number): A => {
    const out = make(T * N * width);
    for (let t = 0, at = 0; t < T; t++)
      for (const r of rs) {
        const rowLen = r.numEnvs * width;
        out.set(pick(r).subarray(t * rowLen, (t + 1) * rowLen), at);
        at += rowLen;
      }
    return out;
  };
  const f32 = (n: number) => new Float32Array(n);
  const u8 = (n: number) => new Uint8Array(n);
  return {
    numSteps: T, numEnvs: N, observationSize: first.observationSize, actionWidth: first.actionWidth, envSteps,
    observations: join(f32, (r) => r.observations, first.observationSize), actions: join(f32, (r) => r.actions, first.actionWidth),
    logProbs: join(f32, (r) => r.logProbs, 1), values: join(f32, (r) => r.values, 1), rewards: join(f32, (r) => r.rewards, 1),
    terminated: join(u8, (r) => r.terminated, 1), truncated: join(u8, (r) => r.truncated, 1), finalValues: join(f32, (r) => r.finalValues, 1),
    lastValues: Float32Array.from(rs.flatMap((r) => Array.from(r.lastValues))), episodes: rs.flatMap((r) => r.episodes),
  };
};

/**
 * The learner of distributed PPO: publishes the initial policy, consumes the run's rollouts from actor processes
 * (anywhere that reaches the server), drops those older than `maxPolicyLag` versions, joins `rolloutsPerUpdate` of the
 * others into one batch, runs PPO's update on it and publishes the new policy; completes after `totalTimesteps` and marks
 * the run done, which stops the actors. Pull-driven: the next update runs when the consumer has taken this one.
 * @example
 * ppoFromActors(nc, { run: "cp", env: "cartpole", key: key(1), rolloutsPerUpdate: 4 }).subscribe((m) => console.log(m.env_steps));
 */
export const ppoFromActors = (nc: NatsConnection, options: PpoFromActorsOptions): PullSource<RemotePpoMetrics> => {
  const run = checkRun("ppoFromActors", options.run);
  const probe = makeEnv(options.env);
  const continuous = probe.actionSpace.kind === "box";
  const d = ppoDefaults(continuous);
  const { env: _env, run: _run, key, totalTimesteps = d.totalTimesteps, rolloutSize = d.numSteps * d.numEnvs, rolloutsPerUpdate = 1, maxPolicyLag = 1, hidden, params: start, ...rest } = options;
  if (!Number.isInteger(maxPolicyLag) || maxPolicyLag < 0) throw new Error(`ppoFromActors: maxPolicyLag must be an integer ≥ 0, got ${maxPolicyLag}`);
  if (!Number.isInteger(rolloutsPerUpdate) || rolloutsPerUpdate < 1) throw new Error(`ppoFromActors: rolloutsPerUpdate must be a positive integer, got ${rolloutsPerUpdate}`);
  const numIterations = Math.max(1, Math.floor(totalTimesteps / (rolloutSize * rolloutsPerUpdate)));
  const h: PpoHyperparameters = { ...d, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)), numIterations };
  const agent: ActorCritic = actorCritic({ observationSpace: probe.observationSpace, actionSpace: probe.actionSpace, hidden });
  const [initKey, learnKey] = split(key, 2);
  return fromPull(() =>
    (async function* () {
      const t0 = performance.now();
      await ensureStream(nc, { name: ROLLOUTS, subjects: ["rivulet.rl.>"] });
      const consumer = `rivulet-learner-${run}`;
      await ensureConsumer(nc, ROLLOUTS, { name: consumer, filterSubject: `rivulet.rl.${run}.rollouts`, ackWaitMs: 60_000 });
      const kv = await openPolicies(nc);
      // A new run under an old name starts fresh: "0" until the learner finishes (a deleted key would still read back as an entry).
      await kv.put(`${run}.done`, new TextEncoder().encode("0"));
      let learner = ppoLearner(start ?? agent.init(initKey!), h, learnKey!);
      let version = await kv.put(`${run}.policy`, encodePolicy(actingPolicy(agent, learner.params)));
      let envSteps = 0;
      let dropped = 0;
      let finished = false;
      const source = fromJetStream(jetstream(nc), { stream: ROLLOUTS, consumer, decode: decodeRollout, readAhead: rolloutsPerUpdate })[Symbol.asyncIterator]();
      try {
        while (envSteps < totalTimesteps) {
          const batch: { message: RolloutMessage; lag: number; ack: () => void }[] = [];
          while (batch.length < rolloutsPerUpdate) {
            const next = await source.next();
            if (next.done) throw new Error(`ppoFromActors: the rollouts of run ${run} ended`);
            const dlv = next.value;
            envSteps += dlv.value.rollout.numSteps * dlv.value.rollout.numEnvs;
            const lag = version - dlv.value.version;
            if (lag > maxPolicyLag) {
              dropped++;
              dlv.ack();
              continue;
            }
            batch.push({ message: dlv.value, lag, ack: () => dlv.ack() });
          }
          const joined = concatRollouts(batch.map((b) => b.message.rollout), envSteps);
          const advantaged: AdvantagedRollout = { ...joined, ...gae({ numEnvs: joined.numEnvs, rewards: joined.rewards, values: joined.values, terminated: joined.terminated, truncated: joined.truncated, finalValues: joined.finalValues, lastValues: joined.lastValues, gamma: h.gamma, lambda: h.gaeLambda }) };
          const out = ppoUpdateStep(agent, h, learner, advantaged);
          learner = out.learner;
          version = await kv.put(`${run}.policy`, encodePolicy(actingPolicy(agent, learner.params)));
          for (const b of batch) b.ack();
          const report: RemotePpoMetrics = {
            iteration: learner.iteration, num_iterations: numIterations, env_steps: envSteps, episodes: joined.episodes, ...out.losses,
            sps: envSteps / ((performance.now() - t0) / 1000), params: learner.params, agent,
            policy_lag: Math.max(...batch.map((b) => b.lag)), dropped_rollouts: dropped, actors: batch.map((b) => b.message.actor),
          };
          // Mark the run done before the last report goes out, so the actors stop even if the caller closes the connection at once.
          if (envSteps >= totalTimesteps) {
            await kv.put(`${run}.done`, new TextEncoder().encode("1"));
            finished = true;
          }
          yield report;
        }
      } finally {
        // Stopped early (unsubscribed, or an error): tell the actors too, as far as the connection still allows.
        if (!finished) await kv.put(`${run}.done`, new TextEncoder().encode("1")).catch(() => undefined);
        await source.return?.();
      }
    })(),
  );
};
