// The command's two kinds of failure: bad usage (exit 2, the option and what it accepts) and a run that failed (exit 1).
import { Data } from "effect";

/** The command line was wrong: an unknown command or option, a bad value, a missing path. Exits with code 2. */
export class UsageError extends Data.TaggedError("UsageError")<{
  /** The option or argument at fault (`--model`, `predict <images…>`), or the command itself. */
  readonly option: string;
  readonly message: string;
}> {}

/** The command was fine but running it failed: a dataset not found, an unreadable checkpoint, a device. Exits with code 1. */
export class RunFailure extends Data.TaggedError("RunFailure")<{
  readonly message: string;
  readonly cause?: unknown;
}> {}

/** A UsageError whose message names the option first, as every usage line does: `--model: unknown model "x"; ...`. */
export const usage = (option: string, detail: string): UsageError => new UsageError({ option, message: `${option}: ${detail}` });
