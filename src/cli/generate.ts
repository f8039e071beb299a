// `rivulet generate --checkpoint FILE --prompt TEXT`: continues a prompt with a GPT checkpoint, streaming the text to stdout as tokens arrive.
import { parseArgv } from "./argv.js";
import { usage } from "./errors.js";
import { decodeOptions, existingFile, flagSpec, integer, number, optional, path, required, value, withDefault } from "./options.js";
import { helpText } from "./help.js";
import type { CliIo } from "./CliIo.js";

/** `rivulet generate`'s options. */
export const GENERATE_OPTIONS = {
  checkpoint: value(required(existingFile("a checkpoint"), "--checkpoint FILE, written by rivulet train --model gpt"), "FILE", "a GPT checkpoint holding model and tokenizer (rivulet train --model gpt writes one)"),
  prompt: value(required(path("the prompt text"), "--prompt TEXT"), "TEXT", "the text to continue"),
  maxTokens: value(withDefault(integer(0), 50), "N", "how many tokens to add at most (default 50; fewer if <|endoftext|> comes)"),
  temperature: value(withDefault(number({ positive: false }), 1), "X", "divides the logits before sampling (default 1); 0 is greedy (always the likeliest token)"),
  topK: value(optional(integer(1)), "N", "sample only among the N likeliest tokens"),
  topP: value(optional(number({ positive: true })), "X", "sample only among the likeliest tokens whose probabilities reach X, in (0, 1] (nucleus sampling)"),
  seed: value(withDefault(integer(0), 0), "N", "the sampling seed: the same seed gives the same text (default 0)"),
};

/** `rivulet generate --help`. */
export const GENERATE_HELP = helpText(
  "rivulet generate --checkpoint FILE --prompt TEXT [--max-tokens N] [--temperature X] [--top-k N] [--top-p X] [--seed N]",
  "Writes the prompt and its continuation to stdout, each piece as soon as its token is sampled (with the KV cache).\n" +
    "A prompt longer than the model's context (n_positions) is cut to its last n_positions tokens, and the text keeps\n" +
    "sliding the same way once it outgrows the context (a note on stderr says so). Generation stops at <|endoftext|>.",
  GENERATE_OPTIONS,
  ["Example:", "  rivulet generate --checkpoint runs/gpt/gpt.safetensors --prompt 'The list' --temperature 0.8 --top-k 40"],
);

/**
 * Runs `rivulet generate` with `args`.
 * @example
 * await generate(["--checkpoint", "gpt.safetensors", "--prompt", "The list", "--max-tokens", "20"], processIo());
 */
export const generate = async (args: readonly string[], io: CliIo): Promise<void> => {
  const parsed = parseArgv("generate", args, flagSpec(GENERATE_OPTIONS));
  if (parsed.help) return io.out(GENERATE_HELP);
  if (parsed.positionals.length > 0) throw usage(`generate ${parsed.positionals[0]}`, "unexpected argument; put the prompt after --prompt (see rivulet generate --help)");
  const o = decodeOptions(GENERATE_OPTIONS, parsed);
  if (o.topP !== undefined && o.topP > 1) throw usage("--top-p", `expected a probability in (0, 1], got ${o.topP}`);
  const [{ lastValueFrom, tap, defaultIfEmpty }, { generate: generateTokens }, { decodeStream }, { loadGptCheckpoint }, { key }] = await Promise.all([
    import("rxjs"), import("../nlp/generate.js"), import("../nlp/decodeStream.js"), import("../nlp/gptCheckpoint.js"), import("../ops/random.js"),
  ]);
  const { lm, tokenizer, config } = await loadGptCheckpoint(o.checkpoint);
  const prompt = tokenizer.encode(o.prompt, { allowedSpecial: "all" });
  if (prompt.length === 0) throw usage("--prompt", "encodes to no tokens; give some text");
  if (prompt.length > config.nPositions)
    io.err.write(`note: the prompt is ${prompt.length} tokens and the model's context ${config.nPositions}: the model reads only its last ${config.nPositions}\n`);
  const eot = tokenizer.tokenToId("<|endoftext|>");
  // Streamed when the output can take pieces; otherwise the text is printed as one line at the end.
  let text = o.prompt;
  const write = io.write;
  write?.(o.prompt);
  await lastValueFrom(
    generateTokens(lm, prompt, {
      maxTokens: o.maxTokens, temperature: o.temperature, topK: o.topK, topP: o.topP, key: key(o.seed), stop: eot === undefined ? [] : [eot],
    }).pipe(
      decodeStream(tokenizer),
      tap((piece) => {
        text += piece;
        write?.(piece);
      }),
      defaultIfEmpty(""),
    ),
  );
  if (write) write("\n");
  else io.out(text);
};
