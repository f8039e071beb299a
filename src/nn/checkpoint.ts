// Checkpoints as safetensors: params and buffers under PyTorch's state_dict names, optimizer state beside them, counters in the metadata.
import { Data, Effect } from "effect";
import { Tensor } from "../ops/Tensor.js";
import { cast } from "../ops/elementwise.js";
import { key as makeKey, type Key } from "../ops/random.js";
import { sameShape, shapeStr, type Shape } from "../ops/_shape.js";
import { treeLeavesWithPaths } from "../graph/pytree.js";
import { loadSafetensors, saveSafetensors } from "../io/safetensorsFile.js";
import type { SafetensorsError } from "../io/SafetensorsError.js";
import type { FileSystemError } from "../io/FileSystemError.js";
import type { SafetensorsMetadata } from "../io/encodeSafetensors.js";
import type { AnyModule, Module, TensorSpec, Variables } from "./Module.js";
import { stateDict } from "./stateDict.js";
import { initVariables, joinPath, ownerPaths, type OwnVariables } from "./_runtime.js";

/** Names of optimizer-state tensors start with this; everything else in a checkpoint is the model's state_dict. */
export const OPTIMIZER_PREFIX = "optimizer.";
/** Metadata fields rivulet writes: the optimizer state's structure with its counters, the step and the RNG key. */
const META_OPTIMIZER = "rivulet.optimizer";
const META_STEP = "rivulet.step";
const META_KEY = "rivulet.key";
/** Marks a tensor in the optimizer-state structure stored in the metadata (a leaf that is never a string otherwise). */
const TENSOR_MARK = "<tensor>";

/** A state_dict entry whose shape differs from the model's. */
export interface WrongShape {
  readonly name: string;
  readonly fileShape: Shape;
  readonly modelShape: Shape;
}

/** A checkpoint does not fit the model (missing, unexpected or wrongly-shaped entries) or is malformed; every offending name is listed. */
export class CheckpointError extends Data.TaggedError("CheckpointError")<{
  readonly file: string;
  readonly missingKeys: readonly string[];
  readonly unexpectedKeys: readonly string[];
  readonly wrongShapes: readonly WrongShape[];
  readonly message: string;
}> {}

const fail = (file: string, message: string, fields: Partial<Pick<CheckpointError, "missingKeys" | "unexpectedKeys" | "wrongShapes">> = {}): never => {
  throw new CheckpointError({ file, message, missingKeys: [], unexpectedKeys: [], wrongShapes: [], ...fields });
};

/** What a checkpoint holds: the model's variables and, optionally, the optimizer state, step, RNG key and string metadata. */
export interface CheckpointContents<S = unknown> {
  readonly variables: Variables;
  /** An optimizer's state (`opt.init(params)` and its updates): tensors plus plain-number counters. */
  readonly optState?: S;
  readonly step?: number;
  readonly key?: Key;
  /** Extra string fields for the safetensors metadata ("format" and "rivulet.*" are reserved). */
  readonly metadata?: SafetensorsMetadata;
}

/** A checkpoint as safetensors contents: tensors by name and the metadata map. */
export interface PackedCheckpoint {
  readonly tensors: Readonly<Record<string, Tensor>>;
  readonly metadata: SafetensorsMetadata;
}

type Skeleton = string | number | readonly Skeleton[] | { readonly [k: string]: Skeleton };

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor);

/** The optimizer state's structure with tensors replaced by a mark and counters kept (non-finite numbers as strings, which JSON lacks). */
const skeletonOf = (file: string, x: unknown, path: string): Skeleton => {
  const at = path || "(root)";
  if (x instanceof Tensor) return TENSOR_MARK;
  if (typeof x === "number") return Number.isFinite(x) ? x : String(x);
  if (Array.isArray(x)) return x.map((v, i) => skeletonOf(file, v, joinPath(path, String(i))));
  if (isRecord(x))
    return Object.fromEntries(
      Object.entries(x).map(([k, v]) => {
        if (k === "" || k.includes(".")) fail(file, `saveCheckpoint: ${file}: optimizer state key ${JSON.stringify(k)} under ${at} cannot be part of a dotted name`);
        return [k, skeletonOf(file, v, joinPath(path, k))];
      }),
    );
  return fail(file, `saveCheckpoint: ${file}: optimizer state at ${at} is ${x === null ? "null" : typeof x}; only tensors, numbers, arrays and records can be saved`);
};

/**
 * The safetensors contents of a checkpoint: the model's state_dict (PyTorch names, shared layers under each name),
 * optimizer tensors as `optimizer.<path>`, and metadata `format: "pt"` plus the optimizer structure, step and key.
 * @example
 * const { tensors, metadata } = nn.packCheckpoint(model, { variables, optState, step: 100 });
 */
export const packCheckpoint = <I, O>(model: Module<I, O>, contents: CheckpointContents, file = "<checkpoint>"): PackedCheckpoint => {
  const { variables, optState, step, key, metadata = {} } = contents;
  const tensors: Record<string, Tensor> = { ...stateDict(model, variables) };
  const clash = Object.keys(tensors).filter((k) => k.startsWith(OPTIMIZER_PREFIX));
  if (clash.length) fail(file, `saveCheckpoint: ${file}: model entries ${clash.map((k) => `"${k}"`).join(", ")} start with "${OPTIMIZER_PREFIX}", which checkpoints reserve for optimizer state`);
  for (const k of Object.keys(metadata))
    if (k === "format" || k.startsWith("rivulet.")) fail(file, `saveCheckpoint: ${file}: metadata field "${k}" is reserved (format, rivulet.*)`);
  const meta: Record<string, string> = { ...metadata, format: "pt" };
  if (optState !== undefined) {
    meta[META_OPTIMIZER] = JSON.stringify(skeletonOf(file, optState, ""));
    for (const l of treeLeavesWithPaths(optState)) tensors[OPTIMIZER_PREFIX + l.path] = l.tensor;
  }
  if (step !== undefined) {
    if (!Number.isSafeInteger(step) || step < 0) fail(file, `saveCheckpoint: ${file}: step must be a non-negative integer, got ${step}`);
    meta[META_STEP] = String(step);
  }
  if (key !== undefined) meta[META_KEY] = JSON.stringify([...key.words]);
  return { tensors, metadata: meta };
};

export interface LoadCheckpointOptions<S> {
  /** Require every model entry present and no unknown ones (default true); wrong shapes are refused either way, as in PyTorch. */
  readonly strict?: boolean;
  /** Initialises entries missing from a non-strict load (default key(0)); nothing is initialised when all are present. */
  readonly key?: Key;
  /** The optimizer state to expect (e.g. `opt.init(params)`): the file's must have the same tensor paths and shapes. */
  readonly optState?: S;
}

/** A loaded checkpoint; `optState`, `step` and `key` are undefined when the file has none. */
export interface LoadedCheckpoint<S> {
  readonly variables: Variables;
  readonly optState: S | undefined;
  readonly step: number | undefined;
  readonly key: Key | undefined;
  /** The file's metadata without the fields rivulet reserves. */
  readonly metadata: SafetensorsMetadata;
  /** Model entries the file lacked (non-strict loads only; they were initialised from `key`). */
  readonly missingKeys: readonly string[];
  /** File entries the model has no place for (non-strict loads only; ignored). */
  readonly unexpectedKeys: readonly string[];
}

interface Slot {
  readonly module: AnyModule;
  readonly own: string;
  readonly kind: "params" | "state";
  readonly spec: TensorSpec;
  /** Every state_dict name of this tensor: the owner's first, then a shared layer's other places. */
  readonly names: string[];
}

const slotsOf = (model: AnyModule): Slot[] => {
  const owners = ownerPaths(model);
  const byName = new Map<string, Slot>();
  const out: Slot[] = [];
  const visit = (m: AnyModule, path: string): void => {
    const owner = owners.get(m)!;
    for (const kind of ["params", "state"] as const)
      for (const [own, spec] of Object.entries(kind === "params" ? m.paramSpecs : m.stateSpecs)) {
        const canonical = joinPath(owner, own);
        const slot = byName.get(canonical) ?? { module: m, own, kind, spec, names: [] };
        if (!byName.has(canonical)) (byName.set(canonical, slot), out.push(slot));
        slot.names.push(joinPath(path, own));
      }
    for (const [n, c] of m.children) visit(c, joinPath(path, n));
  };
  visit(model, "");
  return out;
};

const listed = (names: readonly string[]): string => {
  const shown = names.slice(0, 40).map((n) => `"${n}"`).join(", ");
  return names.length > 40 ? `${shown} … and ${names.length - 40} more` : shown;
};

/** Variables for `model` from PyTorch-named tensors, checking every name and shape first; only missing entries (non-strict) are initialised. */
const variablesFrom = (
  file: string,
  model: AnyModule,
  dict: Readonly<Record<string, Tensor>>,
  strict: boolean,
  key: Key,
): { variables: Variables; missingKeys: string[]; unexpectedKeys: string[] } => {
  const slots = slotsOf(model);
  const known = new Set(slots.flatMap((s) => s.names));
  const missingKeys: string[] = [];
  const wrongShapes: WrongShape[] = [];
  const found = new Map<Slot, Tensor>();
  for (const s of slots) {
    for (const name of s.names) {
      const t = dict[name];
      if (t === undefined) continue;
      if (!sameShape(t.shape, s.spec.shape)) wrongShapes.push({ name, fileShape: t.shape, modelShape: s.spec.shape });
      else if (!found.has(s)) found.set(s, t);
    }
    if (!found.has(s) && !s.names.some((n) => dict[n] !== undefined)) missingKeys.push(s.names[0]!);
  }
  const unexpectedKeys = Object.keys(dict).filter((k) => !known.has(k));
  if (wrongShapes.length || (strict && (missingKeys.length || unexpectedKeys.length))) {
    const parts = [
      ...(missingKeys.length && strict ? [`missing key(s) ${listed(missingKeys)}`] : []),
      ...(unexpectedKeys.length && strict ? [`unexpected key(s) ${listed(unexpectedKeys)}`] : []),
      ...(wrongShapes.length ? [`wrong shape(s): ${wrongShapes.map((w) => `"${w.name}" is ${shapeStr(w.fileShape)} in the file, ${shapeStr(w.modelShape)} in the model`).join("; ")}`] : []),
    ];
    fail(file, `loadCheckpoint: ${file} does not fit ${model.kind}: ${parts.join("; ")}${strict && !wrongShapes.length ? " (strict: false loads what fits)" : ""}`, {
      missingKeys: strict ? missingKeys : [],
      unexpectedKeys: strict ? unexpectedKeys : [],
      wrongShapes,
    });
  }
  const own = new Map<AnyModule, { params: Record<string, Tensor>; state: Record<string, Tensor> }>();
  for (const [s, t] of found) {
    // Params are float32; a buffer keeps the dtype its initialiser gives (num_batches_tracked: PyTorch's int64 → int32).
    const dtype = s.kind === "params" ? "float32" : s.spec.init(makeKey(0), s.spec.shape).dtype;
    const entry = own.get(s.module) ?? { params: {}, state: {} };
    entry[s.kind][s.own] = t.dtype === dtype ? t : cast(t, dtype);
    own.set(s.module, entry);
  }
  const variables = initVariables(model, key, (m): OwnVariables | undefined => own.get(m));
  return { variables, missingKeys, unexpectedKeys };
};

type Built = Tensor | number | readonly Built[] | { readonly [k: string]: Built };

const rebuildOptState = (file: string, skeleton: unknown, tensors: Readonly<Record<string, Tensor>>, used: Set<string>): Built => {
  const bad = (path: string, what: string): never => fail(file, `loadCheckpoint: ${file}: metadata "${META_OPTIMIZER}" at ${path || "(root)"}: ${what}`);
  const build = (x: unknown, path: string): Built => {
    if (x === TENSOR_MARK) {
      const name = OPTIMIZER_PREFIX + path;
      const t = tensors[name];
      if (!(t instanceof Tensor)) return fail(file, `loadCheckpoint: ${file}: the optimizer state needs tensor "${name}", which the file lacks`, { missingKeys: [name] });
      used.add(name);
      return t;
    }
    if (typeof x === "number") return x;
    if (x === "NaN" || x === "Infinity" || x === "-Infinity") return Number(x);
    if (Array.isArray(x)) return Object.freeze(x.map((v, i) => build(v, joinPath(path, String(i)))));
    if (isRecord(x)) return Object.freeze(Object.fromEntries(Object.entries(x).map(([k, v]) => [k, build(v, joinPath(path, k))])));
    return bad(path, `expected "${TENSOR_MARK}", a number, an array or a record, got ${JSON.stringify(x)}`);
  };
  return build(skeleton, "");
};

const checkAgainstTemplate = (file: string, loaded: unknown, template: unknown): unknown => {
  const got = treeLeavesWithPaths(loaded);
  const want = treeLeavesWithPaths(template);
  const g = new Map(got.map((l) => [l.path, l.tensor]));
  const w = new Map(want.map((l) => [l.path, l.tensor]));
  const missing = want.filter((l) => !g.has(l.path)).map((l) => OPTIMIZER_PREFIX + l.path);
  const extra = got.filter((l) => !w.has(l.path)).map((l) => OPTIMIZER_PREFIX + l.path);
  const wrongShapes = want
    .filter((l) => g.has(l.path) && !sameShape(g.get(l.path)!.shape, l.tensor.shape))
    .map((l) => ({ name: OPTIMIZER_PREFIX + l.path, fileShape: g.get(l.path)!.shape, modelShape: l.tensor.shape }));
  if (missing.length || extra.length || wrongShapes.length) {
    const parts = [
      ...(missing.length ? [`missing ${listed(missing)}`] : []),
      ...(extra.length ? [`unexpected ${listed(extra)}`] : []),
      ...wrongShapes.map((s) => `"${s.name}" is ${shapeStr(s.fileShape)} in the file, ${shapeStr(s.modelShape)} in the given optState`),
    ];
    fail(file, `loadCheckpoint: ${file}: the optimizer state does not match the given optState: ${parts.join("; ")}`, { missingKeys: missing, unexpectedKeys: extra, wrongShapes });
  }
  return loaded;
};

const parseMeta = (file: string, metadata: SafetensorsMetadata, field: string): unknown => {
  try {
    return JSON.parse(metadata[field]!);
  } catch (e) {
    return fail(file, `loadCheckpoint: ${file}: metadata "${field}" is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
};

/**
 * Variables (and optimizer state, step, key) for `model` from safetensors contents, the inverse of packCheckpoint.
 * A PyTorch state_dict file is a checkpoint without optimizer state. Throws a CheckpointError naming every
 * missing, unexpected and wrongly-shaped entry.
 * @example
 * const { variables, optState } = nn.unpackCheckpoint(model, decodeSafetensors(bytes), { optState: opt.init(params) });
 */
export const unpackCheckpoint = <I, O, S = unknown>(
  model: Module<I, O>,
  packed: PackedCheckpoint,
  { strict = true, key = makeKey(0), optState: template }: LoadCheckpointOptions<S> = {},
  file = "<checkpoint>",
): LoadedCheckpoint<S> => {
  const { tensors, metadata } = packed;
  const modelPart: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) if (!k.startsWith(OPTIMIZER_PREFIX)) modelPart[k] = t;
  const { variables, missingKeys, unexpectedKeys } = variablesFrom(file, model as unknown as AnyModule, modelPart, strict, key);
  let optState: S | undefined;
  const optNames = Object.keys(tensors).filter((k) => k.startsWith(OPTIMIZER_PREFIX));
  if (metadata[META_OPTIMIZER] !== undefined) {
    const used = new Set<string>();
    const built = rebuildOptState(file, parseMeta(file, metadata, META_OPTIMIZER), tensors, used);
    const stray = optNames.filter((n) => !used.has(n));
    if (stray.length) fail(file, `loadCheckpoint: ${file}: optimizer tensors ${listed(stray)} are not part of the optimizer state the metadata describes`, { unexpectedKeys: stray });
    optState = (template === undefined ? built : checkAgainstTemplate(file, built, template)) as S;
  } else if (optNames.length) {
    fail(file, `loadCheckpoint: ${file}: has optimizer tensors (${listed(optNames)}) but no "${META_OPTIMIZER}" metadata describing their structure`);
  } else if (template !== undefined) {
    fail(file, `loadCheckpoint: ${file}: an optState was expected, but the file has no optimizer state`);
  }
  let step: number | undefined;
  if (metadata[META_STEP] !== undefined) {
    step = Number(metadata[META_STEP]);
    if (!Number.isSafeInteger(step) || step < 0) fail(file, `loadCheckpoint: ${file}: metadata "${META_STEP}" must be a non-negative integer, got ${JSON.stringify(metadata[META_STEP])}`);
  }
  let rng: Key | undefined;
  if (metadata[META_KEY] !== undefined) {
    const words = parseMeta(file, metadata, META_KEY);
    if (!Array.isArray(words) || words.length !== 2 || !words.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32))
      fail(file, `loadCheckpoint: ${file}: metadata "${META_KEY}" must be two unsigned 32-bit words, got ${metadata[META_KEY]}`);
    rng = Object.freeze({ words: Object.freeze([(words as number[])[0]!, (words as number[])[1]!] as const) });
  }
  const rest = Object.fromEntries(Object.entries(metadata).filter(([k]) => k !== "format" && !k.startsWith("rivulet.")));
  return { variables, optState, step, key: rng, metadata: rest, missingKeys, unexpectedKeys };
};

const asCheckpointError = (file: string, e: unknown): CheckpointError =>
  e instanceof CheckpointError ? e : new CheckpointError({ file, message: e instanceof Error ? e.message : String(e), missingKeys: [], unexpectedKeys: [], wrongShapes: [] });

/**
 * Saves a checkpoint to `path` atomically as safetensors (see packCheckpoint for the layout). A file without
 * optimizer state is a plain state_dict PyTorch loads with `model.load_state_dict(safetensors.torch.load_file(path))`.
 * @example
 * await Effect.runPromise(nn.saveCheckpoint("ckpt.safetensors", model, { variables, optState, step }));
 */
export const saveCheckpoint = <I, O>(
  path: string,
  model: Module<I, O>,
  contents: CheckpointContents,
): Effect.Effect<void, CheckpointError | SafetensorsError | FileSystemError> =>
  Effect.gen(function* () {
    const packed = yield* Effect.try({ try: () => packCheckpoint(model, contents, path), catch: (e) => asCheckpointError(path, e) });
    yield* saveSafetensors(path, packed.tensors, packed.metadata);
  });

/**
 * Loads a checkpoint (or any PyTorch state_dict saved as safetensors) for `model`; fails with a CheckpointError
 * naming every missing, unexpected and wrongly-shaped entry.
 * @example
 * const { variables, optState, step } = await Effect.runPromise(nn.loadCheckpoint("ckpt.safetensors", model, { optState: opt.init(params) }));
 */
export const loadCheckpoint = <I, O, S = unknown>(
  path: string,
  model: Module<I, O>,
  options: LoadCheckpointOptions<S> = {},
): Effect.Effect<LoadedCheckpoint<S>, CheckpointError | SafetensorsError | FileSystemError> =>
  Effect.gen(function* () {
    const packed = yield* loadSafetensors(path);
    return yield* Effect.try({ try: () => unpackCheckpoint(model, packed, options, path), catch: (e) => asCheckpointError(path, e) });
  });

/**
 * Promise form of saveCheckpoint (rejects with its tagged errors).
 * @example
 * await nn.writeCheckpoint("mlp.safetensors", net, { variables }); // torch.save(net.state_dict(), "mlp.params")
 */
export const writeCheckpoint = <I, O>(path: string, model: Module<I, O>, contents: CheckpointContents): Promise<void> =>
  Effect.runPromise(saveCheckpoint(path, model, contents));

/**
 * Promise form of loadCheckpoint (rejects with its tagged errors).
 * @example
 * const { variables } = await nn.readCheckpoint("mlp.safetensors", clone); // clone.load_state_dict(torch.load("mlp.params"))
 */
export const readCheckpoint = <I, O, S = unknown>(path: string, model: Module<I, O>, options: LoadCheckpointOptions<S> = {}): Promise<LoadedCheckpoint<S>> =>
  Effect.runPromise(loadCheckpoint(path, model, options));
