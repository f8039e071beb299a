// The `rivulet` command: dispatches to a sub-command and turns every failure into one line on stderr and an exit code.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { closest } from "./closest.js";
import { processIo, type CliIo } from "./CliIo.js";

/** A sub-command: its one-line description and how it runs. */
interface Command {
  readonly about: string;
  readonly run: (args: readonly string[], io: CliIo) => Promise<void>;
}

// Each command's module (and with it the library, WebGPU, plotting) is imported only when that command runs, so
// `rivulet --help` and a mistyped command answer at once.
const COMMANDS: Readonly<Record<string, Command>> = {
  train: { about: "train a zoo model on a dataset (no options: the main job, LeNet on Fashion-MNIST)", run: async (a, io) => (await import("./train.js")).train(a, io) },
  eval: { about: "test accuracy and loss of a checkpoint on a dataset's test split", run: async (a, io) => (await import("./eval.js")).evaluate(a, io) },
  predict: { about: "class names and probabilities for image files (the curriculum's model validation)", run: async (a, io) => (await import("./predict.js")).predict(a, io) },
  summary: { about: "a model's layers with output shapes and parameter counts", run: async (a, io) => (await import("./summary.js")).summary(a, io) },
  info: { about: "this machine: CPU, Node.js, and the WebGPU adapter", run: async (a, io) => (await import("./info.js")).info(a, io) },
  tokenizer: { about: "train, encode and decode byte-level BPE tokenizers (GPT-2, tiktoken, tokenizer.json)", run: async (a, io) => (await import("./tokenizer.js")).tokenizer(a, io) },
  generate: { about: "continue a prompt with a GPT checkpoint, streaming the text as tokens arrive", run: async (a, io) => (await import("./generate.js")).generate(a, io) },
  rl: { about: "train a reinforcement-learning agent (PPO on CartPole, Pendulum, ...); `rl eval` plays a saved one", run: async (a, io) => (await import("./rl.js")).rl(a, io) },
  rlhf: { about: "RLHF end to end: pre-train a small GPT, train a reward model on preferences, PPO with a KL penalty, and DPO", run: async (a, io) => (await import("./rlhf.js")).rlhf(a, io) },
  worker: { about: "serve distributed data preparation for trainers over NATS JetStream", run: async (a, io) => (await import("./worker.js")).worker(a, io) },
  actor: { about: "act for a distributed PPO learner over NATS JetStream (rivulet rl --actors N starts these)", run: async (a, io) => (await import("./actor.js")).actor(a, io) },
};

/** `rivulet --help`. */
export const MAIN_HELP = [
  "usage: rivulet <command> [options]",
  "",
  "Machine learning for TypeScript, from the command line.",
  "",
  "commands:",
  ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(11)}${c.about}`),
  "",
  "`rivulet <command> --help` lists a command's options. `npm start` runs `rivulet train` with the main job's defaults.",
].join("\n");

/** One line for any failure: ours carry their message; others (a bug, an unexpected library error) too, with their name. */
const oneLine = (e: unknown): string => {
  const text = e instanceof Error || (typeof e === "object" && e !== null && "message" in e) ? String((e as { message: unknown }).message) : String(e);
  return text.replace(/\s*\n\s*/g, " ").trim();
};

/**
 * Runs the command line `argv` (the words after `rivulet`) and returns the exit code: 0 done, 1 the run failed, 2 bad usage.
 * Nothing is thrown: every failure is one line on stderr, `rivulet: <what>`.
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export const main = async (argv: readonly string[], io: CliIo = processIo()): Promise<number> => {
  const fail = (e: unknown, code: number) => (io.err.write(`rivulet: ${oneLine(e)}\n`), code);
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    io.out(MAIN_HELP);
    return name === undefined ? 2 : 0;
  }
  // Loaded after the help: the error classes bring in Effect, which takes a while to load.
  const { RunFailure, UsageError, usage } = await import("./errors.js");
  try {
    const command = COMMANDS[name];
    if (command === undefined) {
      const hint = closest(name, Object.keys(COMMANDS));
      throw usage(name, `unknown command${hint === undefined ? "" : ` (did you mean "${hint}"?)`}; expected one of: ${Object.keys(COMMANDS).join(", ")}`);
    }
    await command.run(rest, io);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return fail(e, 2);
    if (e instanceof RunFailure) return fail(e, 1);
    // Typed failures of the library (a corrupt dataset, a file error, a lost device) are runtime failures too.
    if (typeof e === "object" && e !== null && "_tag" in e) return fail(e, 1);
    if (process.env.RIVULET_DEBUG) io.err.write(`${(e as Error)?.stack ?? String(e)}\n`);
    return fail(`${e instanceof Error ? `${e.name}: ` : ""}${oneLine(e)}${process.env.RIVULET_DEBUG ? "" : " (set RIVULET_DEBUG=1 for the stack trace)"}`, 1);
  }
};

const invokedDirectly = (): boolean => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
};

if (invokedDirectly()) {
  const code = await main(process.argv.slice(2));
  // Exit once stdout has drained; open handles (a GPU instance, worker threads) must not keep a finished command alive.
  process.stdout.write("", () => process.exit(code));
}
