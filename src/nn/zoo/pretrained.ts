// "Pretrained" weights from a local safetensors file (a PyTorch state_dict): an Effect program, and the Promise form the zoo's `weights` option uses.
import { Effect } from "effect";
import type { Key } from "../../ops/random.js";
import type { SafetensorsError } from "../../io/SafetensorsError.js";
import type { FileSystemError } from "../../io/FileSystemError.js";
import type { Module, Variables } from "../Module.js";
import type { CheckpointError } from "../../io/CheckpointError.js";
import { loadCheckpoint } from "../../streams/checkpoint.js";

/** A model with its loaded variables, and what a non-strict load left out. */
export interface Pretrained<M> {
  readonly model: M;
  readonly variables: Variables;
  /** Entries the file lacked (initialised from `key`); empty in strict mode. */
  readonly missingKeys: readonly string[];
  /** File entries the model has no place for (ignored); empty in strict mode. */
  readonly unexpectedKeys: readonly string[];
}

export interface WeightsOptions {
  /** Path of a safetensors file with PyTorch state_dict names (e.g. converted from torchvision's .pth). */
  readonly weights: string;
  /** Every key must match (default true, PyTorch's load_state_dict); wrong shapes are refused either way. */
  readonly strict?: boolean;
  /** Initialises what a non-strict load finds missing (default key(0)). */
  readonly key?: Key;
}

/**
 * Loads weights for `model` from a safetensors file; fails with a CheckpointError naming every missing, unexpected
 * and wrongly-shaped key (or a SafetensorsError / FileSystemError for an unreadable file).
 * @example
 * const { variables } = await Effect.runPromise(nn.zoo.loadPretrained(nn.zoo.vgg16(), "vgg16.safetensors"));
 */
export const loadPretrained = <M extends Module<never, unknown>>(
  model: M,
  path: string,
  { strict = true, key }: Omit<WeightsOptions, "weights"> = {},
): Effect.Effect<Pretrained<M>, CheckpointError | SafetensorsError | FileSystemError> =>
  Effect.map(loadCheckpoint(path, { model: model as unknown as Module, strict, ...(key ? { key } : {}) }), (c) => ({
    model,
    variables: c.variables,
    missingKeys: c.missingKeys,
    unexpectedKeys: c.unexpectedKeys,
  }));

/** The Promise behind the zoo constructors' `weights` option. */
export const withWeights = <M extends Module<never, unknown>>(model: M, { weights, strict, key }: WeightsOptions): Promise<Pretrained<M>> =>
  Effect.runPromise(loadPretrained(model, weights, { ...(strict !== undefined ? { strict } : {}), ...(key ? { key } : {}) }));
