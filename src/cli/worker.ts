// `rivulet worker`: serves distributed data preparation — loads and collates the batches trainers ask for over NATS JetStream.
import { parseArgv } from "./argv.js";
import { usage } from "./errors.js";
import { decodeOptions, flagSpec, path, required, toggle, value } from "./options.js";
import { helpText } from "./help.js";
import type { CliIo } from "./CliIo.js";

/** `rivulet worker`'s options. */
export const WORKER_OPTIONS = {
  nats: value(required(path("a NATS server URL"), "the server trainers use, e.g. nats://10.0.0.5:4222"), "URL", "the NATS server (JetStream enabled), e.g. nats://127.0.0.1:4222"),
  quiet: toggle("no line per prepared batch"),
};

/** `rivulet worker --help`. */
export const WORKER_HELP = helpText(
  "rivulet worker --nats URL",
  "Takes data-preparation tasks from the server until stopped (Ctrl-C, SIGTERM): loads the samples each task names with the\n" +
    "dataset recipe the trainer sent (its module must be importable here), collates them and publishes the batches. Start as\n" +
    "many as you like, on any machine that reaches the server; a worker that dies loses nothing (its task is redelivered).",
  WORKER_OPTIONS,
  ["Example:", "  rivulet worker --nats nats://127.0.0.1:4222"],
);

/**
 * Runs `rivulet worker` with `args`; resolves when SIGINT or SIGTERM arrives and the task in hand is done.
 * @example
 * await worker(["--nats", "nats://127.0.0.1:4222"], processIo());
 */
export const worker = async (args: readonly string[], io: CliIo): Promise<void> => {
  const parsed = parseArgv("worker", args, flagSpec(WORKER_OPTIONS));
  if (parsed.help) return io.out(WORKER_HELP);
  if (parsed.positionals.length > 0) throw usage(`worker ${parsed.positionals[0]}`, "unexpected argument; worker takes options only (see rivulet worker --help)");
  const o = decodeOptions(WORKER_OPTIONS, parsed);
  if (!/^(nats|tls):\/\/[^\s/]+$/.test(o.nats)) throw usage("--nats", `expected a URL like nats://127.0.0.1:4222, got ${JSON.stringify(o.nats)}`);
  // The NATS client loads only for this command, so other commands start as fast as before.
  const { connectNats, serveDataPreparation } = await import("../remote/index.js");
  const nc = await connectNats(o.nats, { name: `rivulet-worker-${process.pid}` });
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  io.err.write(`rivulet worker ${process.pid}: serving data preparation from ${o.nats}\n`);
  try {
    await serveDataPreparation(nc, {
      signal: stop.signal,
      onBatch: o.quiet ? undefined : (job, epoch, index) => io.err.write(`prepared ${job} epoch ${epoch} batch ${index}\n`),
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await nc.close();
  }
};
