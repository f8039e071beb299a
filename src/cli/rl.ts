// `rivulet rl`: trains a reinforcement-learning agent on a built-in environment (PPO, CleanRL's defaults) and `rivulet rl eval` replays a saved one.
import { mkdirSync, readFileSync } from "node:fs";
import { Effect } from "effect";
import { join } from "node:path";
import { lastValueFrom, tap } from "rxjs";
import {
  key, openSummaryWriter, decodeSafetensors, saveCheckpoint, loadCheckpoint, dqn, qNetwork, mlpForward, denseLayers, nn, type DqnMetrics, ppo, ppoDefaults, ppoEnvs, makeEnv, actorCritic, actingPolicy, act, saveAgent, loadAgent, recordEpisodeStatistics,
  clipAction, normalizeObservation, foldIn, ENV_IDS, type Env, type Action, type Key, type PpoMetrics, type SummaryWriter, type RunningMeanStd,
} from "../index.js";
import { parseArgv } from "./argv.js";
import { RunFailure, usage } from "./errors.js";
import { decodeOptions, existingFile, flagSpec, integer, oneOf, optional, path, toggle, value, withDefault, type Decoded } from "./options.js";
import { helpText } from "./help.js";
import type { CliIo } from "./CliIo.js";

const ENV_NAMES = ["cartpole", "acrobot", "mountaincar", "pendulum"] as const;

/** `rivulet rl`'s options. */
export const RL_OPTIONS = {
  env: value(withDefault(oneOf("environment", ENV_NAMES), "cartpole"), "NAME", `cartpole (default, CartPole-v1), acrobot, mountaincar or pendulum (Pendulum-v1, continuous)`),
  algo: value(withDefault(oneOf("algorithm", ["ppo", "dqn"] as const), "ppo"), "NAME", "ppo (default; CleanRL's ppo.py, or ppo_continuous_action.py for pendulum) or dqn (CleanRL's dqn.py; discrete actions)"),
  seed: value(withDefault(integer(0), 1), "N", "seed of the initialisation, the environments and the actions (default 1)"),
  totalTimesteps: value(optional(integer(1)), "N", "environment steps in all (default CleanRL's: 500000; 1000000 for pendulum)"),
  numEnvs: value(optional(integer(1)), "N", "environment copies stepped together (default 4; 1 for pendulum)"),
  logdir: value(optional(path("a folder")), "DIR", "the run's folder: TensorBoard logs and the checkpoint (default runs/<env>__ppo__<seed>)"),
  json: toggle("print one JSON summary on stdout at the end (mean_return over the last 20 episodes, episodes, env_steps)"),
  actors: value(optional(integer(1)), "N", "PPO with N actor processes feeding this learner over NATS JetStream, one rollout each per update (--num-envs is then per actor, default 1; see docs/distributed.md)"),
  nats: value(optional(path("a NATS server URL")), "URL", "the server for --actors, e.g. nats://10.0.0.5:4222 (default: a local nats-server on loopback, stopped after)"),
};

/** `rivulet rl eval`'s options. */
export const RL_EVAL_OPTIONS = {
  checkpoint: value(optional(existingFile("checkpoint")), "PATH", "an agent saved by `rivulet rl` (required)"),
  episodes: value(withDefault(integer(1), 10), "N", "episodes to play (default 10)"),
  seed: value(withDefault(integer(0), 0), "N", "seed of the environment's resets (default 0)"),
  sample: toggle("sample actions from the policy instead of taking the most likely one"),
  json: toggle("print one JSON object with the returns on stdout"),
};

/** `rivulet rl --help`. */
export const RL_HELP = helpText(
  "rivulet rl [options] | rivulet rl eval --checkpoint PATH [options]",
  "Trains an agent with PPO on a Gymnasium classic-control task (CleanRL's hyperparameters), logging episodic returns, losses, entropy,\n" +
    "approximate KL, clip fraction, explained variance and steps per second to TensorBoard, and saving the agent. `rl eval` plays a saved agent.",
  RL_OPTIONS,
  [`environments: ${ENV_IDS.join(", ")}`],
);

export const RL_EVAL_HELP = helpText("rivulet rl eval --checkpoint PATH [options]", "Plays episodes with a saved agent and prints their returns.", RL_EVAL_OPTIONS);

const mean = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
const statsToMeta = (s: RunningMeanStd | undefined): Record<string, string> =>
  s ? { "rl.obs_mean": JSON.stringify(Array.from(s.mean)), "rl.obs_var": JSON.stringify(Array.from(s.var)), "rl.obs_count": String(s.count) } : {};

/**
 * Queues one update's scalars with CleanRL's tags (snake_case), at the global environment step. The writer keeps the
 * order of calls, so nothing is awaited here: a training loop that runs in large synchronous chunks would otherwise
 * lend the writer one event-loop turn per record. `pending` is awaited before the writer closes.
 */
const logPpo = (w: SummaryWriter, m: PpoMetrics, pending: Promise<void>[]): void => {
  const add = (tag: string, v: number) => pending.push(w.addScalar(tag, v, m.env_steps));
  for (const e of m.episodes) {
    add("charts/episodic_return", e.return);
    add("charts/episodic_length", e.length);
  }
  add("charts/learning_rate", m.learning_rate);
  for (const k of ["value_loss", "policy_loss", "entropy", "old_approx_kl", "approx_kl", "clip_fraction", "explained_variance"] as const)
    if (Number.isFinite(m[k])) add(`losses/${k}`, m[k]);
  add("charts/sps", m.sps);
};

/** Waits for the queued scalars, closes the writer, then reports the first scalar that failed to be written. */
const closeWriter = async (writer: SummaryWriter, pending: readonly Promise<void>[]): Promise<void> => {
  const settled = await Promise.allSettled(pending);
  await writer.close();
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
};

/** `rivulet rl --algo dqn`: CleanRL's dqn.py on one environment copy. */
const trainDqn = async (o: Decoded<typeof RL_OPTIONS>, io: CliIo): Promise<void> => {
  const env = recordEpisodeStatistics(makeEnv(o.env));
  if (env.actionSpace.kind !== "discrete") throw usage("--algo", `dqn needs discrete actions; ${env.id} has continuous ones (use --algo ppo)`);
  if (o.numEnvs !== undefined && o.numEnvs !== 1) throw usage("--num-envs", "dqn steps one environment copy");
  const totalTimesteps = o.totalTimesteps ?? 500_000;
  const logdir = o.logdir ?? join("runs", `${env.id}__dqn__${o.seed}`);
  mkdirSync(logdir, { recursive: true });
  const checkpoint = join(logdir, "agent.safetensors");
  const writer = await openSummaryWriter(logdir);
  const pending: Promise<void>[] = [];
  const returns: number[] = [];
  let last: DqnMetrics | undefined;
  const t0 = performance.now();
  const logEvery = Math.max(1, Math.min(10_000, Math.floor(totalTimesteps / 10)));
  try {
    await lastValueFrom(dqn({ env: env as Env<Float32Array, number>, key: key(o.seed), totalTimesteps, logEvery, ...(totalTimesteps < 50_000 ? { learningStarts: Math.floor(totalTimesteps / 5) } : {}) }).pipe(
      tap((m) => {
        last = m;
        const add = (tag: string, v: number) => pending.push(writer.addScalar(tag, v, m.env_steps));
        for (const e of m.episodes) {
          returns.push(e.return);
          add("charts/episodic_return", e.return);
          add("charts/episodic_length", e.length);
        }
        if (Number.isFinite(m.td_loss)) {
          add("losses/td_loss", m.td_loss);
          add("losses/q_values", m.q_values);
        }
        add("charts/epsilon", m.epsilon);
        add("charts/sps", m.sps);
        io.err.write(`${env.id} dqn  steps ${m.env_steps}/${totalTimesteps}  return(last 20) ${mean(returns.slice(-20)).toFixed(1)}  epsilon ${m.epsilon.toFixed(3)}  sps ${m.sps.toFixed(0)}\n`);
      }),
    ));
  } finally {
    await closeWriter(writer, pending);
  }
  if (!last) throw new RunFailure({ message: "rl: the run made no step" });
  await Effect.runPromise(saveCheckpoint(checkpoint, { params: last.params }, { model: last.qNetwork, metadata: { "rl.env": env.id, "rl.algo": "dqn", "rl.seed": String(o.seed), "rl.env_steps": String(last.env_steps) } }));
  const wall = (performance.now() - t0) / 1000;
  const summary = { env: env.id, algo: "dqn", seed: o.seed, mean_return: mean(returns.slice(-20)), episodes: returns.length, env_steps: last.env_steps, wall_s: Math.round(wall * 10) / 10, sps: Math.round(last.env_steps / wall), logdir, checkpoint };
  if (o.json) io.out(JSON.stringify(summary));
  else io.out(`${env.id}: mean return ${summary.mean_return.toFixed(1)} over the last 20 of ${summary.episodes} episodes, ${summary.env_steps} steps in ${summary.wall_s} s (${summary.sps} steps/s); saved ${checkpoint}`);
};

const train = async (o: Decoded<typeof RL_OPTIONS>, io: CliIo): Promise<void> => {
  if (o.nats !== undefined && o.actors === undefined) throw usage("--nats", "names the server for --actors; give --actors N too");
  if (o.nats !== undefined && !/^(nats|tls):\/\/[^\s/]+$/.test(o.nats)) throw usage("--nats", `expected a URL like nats://127.0.0.1:4222, got ${JSON.stringify(o.nats)}`);
  if (o.algo === "dqn") {
    if (o.actors !== undefined) throw usage("--actors", "distributed acting runs PPO; --algo dqn runs in one process");
    return trainDqn(o, io);
  }
  const id = makeEnv(o.env).id;
  const continuous = o.env === "pendulum";
  const d = ppoDefaults(continuous);
  const numEnvs = o.numEnvs ?? d.numEnvs;
  const totalTimesteps = o.totalTimesteps ?? d.totalTimesteps;
  if (totalTimesteps < numEnvs * d.numSteps) throw usage("--total-timesteps", `${totalTimesteps} is less than one rollout (${d.numSteps} steps × ${numEnvs} envs = ${d.numSteps * numEnvs})`);
  const logdir = o.logdir ?? join("runs", `${id}__ppo__${o.seed}`);
  mkdirSync(logdir, { recursive: true });
  const checkpoint = join(logdir, "agent.safetensors");
  const { envs, observationStatistics } = ppoEnvs(id, { numEnvs, gamma: d.gamma });
  const writer = await openSummaryWriter(logdir);
  const pending: Promise<void>[] = [];
  const returns: number[] = [];
  let last: PpoMetrics | undefined;
  const t0 = performance.now();
  try {
    const report = tap((m: PpoMetrics) => {
      last = m;
      returns.push(...m.episodes.map((e) => e.return));
      logPpo(writer, m, pending);
      const every = Math.max(1, Math.round(m.num_iterations / 50));
      if (m.iteration % every === 0 || m.iteration === m.num_iterations)
        io.err.write(`${id} ppo  update ${m.iteration}/${m.num_iterations}  steps ${m.env_steps}  return(last 20) ${mean(returns.slice(-20)).toFixed(1)}  sps ${m.sps.toFixed(0)}\n`);
    });
    if (o.actors === undefined) await lastValueFrom(ppo({ envs, key: key(o.seed), totalTimesteps }).pipe(report));
    else {
      // The same learner, fed by actor processes over NATS JetStream instead of environments stepped here.
      const [{ withActors }, { ppoFromActors }] = await Promise.all([import("./_rlActors.js"), import("../remote/index.js")]);
      // --num-envs is per actor here (default 1): 4 actors × 1 env × 128 steps make CleanRL's 512-step batch per update.
      const perActor = o.numEnvs ?? 1;
      await withActors({ env: o.env, seed: o.seed, actors: o.actors, nats: o.nats, numEnvs: perActor, numSteps: d.numSteps, totalTimesteps }, io, (nc, run) =>
        lastValueFrom(ppoFromActors(nc, { run, env: o.env, key: key(o.seed), totalTimesteps, rolloutSize: perActor * d.numSteps, rolloutsPerUpdate: o.actors! }).pipe(report)));
    }
  } finally {
    await closeWriter(writer, pending);
  }
  if (!last) throw new RunFailure({ message: "rl: the run made no update" });
  await saveAgent(checkpoint, last.agent, last.params, { "rl.env": id, "rl.algo": "ppo", "rl.seed": String(o.seed), "rl.env_steps": String(last.env_steps), ...statsToMeta(observationStatistics()) });
  const wall = (performance.now() - t0) / 1000;
  const summary = {
    env: id, algo: "ppo", seed: o.seed, mean_return: mean(returns.slice(-20)), episodes: returns.length, env_steps: last.env_steps,
    wall_s: Math.round(wall * 10) / 10, sps: Math.round(last.env_steps / wall), logdir, checkpoint,
  };
  if (o.json) io.out(JSON.stringify(summary));
  else io.out(`${id}: mean return ${summary.mean_return.toFixed(1)} over the last 20 of ${summary.episodes} episodes, ${summary.env_steps} steps in ${summary.wall_s} s (${summary.sps} steps/s); saved ${checkpoint}`);
};

const evaluate = async (o: Decoded<typeof RL_EVAL_OPTIONS>, io: CliIo): Promise<void> => {
  if (o.checkpoint === undefined) throw usage("--checkpoint", "rl eval needs the agent to play (a file written by `rivulet rl`)");
  // The environment is named in the checkpoint; build the agent for its spaces, then load the weights into it.
  const probe = loadAgentMetadata(o.checkpoint);
  const id = probe["rl.env"];
  if (id === undefined) throw new RunFailure({ message: `rl eval: ${o.checkpoint} has no "rl.env" metadata; was it written by \`rivulet rl\`?` });
  let env: Env<Float32Array, Action> = recordEpisodeStatistics(makeEnv(id));
  if (probe["rl.algo"] === "dqn") return evaluateDqn(o, io, env, id);
  const hidden = (probe["rl.hidden"] ?? "64,64").split(",").map(Number);
  const agent = actorCritic({ observationSpace: env.observationSpace, actionSpace: env.actionSpace, hidden });
  const { params, metadata } = await loadAgent(o.checkpoint, agent);
  if (env.actionSpace.kind === "box") {
    const stats = metadata["rl.obs_mean"] ? { mean: Float64Array.from(JSON.parse(metadata["rl.obs_mean"])), var: Float64Array.from(JSON.parse(metadata["rl.obs_var"]!)), count: Number(metadata["rl.obs_count"]) } : undefined;
    env = normalizeObservation(clipAction(env as Env<Float32Array, Float32Array | readonly number[]>), { clip: 10, statistics: stats, update: false }) as Env<Float32Array, Action>;
  }
  const policy = actingPolicy(agent, params);
  playEpisodes(o, io, env, id, (obs, k, t) => act(policy, obs, foldIn(k, t + 1), { greedy: !o.sample }).actions[0]! as Action);
};

/**
 * Plays `o.episodes` episodes of `env` (episode e reset with foldIn(key(seed), e)), choosing each action with `choose`
 * (given the observation, the episode's key and the step), and prints each return and their mean (or one JSON object).
 */
const playEpisodes = (o: Decoded<typeof RL_EVAL_OPTIONS>, io: CliIo, env: Env<Float32Array, Action>, id: string, choose: (obs: Float32Array, k: Key, t: number) => Action): void => {
  const returns: number[] = [];
  for (let ep = 0; ep < o.episodes; ep++) {
    const k = foldIn(key(o.seed), ep);
    let obs = env.reset(k);
    for (let t = 0; ; t++) {
      const r = env.step(choose(obs, k, t));
      obs = r.observation;
      if (r.info.episode) {
        returns.push(r.info.episode.return);
        if (!o.json) io.out(`episode ${ep + 1}: return ${r.info.episode.return.toFixed(1)}, length ${r.info.episode.length}`);
        break;
      }
    }
  }
  if (o.json) io.out(JSON.stringify({ env: id, checkpoint: o.checkpoint, episodes: returns.length, mean_return: mean(returns), returns }));
  else io.out(`${id}: mean return ${mean(returns).toFixed(1)} over ${returns.length} episodes`);
};

/** `rl eval` of a DQN agent: the greedy action of the saved Q-network. */
const evaluateDqn = async (o: Decoded<typeof RL_EVAL_OPTIONS>, io: CliIo, env: Env<Float32Array, Action>, id: string): Promise<void> => {
  if (env.actionSpace.kind !== "discrete" || env.observationSpace.kind !== "box") throw new RunFailure({ message: `rl eval: ${id} is not a DQN environment` });
  const net = qNetwork(env.observationSpace.low.length, env.actionSpace.n);
  const layers = denseLayers((await Effect.runPromise(loadCheckpoint(o.checkpoint!, { model: net }))).variables.params);
  playEpisodes(o, io, env, id, (obs) => {
    const q = mlpForward(layers, obs, 1, "relu");
    return q.indexOf(Math.max(...q));
  });
};

/** The checkpoint's metadata, read before the agent is built (its spaces depend on the environment named there). */
const loadAgentMetadata = (file: string): Readonly<Record<string, string>> => decodeSafetensors(readFileSync(file), { source: file }).metadata;

/**
 * Runs `rivulet rl` (or `rivulet rl eval`) with `args`.
 * @example
 * await rl(["--env", "cartpole", "--seed", "1", "--json"], processIo());
 */
export const rl = async (args: readonly string[], io: CliIo): Promise<void> => {
  if (args[0] === "eval") {
    const parsed = parseArgv("rl eval", args.slice(1), flagSpec(RL_EVAL_OPTIONS));
    if (parsed.help) return io.out(RL_EVAL_HELP);
    if (parsed.positionals.length > 0) throw usage(`rl eval ${parsed.positionals[0]}`, "unexpected argument; rl eval takes options only");
    return evaluate(decodeOptions(RL_EVAL_OPTIONS, parsed), io);
  }
  const parsed = parseArgv("rl", args, flagSpec(RL_OPTIONS));
  if (parsed.help) return io.out(RL_HELP);
  if (parsed.positionals.length > 0) throw usage(`rl ${parsed.positionals[0]}`, "unexpected argument; rl takes options, or `eval` first");
  return train(decodeOptions(RL_OPTIONS, parsed), io);
};
