// A trained model for eval and predict: the checkpoint's file read first, so its metadata can say which model and classes it holds.
import type { Safetensors, Tensor, nn } from "../index.js";
import { usage } from "./errors.js";
import { MODELS, type InputShape, type ModelEntry } from "./models.js";
import { readRunFile, readRunInfo, unpackRun, type RunInfo } from "./runCheckpoint.js";

/** A checkpoint file with what its metadata says (nothing, for a plain PyTorch state_dict). */
export interface TrainedFile {
  readonly path: string;
  readonly file: Safetensors;
  readonly info: Partial<RunInfo>;
}

/** Reads `--weights`. */
export const readTrained = async (path: string): Promise<TrainedFile> => {
  const file = await readRunFile(path);
  return { path, file, info: readRunInfo(file.metadata) };
};

/** The model to use: `--model` when given (it must agree with the checkpoint's), else the checkpoint's own. */
export const trainedEntry = (trained: TrainedFile, model: string | undefined): ModelEntry => {
  const saved = trained.info.model;
  if (model !== undefined && saved !== undefined && saved !== model)
    throw usage("--model", `${trained.path} holds a ${saved} checkpoint, not ${model}; pass --model ${saved} or leave --model out`);
  const name = model ?? saved;
  if (name === undefined) throw usage("--model", `is required: ${trained.path} does not say which model it holds (a plain state_dict)`);
  const entry = MODELS.get(name);
  if (entry === undefined) throw usage("--model", `${trained.path} holds a ${name} checkpoint, which this version of rivulet does not know`);
  return entry;
};

/**
 * Builds the model for `input` and `numClasses` and loads the checkpoint into it (one line naming every entry that does not fit).
 * @example
 * const { model, variables } = loadInto(entry, trained, [1, 28, 28], 10);
 */
export const loadInto = (entry: ModelEntry, trained: TrainedFile, input: InputShape, numClasses: number): { model: nn.Module<Tensor, Tensor>; variables: nn.Variables } => {
  const model = entry.build({ input, numClasses });
  return { model, variables: unpackRun(model, trained.file, trained.path).variables };
};
