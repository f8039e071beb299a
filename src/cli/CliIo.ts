// Where a command writes: results to stdout, progress and messages to stderr (so `--json` output stays machine-readable).
import type { ProgressOutput } from "../index.js";

/** The command's two output streams. */
export interface CliIo {
  /** One line of results (stdout). */
  readonly out: (line: string) => void;
  /** Progress and notes (stderr); `isTTY` decides between a bar and plain lines. */
  readonly err: ProgressOutput;
  /** Text to stdout as it comes, without a newline (streamed generation); commands fall back to `out` when absent. */
  readonly write?: (chunk: string) => void;
}

/** The process's own stdout and stderr. */
export const processIo = (): CliIo => ({ out: (line) => void process.stdout.write(`${line}\n`), err: process.stderr, write: (chunk) => void process.stdout.write(chunk) });
