// The safetensors header's io-ts codecs (one tensor entry, the __metadata__ map) and readable messages for their errors.
import * as t from "io-ts";
import { SAFETENSORS_DTYPES, type SafetensorsDtype } from "./_dtypes.js";

interface NonNegativeIntBrand {
  readonly NonNegativeInt: unique symbol;
}

/** A size or byte offset: a non-negative integer that JSON numbers represent exactly. */
const NonNegativeInt = t.brand(
  t.number,
  (n): n is t.Branded<number, NonNegativeIntBrand> => Number.isSafeInteger(n) && n >= 0,
  "NonNegativeInt",
);

const Dtype = t.keyof(
  Object.fromEntries(SAFETENSORS_DTYPES.map((d) => [d, null])) as Record<SafetensorsDtype, null>,
  `one of ${SAFETENSORS_DTYPES.join(" | ")}`,
);

/** One tensor's entry. Unknown extra fields are ignored, as the reference reader (serde) does. */
export const TensorInfo = t.type({
  dtype: Dtype,
  shape: t.array(NonNegativeInt, "an array of non-negative integers"),
  data_offsets: t.tuple([NonNegativeInt, NonNegativeInt], "[begin, end] (two non-negative integers)"),
}, "an object { dtype, shape, data_offsets }");
export type TensorInfo = t.TypeOf<typeof TensorInfo>;

/** The free-form `__metadata__` map: strings to strings only. */
export const Metadata = t.record(t.string, t.string, "an object of string values");

/** JSON-like text of `v`, at most a few levels and about 60 characters: any depth or size is safe to show. */
const brief = (v: unknown, depth: number): string => {
  if (Array.isArray(v)) return depth === 0 ? "[...]" : `[${v.slice(0, 8).map((x) => brief(x, depth - 1)).join(",")}${v.length > 8 ? ",..." : ""}]`;
  if (typeof v === "object" && v !== null) {
    if (depth === 0) return "{...}";
    const entries = Object.entries(v);
    return `{${entries.slice(0, 4).map(([k, x]) => `${JSON.stringify(k.slice(0, 40))}:${brief(x, depth - 1)}`).join(",")}${entries.length > 4 ? ",..." : ""}}`;
  }
  return typeof v === "string" ? JSON.stringify(v.slice(0, 61)) : String(v);
};

const show = (v: unknown): string => {
  if (v === undefined) return "nothing (the field is missing)";
  const s = brief(v, 3);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

const friendly = (name: string): string =>
  name === "NonNegativeInt" ? "a non-negative integer" : name === "string" ? "a string" : name;

/** Decodes `value` with `codec`, or returns a message naming the field, what was expected and what was found. */
export const decodeWith = <A>(codec: t.Type<A, unknown, unknown>, value: unknown, label: string): A | string => {
  const result = codec.decode(value);
  if (result._tag === "Right") return result.right;
  const err = result.left[0]!;
  // The context runs from the root codec to the innermost failing one; its keys are the path to the field.
  const keys = err.context.slice(1).map((c) => c.key);
  const field = keys.length ? ` field ${keys.map((k, i) => (i === 0 ? `"${k}"` : `[${k}]`)).join("")}` : "";
  const expected = friendly(err.context[err.context.length - 1]!.type.name);
  return `${label}${field}: expected ${expected}, got ${show(err.value)}`;
};
