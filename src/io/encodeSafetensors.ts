// Encoding tensors as a safetensors file, byte for byte as the reference writer (huggingface/safetensors) lays it out.
import { Tensor } from "../ops/Tensor.js";
import type { AnyTypedArray } from "../ops/dtype.js";
import { numel } from "../ops/_shape.js";
import { WRITTEN, alignmentRank, encodeElements } from "./_dtypes.js";

/** A safetensors `__metadata__` map (strings only, as the format requires). */
export type SafetensorsMetadata = Readonly<Record<string, string>>;

interface Entry {
  readonly name: string;
  readonly tensor: Tensor;
  readonly begin: number;
  readonly end: number;
}

/** A validated layout: the header bytes (length prefix included) and where each tensor's bytes go. */
export interface SafetensorsLayout {
  readonly header: Uint8Array;
  readonly entries: readonly Entry[];
  readonly byteLength: number;
}

const utf8 = new TextEncoder();

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
};

const isPlainRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor);

const LONE_SURROGATE = /\p{Cs}/u;

const describe = (x: unknown): string => (x === null ? "null" : Array.isArray(x) ? "an array" : typeof x);

/** Validates the tensors and metadata and computes the file layout (names sorted as the reference writer sorts them). */
export const planSafetensors = (op: string, tensors: Readonly<Record<string, Tensor>>, metadata?: SafetensorsMetadata): SafetensorsLayout => {
  if (!isPlainRecord(tensors))
    throw new Error(`${op}: expected a record of tensors by name, got ${describe(tensors)} (flattenStateDict turns a pytree into one)`);
  for (const [name, t] of Object.entries(tensors)) {
    if (!(t instanceof Tensor)) throw new Error(`${op}: "${name}" is ${describe(t)}, not a Tensor`);
    if (name === "__metadata__") throw new Error(`${op}: "__metadata__" is reserved by the safetensors format and cannot name a tensor`);
    if (LONE_SURROGATE.test(name)) throw new Error(`${op}: tensor name ${JSON.stringify(name)} is not valid Unicode (lone surrogate)`);
  }
  if (metadata !== undefined) {
    if (!isPlainRecord(metadata)) throw new Error(`${op}: metadata must be a record of strings, got ${describe(metadata)}`);
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new Error(`${op}: metadata "${k}" is ${describe(v)}; safetensors metadata values must be strings`);
      if (LONE_SURROGATE.test(k) || LONE_SURROGATE.test(v)) throw new Error(`${op}: metadata "${k}" is not valid Unicode (lone surrogate)`);
    }
  }
  // The reference writer orders by descending dtype alignment, then by name (byte order of UTF-8 = code point order).
  const named = Object.entries(tensors).map(([name, tensor]) => ({ name, tensor, key: utf8.encode(name) }));
  named.sort((a, b) => alignmentRank(WRITTEN[b.tensor.dtype]) - alignmentRank(WRITTEN[a.tensor.dtype]) || compareBytes(a.key, b.key));
  let offset = 0;
  const entries = named.map(({ name, tensor }) => {
    const begin = offset;
    offset += numel(tensor.shape) * (tensor.dtype === "bool" ? 1 : 4);
    return { name, tensor, begin, end: offset };
  });
  // serde_json's compact output: __metadata__ first (keys sorted here, since Rust's HashMap order is arbitrary),
  // then the tensors in layout order with fields dtype, shape, data_offsets.
  const parts: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort((a, b) => compareBytes(utf8.encode(a), utf8.encode(b)));
    parts.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(",")}}`);
  }
  for (const e of entries)
    parts.push(`${JSON.stringify(e.name)}:{"dtype":"${WRITTEN[e.tensor.dtype]}","shape":[${e.tensor.shape.join(",")}],"data_offsets":[${e.begin},${e.end}]}`);
  const json = utf8.encode(`{${parts.join(",")}}`);
  // Pad the JSON with spaces to a multiple of 8 so the byte buffer starts 8-byte aligned, as the reference does.
  const padded = Math.ceil(json.length / 8) * 8;
  const header = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(padded), true);
  header.set(json, 8);
  return { header, entries, byteLength: header.length + offset };
};

/** Assembles the file from a layout and each entry's elements (in `layout.entries` order). */
export const writeSafetensors = (layout: SafetensorsLayout, data: readonly AnyTypedArray[]): Uint8Array => {
  const out = new Uint8Array(layout.byteLength);
  out.set(layout.header, 0);
  layout.entries.forEach((e, i) => encodeElements(data[i]!, out, layout.header.length + e.begin));
  return out;
};

/**
 * Encodes named tensors (float32 → F32, int32 → I32, bool → BOOL) and optional string metadata as safetensors bytes,
 * laid out exactly as huggingface/safetensors writes them. Synchronous, so CPU tensors only; see encodeSafetensorsAsync.
 * @example
 * const bytes = encodeSafetensors({ weight: randn(key(0), [3, 4]) }, { format: "pt" });
 */
export const encodeSafetensors = (tensors: Readonly<Record<string, Tensor>>, metadata?: SafetensorsMetadata): Uint8Array => {
  const layout = planSafetensors("encodeSafetensors", tensors, metadata);
  for (const e of layout.entries)
    if (!e.tensor.device.readSync)
      throw new Error(`encodeSafetensors: tensor "${e.name}" is on ${e.tensor.device.name}, which can only be read asynchronously; use encodeSafetensorsAsync or saveFile`);
  return writeSafetensors(layout, layout.entries.map((e) => e.tensor.dataSync()));
};

/** encodeSafetensors for tensors on any device (reads them back with `await t.data()`). */
export const encodeSafetensorsAsync = async (tensors: Readonly<Record<string, Tensor>>, metadata?: SafetensorsMetadata): Promise<Uint8Array> => {
  const layout = planSafetensors("encodeSafetensorsAsync", tensors, metadata);
  return writeSafetensors(layout, await Promise.all(layout.entries.map((e) => e.tensor.data())));
};
