// Decoding safetensors bytes into tensors: a validating reader that executes nothing and checks every offset.
import type { Tensor } from "../ops/Tensor.js";
import type { Backend } from "../ops/backend.js";
import { fromTyped } from "../ops/creation.js";
import { shapeStr } from "../ops/_shape.js";
import { READABLE, SAFETENSORS_DTYPES, decodeElements } from "./_dtypes.js";
import { Metadata, TensorInfo, decodeWith } from "./_header.js";
import { findDuplicateKey } from "./_duplicateKeys.js";
import { findInexactNumber } from "./_inexactNumbers.js";
import { safetensorsError } from "./SafetensorsError.js";
import type { SafetensorsMetadata } from "./encodeSafetensors.js";

/** The reference implementation's limit on the JSON header (safetensors MAX_HEADER_SIZE). */
const MAX_HEADER_BYTES = 100_000_000;
const U64_MAX = (1n << 64n) - 1n;

export interface DecodeSafetensorsOptions {
  /** Names the input in every error message (a file name); defaults to "<bytes>". */
  readonly source?: string;
  /** Where the tensors are created (the default device otherwise). */
  readonly device?: Backend;
}

/** A decoded safetensors file: tensors by name (in file order) and the `__metadata__` map ({} when absent). */
export interface Safetensors {
  readonly tensors: Readonly<Record<string, Tensor>>;
  readonly metadata: SafetensorsMetadata;
}

interface Located {
  readonly name: string;
  readonly info: TensorInfo;
  readonly numel: number;
}

const READABLE_LIST = SAFETENSORS_DTYPES.filter((d) => READABLE[d]).join(", ");

/**
 * Decodes safetensors bytes, throwing a SafetensorsError naming the source and field. Validates the whole header first (length, UTF-8, JSON, duplicate keys, every field
 * with io-ts, every offset: in bounds, sized numel·itemsize, ordered, non-overlapping and covering the byte buffer
 * exactly), then converts: F64/F16/BF16 → float32, I64/I16/I8/U8 → int32 (I64 must fit), BOOL → bool.
 * @example
 * const { tensors, metadata } = decodeSafetensors(bytes, { source: "model.safetensors" });
 */
export const decodeSafetensors = (bytes: Uint8Array, { source = "<bytes>", device }: DecodeSafetensorsOptions = {}): Safetensors => {
  const at = `decodeSafetensors: ${source}`;
  const fail: (what: string) => never = (what) => {
    throw safetensorsError(source, `${at}: ${what}`);
  };
  if (!(bytes instanceof Uint8Array)) fail(`expected the file's bytes as a Uint8Array, got ${typeof bytes}`);

  // ---- header length and text -----------------------------------------------------------------
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length (truncated or empty?)`);
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n64} exceeds the 100 MB limit (corrupt, or not a safetensors file)`);
  const n = Number(n64);
  if (8 + n > bytes.length) fail(`header length ${n} runs past the end of the file (${bytes.length} bytes; truncated?)`);
  let text = "";
  try {
    // ignoreBOM keeps a byte-order mark in the text, so JSON.parse rejects it as the reference reader does.
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail("header is not valid UTF-8");
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header))
    fail(`header must be a JSON object, got ${header === null ? "null" : Array.isArray(header) ? "an array" : typeof header}`);
  const dup = findDuplicateKey(text);
  if (dup !== undefined) fail(`header repeats the key "${dup}" (the format forbids duplicate keys)`);
  // Sizes and offsets are integers (serde's usize): `16.0` or `1e3` is rejected, though JSON.parse would make it 16 or 1000.
  const inexact = findInexactNumber(text, (p) => p.length === 3 && p[0] !== "__metadata__" && (p[1] === "shape" || p[1] === "data_offsets"));
  if (inexact !== undefined)
    fail(`tensor "${inexact.path[0]}" field "${inexact.path[1]}"[${inexact.path[2]}]: expected a non-negative integer, got ${inexact.text} (sizes and offsets are written without a fraction or exponent)`);

  /** One entry's dtype, element count and span. */
  const check = (name: string, info: TensorInfo): Located => {
    const spec = READABLE[info.dtype] ?? fail(`tensor "${name}": dtype ${info.dtype} is valid safetensors but rivulet cannot read it (readable: ${READABLE_LIST})`);
    // As the reference reader: the product, taken left to right, and the byte size must each fit a u64.
    let product = 1n;
    for (const d of info.shape) {
      product *= BigInt(d);
      if (product > U64_MAX) fail(`tensor "${name}": shape ${shapeStr(info.shape)}: the product of its sizes overflows 64 bits`);
    }
    if (product * BigInt(spec.itemsize) > U64_MAX) fail(`tensor "${name}": shape ${shapeStr(info.shape)} of ${info.dtype}: its size in bytes overflows 64 bits`);
    const count = Number(product);
    const size = count * spec.itemsize;
    if (!Number.isSafeInteger(size)) fail(`tensor "${name}": shape ${shapeStr(info.shape)} has too many elements to address`);
    const [begin, end] = info.data_offsets;
    if (end < begin) fail(`tensor "${name}": data_offsets [${begin}, ${end}] end before they begin`);
    if (end - begin !== size)
      fail(`tensor "${name}": data_offsets [${begin}, ${end}] span ${end - begin} bytes, but shape ${shapeStr(info.shape)} of ${info.dtype} needs ${size} (${count} elements × ${spec.itemsize} bytes)`);
    return { name, info, numel: count };
  };

  // ---- fields -----------------------------------------------------------------------------------
  let metadata: SafetensorsMetadata = {};
  const located: Located[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      // null is accepted as "no metadata", as the reference reader (an Option) does.
      const m = value === null ? {} : decodeWith(Metadata, value, `header "__metadata__"`);
      if (typeof m === "string") fail(m);
      else metadata = m;
      continue;
    }
    const info = decodeWith(TensorInfo, value, `tensor "${name}"`);
    if (typeof info === "string") fail(info);
    else located.push(check(name, info));
  }

  // ---- offsets: in bounds, no overlap, no holes, nothing trailing (no polyglot files) ----------
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  for (const { name, info } of located)
    if (info.data_offsets[1] > dataLength)
      fail(`tensor "${name}": data_offsets [${info.data_offsets.join(", ")}] run past the end of the byte buffer (${dataLength} bytes after the header; truncated?)`);
  const ordered = [...located].sort((a, b) => a.info.data_offsets[0] - b.info.data_offsets[0] || a.info.data_offsets[1] - b.info.data_offsets[1]);
  let covered = 0;
  let previous: Located | undefined;
  for (const l of ordered) {
    const [begin, end] = l.info.data_offsets;
    if (begin < covered)
      fail(`tensor "${l.name}": data_offsets [${begin}, ${end}] overlap tensor "${previous!.name}" [${previous!.info.data_offsets.join(", ")}]`);
    if (begin > covered)
      fail(`bytes [${covered}, ${begin}) of the byte buffer belong to no tensor (the next is "${l.name}"); the format forbids holes`);
    covered = end;
    if (end > begin || !previous) previous = l;
  }
  if (covered !== dataLength)
    fail(`the byte buffer has ${dataLength} bytes but the tensors cover only ${covered}; the format forbids trailing bytes`);

  // ---- elements ---------------------------------------------------------------------------------
  const tensors = ordered.map(({ name, info, numel }): [string, Tensor] => {
    let data: ReturnType<typeof decodeElements>;
    try {
      data = decodeElements(info.dtype, bytes, dataStart + info.data_offsets[0], numel, `${at}: tensor "${name}"`);
    } catch (e) {
      throw safetensorsError(source, (e as Error).message, e);
    }
    return [name, fromTyped(data, info.shape, { dtype: READABLE[info.dtype]!.as, device })];
  });
  // fromEntries defines own properties, so a tensor named "__proto__" is just a name.
  return { tensors: Object.fromEntries(tensors), metadata };
};
