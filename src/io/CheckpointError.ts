// The one error of checkpoints: a file that does not fit the model, a malformed header, a state that cannot be saved.
import { Data } from "effect";
import type { Shape } from "../ops/_shape.js";

/** A state_dict entry whose shape differs from the model's (or the optimizer state's). */
export interface WrongShape {
  readonly name: string;
  readonly fileShape: Shape;
  readonly modelShape: Shape;
}

/**
 * A checkpoint cannot be saved or loaded: `message` names the file and what is wrong (the header field, the tensor);
 * for a file that does not fit a model, every missing, unexpected and wrongly-shaped entry is listed.
 */
export class CheckpointError extends Data.TaggedError("CheckpointError")<{
  readonly file: string;
  readonly message: string;
  readonly missingKeys: readonly string[];
  readonly unexpectedKeys: readonly string[];
  readonly wrongShapes: readonly WrongShape[];
  readonly cause?: unknown;
}> {}

/**
 * A CheckpointError with empty key lists unless given.
 * @example
 * throw checkpointError("ckpt.safetensors", "ckpt.safetensors: no header");
 */
export const checkpointError = (
  file: string,
  message: string,
  fields: Partial<Pick<CheckpointError, "missingKeys" | "unexpectedKeys" | "wrongShapes" | "cause">> = {},
): CheckpointError => new CheckpointError({ file, message, missingKeys: [], unexpectedKeys: [], wrongShapes: [], ...fields });
