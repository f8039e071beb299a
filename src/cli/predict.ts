// `rivulet predict`: the curriculum's model validation — open image files, preprocess them as the model was trained, print the top classes.
import { readImage, softmax, stack, toDevice, transforms as T, CorruptDataset, FileSystemError, type Image, type Tensor } from "../index.js";
import { isLeft } from "fp-ts/lib/Either.js";
import { parseArgv } from "./argv.js";
import { RunFailure, usage } from "./errors.js";
import { MODEL_NAMES, shapeText } from "./models.js";
import { decodeOptions, existingFile, flagSpec, integer, modelName, oneOf, optional, path, required, toggle, value, withDefault } from "./options.js";
import { openCliDevice } from "./openCliDevice.js";
import { loadInto, readTrained, trainedEntry } from "./loadTrained.js";
import { helpText } from "./help.js";
import type { CliIo } from "./CliIo.js";

/** `rivulet predict`'s options (the image files are positional). */
export const PREDICT_OPTIONS = {
  weights: value(required(existingFile("checkpoint"), "a safetensors checkpoint, e.g. from rivulet train"), "PATH", "the checkpoint (rivulet train's, or a PyTorch state_dict saved as safetensors)"),
  model: value(optional(modelName), "NAME", `the model (default: the one the checkpoint names): ${MODEL_NAMES.join(", ")}`),
  classes: value(optional(path("comma-separated class names")), "A,B,...", "class names (default: the ones stored in the checkpoint, else 0, 1, ...)"),
  top: value(withDefault(integer(1), 3), "K", "how many classes to show per image (default 3)"),
  device: value(withDefault(oneOf("device", ["auto", "cpu", "webgpu"] as const), "auto"), "NAME", "auto (default), cpu or webgpu"),
  json: toggle("print one JSON object per image"),
};

/** `rivulet predict --help`. */
export const PREDICT_HELP = helpText(
  "rivulet predict --weights PATH [--model NAME] <image files…>",
  "Classifies image files (JPEG or PNG) as the curriculum validates a model: Image.open(path).convert('RGB'), Resize to the\n" +
    "model's input size, ToTensor (grey for 1-channel models), then softmax over the logits.",
  PREDICT_OPTIONS,
  [
    "Fashion-MNIST models expect light clothes on a black background, as the dataset's images are.",
    "Example:",
    "  rivulet predict --weights runs/2025-01-31_14-05-09-lenet/checkpoint.safetensors shoe.png shirt.jpg",
  ],
);

/** An image brought to the model's input `[C, H, W]`: resized to exactly H×W (the notes' Resize((32, 32))), grey when C is 1. */
const preprocess = (image: Image, [c, h, w]: readonly [number, number, number]): Tensor => {
  const sized = T.resize([h, w])(image);
  return T.toTensor()(c === 1 ? T.grayscale()(sized) : sized);
};

/**
 * Runs `rivulet predict` with `args`.
 * @example
 * await predict(["--weights", "model.safetensors", "dog.png"], processIo());
 */
export const predict = async (args: readonly string[], io: CliIo): Promise<void> => {
  const parsed = parseArgv("predict", args, flagSpec(PREDICT_OPTIONS));
  if (parsed.help) return io.out(PREDICT_HELP);
  const o = decodeOptions(PREDICT_OPTIONS, parsed);
  if (parsed.positionals.length === 0) throw usage("predict", "needs at least one image file, e.g. rivulet predict --weights model.safetensors dog.png");
  const files = parsed.positionals.map((f) => {
    const r = existingFile("image").decode(f);
    if (isLeft(r)) throw usage("predict", r.left[0]?.message ?? `bad image ${f}`);
    return r.right;
  });
  const trained = await readTrained(o.weights);
  const entry = trainedEntry(trained, o.model);
  const input = trained.info.input ?? entry.input;
  if (input.length !== 3) throw new RunFailure({ message: `${o.weights} holds a model trained on feature vectors ${shapeText(input)}, not images; predict classifies image files` });
  const classes = o.classes?.split(",").map((c) => c.trim()) ?? trained.info.classes;
  const numClasses = classes?.length ?? 10;
  const { model, variables } = loadInto(entry, trained, input, numClasses);

  const images = await Promise.all(files.map(async (f) => {
    try {
      return preprocess(await readImage(f), input);
    } catch (e) {
      if (e instanceof CorruptDataset || e instanceof FileSystemError) throw new RunFailure({ message: `${f}: ${e.message.replace(`${f}: `, "")}`, cause: e });
      throw e;
    }
  }));
  const dev = await openCliDevice(o.device);
  try {
    const onDevice = await toDevice(variables, dev.device);
    const probabilities = softmax(model.forward(onDevice.params, stack(images).to(dev.device), { state: onDevice.state }), 1);
    const p = (await probabilities.data()) as Float32Array;
    const k = Math.min(o.top, numClasses);
    const name = (i: number) => classes?.[i] ?? String(i);
    files.forEach((file, n) => {
      const row = Array.from(p.subarray(n * numClasses, (n + 1) * numClasses));
      const top = row.map((probability, index) => ({ index, probability })).sort((a, b) => b.probability - a.probability || a.index - b.index).slice(0, k);
      if (o.json) io.out(JSON.stringify({ file, predictions: top.map((t) => ({ class: name(t.index), index: t.index, probability: t.probability })) }));
      else {
        io.out(file);
        top.forEach((t, i) => io.out(`  ${i + 1}. ${name(t.index).padEnd(Math.max(...top.map((x) => name(x.index).length)))}  ${(t.probability * 100).toFixed(1).padStart(5)}%`));
      }
    });
  } finally {
    await dev.close();
  }
};
