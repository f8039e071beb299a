// `rivulet summary`: a model's layers with each output shape and parameter count (nn.summary, d2l's shape loop).
import { nn } from "../index.js";
import { parseArgv } from "./argv.js";
import { usage } from "./errors.js";
import { MODELS, MODEL_NAMES, planInput, shapeText } from "./models.js";
import { decodeOptions, flagSpec, inputShape, integer, modelName, optional, required, value, withDefault } from "./options.js";
import { helpText } from "./help.js";
import type { CliIo } from "./CliIo.js";

/** `rivulet summary`'s options. */
export const SUMMARY_OPTIONS = {
  model: value(required(modelName, `an nn.zoo model: ${MODEL_NAMES.join(", ")}`), "NAME", `the model: ${MODEL_NAMES.join(", ")}`),
  input: value(optional(inputShape), "C,H,W", "one sample's shape, e.g. 1,28,28 or 3,224,224 or 784 (default: the input the curriculum gives the model)"),
  numClasses: value(withDefault(integer(1), 10), "N", "output classes (default 10)"),
};

/** `rivulet summary --help`. */
export const SUMMARY_HELP = helpText(
  "rivulet summary --model NAME [--input C,H,W]",
  "Prints the model's layers with each call's output shape and parameter count, for a batch of one sample.",
  SUMMARY_OPTIONS,
  ["Example:", "  rivulet summary --model lenet --input 1,28,28"],
);

/**
 * Runs `rivulet summary` with `args`.
 * @example
 * await summary(["--model", "lenet", "--input", "1,28,28"], processIo());
 */
export const summary = async (args: readonly string[], io: CliIo): Promise<void> => {
  const parsed = parseArgv("summary", args, flagSpec(SUMMARY_OPTIONS));
  if (parsed.help) return io.out(SUMMARY_HELP);
  if (parsed.positionals.length > 0) throw usage(`summary ${parsed.positionals[0]}`, "unexpected argument; summary takes options only (see rivulet summary --help)");
  const o = decodeOptions(SUMMARY_OPTIONS, parsed);
  const entry = MODELS.get(o.model)!;
  const shape = o.input ?? entry.input;
  if (shape.length === 2) throw usage("--input", `expected C,H,W (an image) or D (a vector), got ${shape.join(",")}`);
  let input;
  try {
    input = planInput(entry, shape.length === 1 ? { kind: "vector", features: shape[0]! } : { kind: "image", channels: shape[0]!, height: shape[1]!, width: shape[2]! }, `--input ${shape.join(",")}`);
  } catch (e) {
    throw usage("--input", (e as Error).message);
  }
  if (input.resize !== undefined) throw usage("--input", `${o.model} takes ${shapeText(entry.input)} images, got ${shapeText(shape)}; try --input ${input.input.join(",")}`);
  const model = entry.build({ input: input.input, numClasses: o.numClasses });
  io.out(nn.summary(model, [1, ...input.input]));
};
