// `rivulet actor`: one RL actor process — acts with the latest policy a learner published over NATS JetStream and publishes rollouts.
import { parseArgv } from "./argv.js";
import { usage } from "./errors.js";
import { decodeOptions, flagSpec, integer, optional, path, required, toggle, value, withDefault } from "./options.js";
import { helpText } from "./help.js";
import type { CliIo } from "./CliIo.js";

/** `rivulet actor`'s options. */
export const ACTOR_OPTIONS = {
  nats: value(required(path("a NATS server URL"), "the learner's server, e.g. nats://10.0.0.5:4222"), "URL", "the NATS server (JetStream enabled)"),
  run: value(required(path("a run name"), "the learner's run name"), "NAME", "the run to act for (letters, digits, _ and -)"),
  env: value(required(path("an environment"), "e.g. cartpole"), "ENV", "the environment: cartpole, acrobot, mountaincar, pendulum (or a Gymnasium id)"),
  seed: value(withDefault(integer(0), 0), "N", "seeds resets and actions (give each actor its own; default 0)"),
  numEnvs: value(optional(integer(1)), "N", "vectorised copies (default: CleanRL's, 4 for discrete actions)"),
  numSteps: value(optional(integer(1)), "N", "steps per rollout (default: CleanRL's, 128 for discrete actions)"),
  quiet: toggle("no line per published rollout"),
};

/** `rivulet actor --help`. */
export const ACTOR_HELP = helpText(
  "rivulet actor --nats URL --run NAME --env ENV [--seed N]",
  "Acts for a distributed PPO learner (`rivulet rl --actors N`): waits for the run's policy, collects rollouts with the\n" +
    "newest one and publishes them, until the learner finishes the run or this process is stopped. Killing an actor loses\n" +
    "at most the rollout it was collecting.",
  ACTOR_OPTIONS,
  ["Example:", "  rivulet actor --nats nats://127.0.0.1:4222 --run cartpole-1 --env cartpole --seed 3"],
);

/**
 * Runs `rivulet actor` with `args`; resolves when the learner marks the run done, or on SIGINT/SIGTERM.
 * @example
 * await actor(["--nats", "nats://127.0.0.1:4222", "--run", "r1", "--env", "cartpole"], processIo());
 */
export const actor = async (args: readonly string[], io: CliIo): Promise<void> => {
  const parsed = parseArgv("actor", args, flagSpec(ACTOR_OPTIONS));
  if (parsed.help) return io.out(ACTOR_HELP);
  if (parsed.positionals.length > 0) throw usage(`actor ${parsed.positionals[0]}`, "unexpected argument; actor takes options only (see rivulet actor --help)");
  const o = decodeOptions(ACTOR_OPTIONS, parsed);
  if (!/^(nats|tls):\/\/[^\s/]+$/.test(o.nats)) throw usage("--nats", `expected a URL like nats://127.0.0.1:4222, got ${JSON.stringify(o.nats)}`);
  if (!/^[A-Za-z0-9_-]+$/.test(o.run)) throw usage("--run", `must be letters, digits, "_" or "-", got ${JSON.stringify(o.run)}`);
  const { makeEnv } = await import("../rl/envs/makeEnv.js");
  try {
    makeEnv(o.env);
  } catch (e) {
    throw usage("--env", (e as Error).message.replace(/^makeEnv: /, ""));
  }
  const { connectNats, serveActor } = await import("../remote/index.js");
  const nc = await connectNats(o.nats, { name: `rivulet-actor-${process.pid}` });
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await serveActor(nc, {
      run: o.run, env: o.env, seed: o.seed, numEnvs: o.numEnvs, numSteps: o.numSteps, signal: stop.signal, name: `actor-${o.seed}-${process.pid}`,
      onRollout: o.quiet ? undefined : (version, steps) => io.err.write(`actor ${process.pid}: rollout with policy v${version}, ${steps} env steps\n`),
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await nc.close();
  }
};
