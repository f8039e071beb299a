// `rivulet eval`: a checkpoint's loss and accuracy on a dataset's test split (d2l's evaluate_accuracy_gpu).
import { loader, toDevice } from "../index.js";
import { parseArgv } from "./argv.js";
import { RunFailure, usage } from "./errors.js";
import { planInput, MODEL_NAMES } from "./models.js";
import { openData, modelInputs } from "./data.js";
import { datasetSpec, decodeOptions, existingFile, flagSpec, integer, modelName, oneOf, optional, path, required, toggle, value, withDefault } from "./options.js";
import { openCliDevice } from "./openCliDevice.js";
import { deviceEvaluation } from "./deviceStep.js";
import { loadInto, readTrained, trainedEntry } from "./loadTrained.js";
import { helpText } from "./help.js";
import type { CliIo } from "./CliIo.js";

/** `rivulet eval`'s options. */
export const EVAL_OPTIONS = {
  weights: value(required(existingFile("checkpoint"), "a safetensors checkpoint, e.g. from rivulet train"), "PATH", "the checkpoint (rivulet train's, or a PyTorch state_dict saved as safetensors)"),
  model: value(optional(modelName), "NAME", `the model (default: the one the checkpoint names): ${MODEL_NAMES.join(", ")}`),
  dataset: value(optional(datasetSpec), "DATASET", "fashion-mnist, mnist, cifar10, image-folder:PATH or csv:PATH (default: the checkpoint's)"),
  batchSize: value(withDefault(integer(1), 256), "N", "samples per batch (default 256)"),
  device: value(withDefault(oneOf("device", ["auto", "cpu", "webgpu"] as const), "auto"), "NAME", "auto (default), cpu or webgpu"),
  data: value(withDefault(path("a folder"), "data"), "PATH", "where datasets are looked for and downloaded to (default data)"),
  download: toggle("download a built-in dataset missing from this machine (on by default)", true),
  target: value(optional(path("a column name")), "COLUMN", "csv: the column holding the class (default: the last column)"),
  limit: value(optional(integer(1)), "N", "evaluate at most N test samples (evenly spaced)"),
  json: toggle("print one JSON object"),
};

/** `rivulet eval --help`. */
export const EVAL_HELP = helpText(
  "rivulet eval --weights PATH [--model NAME] [--dataset DATASET]",
  "Evaluates a checkpoint on the test split: mean cross-entropy and accuracy, in evaluation mode.",
  EVAL_OPTIONS,
  ["Example:", "  rivulet eval --weights runs/2025-01-31_14-05-09-lenet/checkpoint.safetensors"],
);

/**
 * Runs `rivulet eval` with `args`.
 * @example
 * await evaluate(["--weights", "model.safetensors", "--json"], processIo());
 */
export const evaluate = async (args: readonly string[], io: CliIo): Promise<void> => {
  const parsed = parseArgv("eval", args, flagSpec(EVAL_OPTIONS));
  if (parsed.help) return io.out(EVAL_HELP);
  if (parsed.positionals.length > 0) throw usage(`eval ${parsed.positionals[0]}`, "unexpected argument; eval takes options only (see rivulet eval --help)");
  const o = decodeOptions(EVAL_OPTIONS, parsed);
  const trained = await readTrained(o.weights);
  const entry = trainedEntry(trained, o.model);
  const savedSpec = trained.info.dataset === undefined ? undefined : datasetSpec.decode(trained.info.dataset);
  const spec = o.dataset ?? (savedSpec?._tag === "Right" ? savedSpec.right : undefined);
  if (spec === undefined) throw usage("--dataset", `is required: ${o.weights} does not name a dataset that is still there${trained.info.dataset === undefined ? "" : ` (it names ${trained.info.dataset})`}`);
  const data = await openData(spec, { root: o.data, download: o.download, ...(o.limit === undefined ? {} : { limit: o.limit }), ...(o.target === undefined ? {} : { target: o.target }) });
  if (trained.info.classes !== undefined && trained.info.classes.length !== data.classes.length)
    throw new RunFailure({ message: `${o.weights} predicts ${trained.info.classes.length} classes, but ${data.name} has ${data.classes.length}` });
  let plan;
  try {
    plan = planInput(entry, data.shape, data.name);
  } catch (e) {
    throw usage("--model", (e as Error).message);
  }
  const { model, variables } = loadInto(entry, trained, plan.input, data.classes.length);
  const dev = await openCliDevice(o.device);
  try {
    const onDevice = await toDevice(variables, dev.device);
    const testSet = modelInputs(data.test, plan);
    const test = loader(testSet, { batchSize: o.batchSize });
    const r = { ...(await deviceEvaluation(model, test, onDevice)), samples: testSet.length };
    if (o.json) io.out(JSON.stringify({ test_accuracy: r.accuracy, test_loss: r.loss, samples: r.samples, model: entry.name, dataset: data.name, device: dev.kind }));
    else io.out(`${entry.name} on ${data.name} (${r.samples} test samples): test loss ${r.loss.toFixed(4)}, test acc ${r.accuracy.toFixed(3)} on ${dev.label}`);
  } finally {
    await dev.close();
  }
};
