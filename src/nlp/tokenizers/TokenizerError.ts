// The tagged error for tokenizer files and inputs that cannot be used (malformed JSON, a bad merges line, an unknown token, an id out of range).
import { Data } from "effect";

/** A tokenizer file or input is invalid; `message` names the file, the field or line, and what was expected. */
export class TokenizerError extends Data.TaggedError("TokenizerError")<{
  readonly message: string;
  readonly file?: string;
}> {}
