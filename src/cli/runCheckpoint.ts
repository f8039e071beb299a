// The command's checkpoint: saveCheckpoint's file with the model's state_dict, the training state, and what the command needs to carry on.
import { Effect } from "effect";
import {
  nn, loadSafetensors, saveCheckpoint, unpackCheckpoint, toDevice, cpuDevice, CheckpointError, SafetensorsError, FileSystemError,
  type Safetensors, type Tensor, type TrainState, type LoadedCheckpoint,
} from "../index.js";
import { RunFailure } from "./errors.js";
import type { InputShape } from "./models.js";

/** The settings a run was trained with, so that `--resume` continues that run (the values in effect, defaults resolved). */
export interface RunSettings {
  readonly dataset: string;
  readonly limit: number | null;
  readonly batchSize: number;
  readonly seed: number;
  readonly lr: number;
  readonly optimizer: string;
  readonly weightDecay: number;
  readonly init: string;
  readonly target: string | null;
  readonly data: string;
}

/** What the command stores beside the tensors (safetensors string metadata), so eval, predict and resume need no flags repeated. */
export interface RunInfo {
  readonly model: string;
  readonly dataset: string;
  readonly classes: readonly string[];
  readonly input: InputShape;
  /** Epochs completed. */
  readonly epoch: number;
  readonly logdir?: string;
  readonly settings?: RunSettings;
}

const encodeInfo = (info: RunInfo): Record<string, string> => ({
  model: info.model,
  dataset: info.dataset,
  classes: JSON.stringify(info.classes),
  input: JSON.stringify(info.input),
  epoch: String(info.epoch),
  ...(info.logdir === undefined ? {} : { logdir: info.logdir }),
  ...(info.settings === undefined ? {} : { settings: JSON.stringify(info.settings) }),
});

const SETTING_TYPES: Readonly<Record<keyof RunSettings, "string" | "number" | "string?" | "number?">> = {
  dataset: "string", limit: "number?", batchSize: "number", seed: "number", lr: "number", optimizer: "string", weightDecay: "number", init: "string", target: "string?", data: "string",
};

/** The stored settings when every field has its type, else undefined (an older checkpoint, or an edited one). */
const readSettings = (x: unknown): RunSettings | undefined => {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return undefined;
  const r = x as Record<string, unknown>;
  const ok = Object.entries(SETTING_TYPES).every(([k, t]) => {
    const v = r[k];
    if (t.endsWith("?") && v === null) return true;
    return t.startsWith("number") ? typeof v === "number" && Number.isFinite(v) : typeof v === "string";
  });
  return ok ? (Object.fromEntries(Object.keys(SETTING_TYPES).map((k) => [k, r[k]])) as unknown as RunSettings) : undefined;
};

const parseJson = (text: string | undefined): unknown => {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The command's fields of a checkpoint's metadata, each undefined where absent or malformed (a plain PyTorch state_dict has none). */
export const readRunInfo = (metadata: Readonly<Record<string, string>>): Partial<RunInfo> => {
  const classes = parseJson(metadata.classes);
  const input = parseJson(metadata.input);
  const epoch = Number(metadata.epoch);
  const settings = readSettings(parseJson(metadata.settings));
  return {
    ...(metadata.model === undefined ? {} : { model: metadata.model }),
    ...(metadata.dataset === undefined ? {} : { dataset: metadata.dataset }),
    ...(Array.isArray(classes) && classes.every((c) => typeof c === "string") ? { classes } : {}),
    ...(Array.isArray(input) && (input.length === 1 || input.length === 3) && input.every((n) => Number.isInteger(n) && n > 0) ? { input: input as unknown as InputShape } : {}),
    ...(Number.isInteger(epoch) && epoch >= 0 && metadata.epoch !== undefined ? { epoch } : {}),
    ...(metadata.logdir === undefined ? {} : { logdir: metadata.logdir }),
    ...(settings === undefined ? {} : { settings }),
  };
};

/** A failure reading or writing a checkpoint, as one line. */
const asRunFailure = (path: string, e: unknown): RunFailure => {
  if (e instanceof CheckpointError || e instanceof SafetensorsError || e instanceof FileSystemError)
    return new RunFailure({ message: e.message.includes(path) ? e.message : `${path}: ${e.message}`, cause: e });
  return new RunFailure({ message: `${path}: ${e instanceof Error ? e.message : String(e)}`, cause: e });
};

/**
 * Saves the training state (read back to the CPU first) with the run's info, atomically.
 * @example
 * await saveRun("runs/x/checkpoint.safetensors", model, state, { model: "lenet", dataset: "fashion-mnist", classes, input: [1, 28, 28], epoch: 3 });
 */
export const saveRun = async <S>(path: string, model: nn.Module<Tensor, Tensor>, state: TrainState<nn.Params, S>, info: RunInfo): Promise<void> => {
  const host = await toDevice(state, cpuDevice);
  try {
    await Effect.runPromise(saveCheckpoint(path, host, { model, metadata: encodeInfo(info) }));
  } catch (e) {
    throw asRunFailure(path, e);
  }
};

/**
 * Reads a checkpoint file's tensors and metadata (before a model exists to unpack it into).
 * @example
 * const file = await readRunFile("model.safetensors"); readRunInfo(file.metadata).model;
 */
export const readRunFile = async (path: string): Promise<Safetensors> => {
  try {
    return await Effect.runPromise(loadSafetensors(path));
  } catch (e) {
    throw asRunFailure(path, e);
  }
};

/**
 * Unpacks a checkpoint into `model`'s variables (and the optimizer state shaped like `optState`, when given); a file that
 * does not fit the model fails with one line naming the missing, unexpected and wrongly-shaped entries.
 * @example
 * const { variables } = unpackRun(model, file, "model.safetensors");
 */
export const unpackRun = <S>(model: nn.Module<Tensor, Tensor>, file: Safetensors, path: string, optState?: S): LoadedCheckpoint<TrainState<nn.Params, S>> => {
  try {
    return unpackCheckpoint<TrainState<nn.Params, S>, S>(file, { model, ...(optState === undefined ? {} : { optState }) }, path);
  } catch (e) {
    throw asRunFailure(path, e);
  }
};
