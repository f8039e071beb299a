// The tagged error for a dataset file that exists but cannot be decoded (bad magic, truncated data, wrong sizes).
import { Data } from "effect";

/** A dataset file is invalid: the file and the problem (what was found and what was expected). */
export class CorruptDataset extends Data.TaggedError("CorruptDataset")<{
  readonly file: string;
  readonly reason: string;
  readonly message: string;
  readonly cause?: unknown;
}> {}

/** Builds a CorruptDataset whose message is `<file>: <reason>`. */
export const corruptDataset = (file: string, reason: string, cause?: unknown): CorruptDataset =>
  new CorruptDataset({ file, reason, message: `${file}: ${reason}`, cause });
