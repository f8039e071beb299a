// The wire format of remote streams: a value made of JSON and tensors, framed as one safetensors file (tensors as they are, the rest as metadata).
import { Tensor } from "../ops/Tensor.js";
import { encodeSafetensors } from "../io/encodeSafetensors.js";
import { decodeSafetensors } from "../io/decodeSafetensors.js";

/** What a message can carry: JSON values and tensors, nested in arrays and plain records. */
export type Message = Tensor | string | number | boolean | null | readonly Message[] | { readonly [key: string]: Message };

// The JSON skeleton of a message keeps every non-tensor value and replaces each tensor by {"$tensor": "<name>"}; the
// names index the safetensors entries, so any safetensors reader can open a message, and numbers stay exact.
const SKELETON_KEY = "rivulet.message";
const TENSOR_MARK = "$tensor";

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor);

/**
 * Encodes a message (JSON and tensors) as safetensors bytes: tensors in the data section, the rest as JSON in the
 * header's `__metadata__`. Numbers that JSON cannot carry (NaN, ±Infinity) and other types are refused by name.
 * @example
 * const bytes = encodeMessage({ index: 3, batch: { input: x, target: y } });
 */
export const encodeMessage = (value: Message): Uint8Array => {
  const tensors: Record<string, Tensor> = {};
  const skeleton = (v: unknown, path: string): unknown => {
    if (v instanceof Tensor) {
      const name = String(Object.keys(tensors).length);
      tensors[name] = v;
      return { [TENSOR_MARK]: name };
    }
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new Error(`encodeMessage: ${path || "the value"} is ${v}, which JSON cannot carry; send it as a tensor`);
      return v;
    }
    if (Array.isArray(v)) return v.map((x, i) => skeleton(x, `${path}[${i}]`));
    if (isRecord(v) && Object.getPrototypeOf(v) === Object.prototype) {
      if (TENSOR_MARK in v) throw new Error(`encodeMessage: ${path || "the value"} uses the reserved key "${TENSOR_MARK}"`);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, skeleton(x, path ? `${path}.${k}` : k)]));
    }
    throw new Error(`encodeMessage: ${path || "the value"} is ${v === undefined ? "undefined" : (v as object)?.constructor?.name ?? typeof v}; a message holds JSON values and tensors only`);
  };
  const json = JSON.stringify(skeleton(value, ""));
  return encodeSafetensors(tensors, { [SKELETON_KEY]: json });
};

/**
 * Decodes bytes written by `encodeMessage`; `source` names the message in errors (for example its subject and
 * sequence number). Throws a SafetensorsError for a broken frame and an Error naming the field for a broken skeleton.
 * @example
 * const { index, batch } = decodeMessage(bytes, "rivulet.batches.job.0 #12") as { index: number; batch: Message };
 */
export const decodeMessage = (bytes: Uint8Array, source = "<message>"): Message => {
  const { tensors, metadata } = decodeSafetensors(bytes, { source });
  const json = metadata[SKELETON_KEY];
  if (json === undefined) throw new Error(`${source}: not a rivulet message (its safetensors header has no "${SKELETON_KEY}" metadata)`);
  let skeleton: unknown;
  try {
    skeleton = JSON.parse(json);
  } catch (e) {
    throw new Error(`${source}: the "${SKELETON_KEY}" metadata is not JSON (${(e as Error).message})`);
  }
  const used = new Set<string>();
  const rebuild = (v: unknown, path: string): Message => {
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
    if (Array.isArray(v)) return v.map((x, i) => rebuild(x, `${path}[${i}]`));
    if (isRecord(v)) {
      if (TENSOR_MARK in v) {
        const name = v[TENSOR_MARK];
        const t = typeof name === "string" ? tensors[name] : undefined;
        if (t === undefined || Object.keys(v).length !== 1) throw new Error(`${source}: ${path || "the value"} refers to tensor ${JSON.stringify(name)}, which the message does not hold`);
        if (used.has(name as string)) throw new Error(`${source}: tensor ${JSON.stringify(name)} is referred to twice`);
        used.add(name as string);
        return t;
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rebuild(x, path ? `${path}.${k}` : k)]));
    }
    throw new Error(`${source}: ${path || "the value"} is not a message value`);
  };
  const value = rebuild(skeleton, "");
  const unused = Object.keys(tensors).filter((n) => !used.has(n));
  if (unused.length > 0) throw new Error(`${source}: tensors ${unused.map((n) => JSON.stringify(n)).join(", ")} are in the frame but not in the message`);
  return value;
};
