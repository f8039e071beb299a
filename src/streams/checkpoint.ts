// Checkpoints: a training state (or just a model's weights) in one safetensors file, written atomically — the one module every save and load goes through.
import { Effect } from "effect";
import { Tensor } from "../ops/Tensor.js";
import { sameShape, shapeStr } from "../ops/_shape.js";
import type { Key } from "../ops/random.js";
import { treeLeavesWithPaths } from "../graph/pytree.js";
import { loadSafetensors, saveSafetensors } from "../io/safetensorsFile.js";
import type { SafetensorsError } from "../io/SafetensorsError.js";
import type { FileSystemError } from "../io/FileSystemError.js";
import type { SafetensorsMetadata } from "../io/encodeSafetensors.js";
import { CheckpointError, checkpointError, type WrongShape } from "../io/CheckpointError.js";
import { decodeTree, encodeTree } from "../io/treeCodec.js";
import type { Module, Variables } from "../nn/Module.js";
import { stateDict } from "../nn/stateDict.js";
import { listed, variablesFromStateDict } from "../nn/variablesFromStateDict.js";
import type { Position } from "./loader.js";

/** The metadata field holding the checkpoint's header (its JSON skeleton). */
export const CHECKPOINT_KEY = "rivulet.checkpoint";

/**
 * What a checkpoint holds: a training state. `params` is required; a TrainState has every other field, a model's weights
 * alone need only `params` (and `modelState` for buffers). Any other field (a plain record, array, number, string,
 * boolean or tensor) is saved and restored too.
 */
export interface CheckpointState {
  readonly params: unknown;
  /** Buffers (BatchNorm running statistics); saved with the params under their state_dict names when a model is given. */
  readonly modelState?: unknown;
  readonly optState?: unknown;
  readonly step?: number;
  readonly rng?: Key;
  readonly position?: Position;
}

/** A checkpoint as safetensors contents: tensors by name and the metadata map. */
export interface PackedCheckpoint {
  readonly tensors: Readonly<Record<string, Tensor>>;
  readonly metadata: SafetensorsMetadata;
}

export interface SaveCheckpointOptions {
  /**
   * Save `params` and `modelState` as this model's state_dict, under PyTorch's names: a file whose other fields are
   * only counters is then one PyTorch loads with `model.load_state_dict(safetensors.torch.load_file(path))`.
   */
  // `any` lets a model of any input and output type be given; only its structure is read.
  readonly model?: Module<any, any>;
  /** Extra string fields for the safetensors metadata (`format` and `rivulet.*` are reserved). */
  readonly metadata?: SafetensorsMetadata;
}

export interface LoadCheckpointOptions<S = unknown> {
  /** Read the params and buffers as this model's state_dict (a file saved with `{ model }`, or any PyTorch state_dict). */
  readonly model?: Module<any, any>;
  /** With a model: require every entry present and no unknown ones (default true); wrong shapes are refused either way, as in PyTorch. */
  readonly strict?: boolean;
  /** With a model: initialises entries missing from a non-strict load (default key(0)). */
  readonly key?: Key;
  /** The optimizer state to expect (e.g. `opt.init(params)`): the file's must have the same tensor paths and shapes. */
  readonly optState?: S;
}

/** A loaded checkpoint: the state as it was saved, the file's own metadata, and what a non-strict load left out. */
export interface LoadedCheckpoint<T extends CheckpointState = CheckpointState> {
  /** The saved state (arrays and records frozen); `modelState` is `{}` for a model without buffers. */
  readonly state: T;
  /** `{ params: state.params, state: state.modelState }`, what `model.apply` takes. */
  readonly variables: Variables;
  /** The file's metadata without the fields rivulet reserves. */
  readonly metadata: SafetensorsMetadata;
  /** Model entries the file lacked (non-strict loads only; they were initialised from `key`). */
  readonly missingKeys: readonly string[];
  /** File entries the model has no place for (non-strict loads only; ignored). */
  readonly unexpectedKeys: readonly string[];
}

interface Header {
  readonly format: typeof CHECKPOINT_KEY;
  readonly version: 1;
  /** True when params and modelState are the model's state_dict tensors (not in the skeleton). */
  readonly stateDict?: true;
  readonly state: unknown;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor);

/**
 * The safetensors contents of a checkpoint: every tensor under its dotted path (`params.fc.weight`, `optState.m.fc.weight`)
 * — or, with `{ model }`, params and buffers under PyTorch's state_dict names — and the rest (step, position, RNG key,
 * optimizer counters, the structure) as JSON in the metadata field `rivulet.checkpoint`. Tensors are stored bit for bit.
 * @example
 * const { tensors, metadata } = packCheckpoint(state, { model });
 */
export const packCheckpoint = (state: CheckpointState, { model, metadata = {} }: SaveCheckpointOptions = {}, file = "<checkpoint>"): PackedCheckpoint => {
  if (!isRecord(state) || !("params" in state)) throw checkpointError(file, `saveCheckpoint: ${file}: expected a state with params ({ params, optState?, step?, ... }), got ${state === null ? "null" : typeof state}`);
  for (const k of Object.keys(metadata))
    if (k === "format" || k.startsWith("rivulet.")) throw checkpointError(file, `saveCheckpoint: ${file}: metadata field "${k}" is reserved (format, rivulet.*)`);
  if (state.step !== undefined && !(Number.isSafeInteger(state.step) && state.step >= 0))
    throw checkpointError(file, `saveCheckpoint: ${file}: step must be a non-negative integer, got ${state.step}`);
  const modelTensors = model === undefined ? {} : stateDict(model, { params: state.params as Variables["params"], state: (state.modelState ?? {}) as Variables["state"] });
  // With a model, params and buffers are the state_dict tensors above; the skeleton holds the rest.
  const tree = model === undefined ? state : Object.fromEntries(Object.entries(state).filter(([k]) => k !== "params" && k !== "modelState"));
  const encoded = encodeTree(tree, { taken: new Set(Object.keys(modelTensors)), file });
  const header: Header = { format: CHECKPOINT_KEY, version: 1, ...(model === undefined ? {} : { stateDict: true as const }), state: encoded.skeleton };
  return { tensors: { ...modelTensors, ...encoded.tensors }, metadata: { ...metadata, format: "pt", [CHECKPOINT_KEY]: JSON.stringify(header) } };
};

const checkAgainstTemplate = (file: string, loaded: unknown, template: unknown): void => {
  const got = treeLeavesWithPaths(loaded);
  const want = treeLeavesWithPaths(template);
  const g = new Map(got.map((l) => [l.path, l.tensor]));
  const w = new Map(want.map((l) => [l.path, l.tensor]));
  const name = (p: string) => (p ? `optState.${p}` : "optState");
  const missing = want.filter((l) => !g.has(l.path)).map((l) => name(l.path));
  const extra = got.filter((l) => !w.has(l.path)).map((l) => name(l.path));
  const wrongShapes: WrongShape[] = want
    .filter((l) => g.has(l.path) && !sameShape(g.get(l.path)!.shape, l.tensor.shape))
    .map((l) => ({ name: name(l.path), fileShape: g.get(l.path)!.shape, modelShape: l.tensor.shape }));
  if (missing.length || extra.length || wrongShapes.length) {
    const parts = [
      ...(missing.length ? [`missing ${listed(missing)}`] : []),
      ...(extra.length ? [`unexpected ${listed(extra)}`] : []),
      ...wrongShapes.map((s) => `"${s.name}" is ${shapeStr(s.fileShape)} in the file, ${shapeStr(s.modelShape)} in the given optState`),
    ];
    throw checkpointError(file, `loadCheckpoint: ${file}: the optimizer state does not match the given optState: ${parts.join("; ")}`, { missingKeys: missing, unexpectedKeys: extra, wrongShapes });
  }
};

const isCount = (n: unknown): boolean => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
const isWord = (n: unknown): boolean => typeof n === "number" && Number.isInteger(n) && n >= 0 && n < 2 ** 32;

/** The header of the file's metadata, or undefined when it has none (a plain state_dict). */
const readHeader = (file: string, metadata: SafetensorsMetadata): Header | undefined => {
  const text = metadata[CHECKPOINT_KEY];
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw checkpointError(file, `loadCheckpoint: ${file}: metadata "${CHECKPOINT_KEY}" is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const bad = (what: string): never => {
    throw checkpointError(file, `loadCheckpoint: ${file}: metadata "${CHECKPOINT_KEY}": ${what}`);
  };
  if (!isRecord(json)) return bad(`expected a header { format, version, state }, got ${typeof json}`);
  if (json.format !== CHECKPOINT_KEY) return bad(`field format: expected "${CHECKPOINT_KEY}", got ${JSON.stringify(json.format) ?? "nothing"}`);
  if (json.version !== 1) return bad(`field version: expected 1, got ${JSON.stringify(json.version) ?? "nothing"}`);
  if (json.stateDict !== undefined && json.stateDict !== true) return bad(`field stateDict: expected true or nothing, got ${JSON.stringify(json.stateDict)}`);
  if (!("state" in json)) return bad("field state: missing");
  return json as unknown as Header;
};

/** The counters a state carries are checked where present: a resumed run must not start from a wrong step or key. */
const checkCounters = (file: string, state: Record<string, unknown>): void => {
  const bad = (field: string, expected: string, got: unknown): never => {
    throw checkpointError(file, `loadCheckpoint: ${file}: field state.${field}: expected ${expected}, got ${JSON.stringify(got) ?? String(got)}`);
  };
  if ("step" in state && !isCount(state.step)) bad("step", "a non-negative integer", state.step);
  if ("position" in state) {
    const p = state.position;
    if (!isRecord(p) || !isCount(p.epoch) || !isCount(p.batch)) bad("position", "{ epoch, batch } (non-negative integers)", p);
  }
  if ("rng" in state) {
    const r = state.rng;
    const words = isRecord(r) ? r.words : undefined;
    if (!Array.isArray(words) || words.length !== 2 || !words.every(isWord)) bad("rng", "a key { words: [two unsigned 32-bit integers] }", r);
  }
};

/**
 * The state `packCheckpoint` saved, rebuilt from safetensors contents. With `{ model }` the params and buffers are the
 * model's state_dict (any PyTorch state_dict file works), every name and shape checked. Every header field and tensor
 * reference is checked; a file that does not fit is a CheckpointError naming the field or every offending entry.
 * @example
 * const { state } = unpackCheckpoint(decodeSafetensors(bytes), { model, optState: opt.init(params) });
 */
export const unpackCheckpoint = <T extends CheckpointState = CheckpointState, S = unknown>(
  packed: PackedCheckpoint,
  { model, strict = true, key, optState: template }: LoadCheckpointOptions<S> = {},
  file = "<checkpoint>",
): LoadedCheckpoint<T> => {
  const { tensors, metadata } = packed;
  const header = readHeader(file, metadata);
  // Files of the former nn.writeCheckpoint kept optimizer tensors under "optimizer." and counters in these fields.
  if (header === undefined && (metadata["rivulet.optimizer"] !== undefined || metadata["rivulet.step"] !== undefined))
    throw checkpointError(file, `loadCheckpoint: ${file}: was written by an earlier rivulet (fields "rivulet.optimizer"/"rivulet.step", no "${CHECKPOINT_KEY}"); ` +
      `its model weights load with loadFile and nn.loadStateDict (the entries not starting with "optimizer."), its optimizer state does not`);
  if (header === undefined && model === undefined)
    throw checkpointError(file, `loadCheckpoint: ${file}: no "${CHECKPOINT_KEY}" entry in the safetensors metadata (a plain state_dict? pass { model } to load it into a model)`);
  if (header?.stateDict === true && model === undefined)
    throw checkpointError(file, `loadCheckpoint: ${file}: holds a model's state_dict (saved with { model }); pass { model } to load it`);
  if (header !== undefined && header.stateDict !== true && model !== undefined)
    throw checkpointError(file, `loadCheckpoint: ${file}: was saved without a model (params by their paths, not a state_dict); load it without { model }`);
  const used = new Set<string>();
  const saved = header === undefined ? {} : decodeTree(header.state, tensors, { file, root: "state", used });
  if (!isRecord(saved)) throw checkpointError(file, `loadCheckpoint: ${file}: field state: expected a record of the state's fields, got ${JSON.stringify(header?.state)?.slice(0, 60)}`);
  checkCounters(file, saved);
  let state: Record<string, unknown>;
  let missingKeys: readonly string[] = [];
  let unexpectedKeys: readonly string[] = [];
  if (model !== undefined) {
    const modelPart: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(tensors)) if (!used.has(k)) modelPart[k] = t;
    const fitted = variablesFromStateDict(model, modelPart, { strict, file, ...(key === undefined ? {} : { key }) });
    ({ missingKeys, unexpectedKeys } = fitted);
    state = { ...saved, params: fitted.variables.params, modelState: fitted.variables.state };
  } else {
    const stray = Object.keys(tensors).filter((k) => !used.has(k));
    if (stray.length > 0) throw checkpointError(file, `loadCheckpoint: ${file}: the file holds tensors the header does not mention: ${listed(stray.slice(0, 5))}`, { unexpectedKeys: stray });
    if (!("params" in saved)) throw checkpointError(file, `loadCheckpoint: ${file}: field state.params: missing`);
    state = { ...saved };
  }
  if (template !== undefined) {
    if (state.optState === undefined) throw checkpointError(file, `loadCheckpoint: ${file}: an optState was expected, but the file has no optimizer state`);
    checkAgainstTemplate(file, state.optState, template);
  }
  const frozen = Object.freeze(state) as T;
  const rest = Object.fromEntries(Object.entries(metadata).filter(([k]) => k !== "format" && !k.startsWith("rivulet.")));
  return {
    state: frozen,
    variables: { params: frozen.params as Variables["params"], state: (frozen.modelState ?? {}) as Variables["state"] },
    metadata: rest, missingKeys, unexpectedKeys,
  };
};

const asCheckpointError = (file: string, e: unknown): CheckpointError =>
  e instanceof CheckpointError ? e : checkpointError(file, `${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });

/**
 * Saves a state to `path` as safetensors, atomically (a crash leaves the old file or the new one); see packCheckpoint
 * for the layout. Read device tensors back first (`toDevice(state, cpuDevice)`).
 * @example
 * await Effect.runPromise(saveCheckpoint("run/last.safetensors", state));                 // a whole TrainState
 * await Effect.runPromise(saveCheckpoint("mlp.params", { params }, { model: net }));      // torch.save(net.state_dict(), ...)
 */
export const saveCheckpoint = (path: string, state: CheckpointState, options: SaveCheckpointOptions = {}): Effect.Effect<void, CheckpointError | SafetensorsError | FileSystemError> =>
  Effect.gen(function* () {
    const packed = yield* Effect.try({ try: () => packCheckpoint(state, options, path), catch: (e) => asCheckpointError(path, e) });
    yield* saveSafetensors(path, packed.tensors, packed.metadata);
  });

/**
 * Loads a checkpoint saved by `saveCheckpoint` (or, with `{ model }`, any PyTorch state_dict saved as safetensors);
 * fails with a CheckpointError naming the bad field or every missing, unexpected and wrongly-shaped entry.
 * @example
 * const { state } = await Effect.runPromise(loadCheckpoint<TrainState<Params>>("run/last.safetensors"));
 * train.epochs(10, { from: state.position }).pipe(trainSteps(step, state)); // continues as if never stopped
 */
export const loadCheckpoint = <T extends CheckpointState = CheckpointState, S = unknown>(
  path: string,
  options: LoadCheckpointOptions<S> = {},
): Effect.Effect<LoadedCheckpoint<T>, CheckpointError | SafetensorsError | FileSystemError> =>
  Effect.gen(function* () {
    const packed = yield* loadSafetensors(path);
    return yield* Effect.try({ try: () => unpackCheckpoint<T, S>(packed, options, path), catch: (e) => asCheckpointError(path, e) });
  });
