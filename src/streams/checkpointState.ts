// A training state as safetensors content: tensors by dotted path, and everything else in an io-ts-validated JSON header.
import * as t from "io-ts";
import { isLeft } from "fp-ts/lib/Either.js";
import { Tensor } from "../ops/Tensor.js";
import type { TrainState } from "./trainStep.js";
import { describeErrors } from "./_ioErrors.js";

/** The metadata key holding the checkpoint header. */
export const CHECKPOINT_KEY = "rivulet.checkpoint";

/** The non-tensor part of a state: JSON with tensors as `{ $t: name }`, records as `{ $r: … }`, non-finite numbers as `{ $n: … }`. */
type Skeleton = null | boolean | number | string | readonly Skeleton[] | { readonly $t: string } | { readonly $n: "NaN" | "Infinity" | "-Infinity" } | { readonly $r: { readonly [k: string]: Skeleton } };

const Skeleton: t.Type<Skeleton> = t.recursion("Skeleton", () =>
  t.union([
    t.null,
    t.boolean,
    t.number,
    t.string,
    t.readonlyArray(Skeleton),
    t.strict({ $t: t.string }, "a tensor reference { $t: name }"),
    t.strict({ $n: t.keyof({ NaN: null, Infinity: null, "-Infinity": null }) }, "a non-finite number { $n }"),
    t.strict({ $r: t.record(t.string, Skeleton) }, "a record { $r: {...} }"),
  ], "a state value"),
);

const Count = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, "a non-negative integer");
const Word = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32, "a 32-bit unsigned integer");

const Header = t.type({ format: t.literal(CHECKPOINT_KEY), version: t.literal(1), state: Skeleton }, "a checkpoint header { format, version, state }");

/** The counters a restored state must have. */
const Counters = t.type({
  step: Count,
  position: t.type({ epoch: Count, batch: Count }),
  rng: t.type({ words: t.tuple([Word, Word]) }),
}, "a training state { step, position, rng, ... }");

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor);

/**
 * A training state as safetensors content: every tensor under its dotted path (`params.fc.weight`,
 * `optState.momentumBuffer.fc.weight`), and the rest — step, position (epoch and batch), RNG key, optimizer
 * counters, structure — as JSON in the metadata. Tensors are stored bit for bit.
 * @example
 * const { tensors, metadata } = checkpointState(state);
 */
export const checkpointState = (state: TrainState<unknown>): { tensors: Record<string, Tensor>; metadata: Record<string, string> } => {
  const tensors: Record<string, Tensor> = {};
  const walk = (x: unknown, path: string): Skeleton => {
    if (x instanceof Tensor) {
      let name = path || "tensor";
      for (let i = 2; name in tensors; i++) name = `${path}~${i}`;
      tensors[name] = x;
      return { $t: name };
    }
    if (typeof x === "number") return Number.isFinite(x) ? (Object.is(x, -0) ? 0 : x) : { $n: String(x) as "NaN" | "Infinity" | "-Infinity" };
    if (x === null || typeof x === "boolean" || typeof x === "string") return x;
    if (Array.isArray(x)) return x.map((v, i) => walk(v, path ? `${path}.${i}` : String(i)));
    if (isRecord(x) && (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null))
      return { $r: Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k)])) };
    throw new Error(`checkpointState: cannot save ${path || "the state"}: ${typeof x === "object" ? (x as object).constructor?.name ?? "object" : typeof x} (accepted: tensors, numbers, strings, booleans, null, arrays and plain records)`);
  };
  const skeleton = walk(state, "");
  return { tensors, metadata: { [CHECKPOINT_KEY]: JSON.stringify({ format: CHECKPOINT_KEY, version: 1, state: skeleton }) } };
};

/**
 * The state `checkpointState` saved, rebuilt from safetensors content; the header is validated with io-ts and
 * every tensor reference checked. Errors name `source` and the field.
 * @example
 * const state = restoreState<Params>(await loadSafetensors(path), "run/ckpt.safetensors");
 */
export const restoreState = <P, S = unknown>(
  { tensors, metadata }: { readonly tensors: Readonly<Record<string, Tensor>>; readonly metadata: Readonly<Record<string, string>> },
  source = "<checkpoint>",
): TrainState<P, S> => {
  const fail = (what: string): never => {
    throw new Error(`restoreState: ${source}: ${what}`);
  };
  const text = metadata[CHECKPOINT_KEY] ?? fail(`no "${CHECKPOINT_KEY}" entry in the safetensors metadata (not a rivulet checkpoint?)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(`the checkpoint header is not valid JSON (${(e as Error).message})`);
  }
  const header = Header.decode(json);
  if (isLeft(header)) return fail(describeErrors(header.left, "header"));
  const used = new Set<string>();
  const build = (s: Skeleton, path: string): unknown => {
    if (s === null || typeof s !== "object") return s;
    if (Array.isArray(s)) return Object.freeze(s.map((v, i) => build(v, `${path}.${i}`)));
    if ("$t" in s) {
      const tensor = tensors[s.$t] ?? fail(`field ${path} refers to tensor "${s.$t}", which the file does not hold`);
      used.add(s.$t);
      return tensor;
    }
    if ("$n" in s) return Number(s.$n);
    return Object.freeze(Object.fromEntries(Object.entries((s as { $r: Record<string, Skeleton> }).$r).map(([k, v]) => [k, build(v, `${path}.${k}`)])));
  };
  const state = build(header.right.state, "state");
  const extra = Object.keys(tensors).filter((k) => !used.has(k));
  if (extra.length > 0) fail(`the file holds tensors the header does not mention: ${extra.slice(0, 5).join(", ")}`);
  const counters = Counters.decode(state);
  if (isLeft(counters)) fail(describeErrors(counters.left, "state"));
  return state as TrainState<P, S>;
};
