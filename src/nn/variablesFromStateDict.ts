// A model's variables from a PyTorch-named state_dict, every name and shape checked first (the model half of a checkpoint).
import { Tensor } from "../ops/Tensor.js";
import { cast } from "../ops/elementwise.js";
import { key as makeKey, type Key } from "../ops/random.js";
import { sameShape, shapeStr } from "../ops/_shape.js";
import { checkpointError, type WrongShape } from "../io/CheckpointError.js";
import type { AnyModule, TensorSpec, Variables } from "./Module.js";
import { initVariables, joinPath, ownerPaths, type OwnVariables } from "./_runtime.js";

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

/** Up to 40 quoted names, then how many more. */
export const listed = (names: readonly string[]): string => {
  const shown = names.slice(0, 40).map((n) => `"${n}"`).join(", ");
  return names.length > 40 ? `${shown} … and ${names.length - 40} more` : shown;
};

/**
 * Variables for `model` from PyTorch-named tensors, checking every name and shape first; only missing entries
 * (non-strict) are initialised from `key`. A file that does not fit is one CheckpointError listing every offending entry.
 * @example
 * const { variables } = variablesFromStateDict(model, (await loadFile("mlp.safetensors")), { file: "mlp.safetensors" });
 */
export const variablesFromStateDict = (
  model: AnyModule,
  dict: Readonly<Record<string, Tensor>>,
  { strict = true, key = makeKey(0), file = "<checkpoint>" }: { readonly strict?: boolean; readonly key?: Key; readonly file?: string } = {},
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
    throw checkpointError(file, `loadCheckpoint: ${file} does not fit ${model.kind}: ${parts.join("; ")}${strict && !wrongShapes.length ? " (strict: false loads what fits)" : ""}`, {
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

