// The IDX file format of MNIST and Fashion-MNIST (LeCun's "SN3" files): a magic number, big-endian dimensions, the data.
import { corruptDataset } from "./CorruptDataset.js";

/** The element types IDX files can hold, by their type code (the magic number's third byte); multi-byte elements are big-endian. */
const IDX_TYPES = {
  0x08: { name: "uint8", size: 1, make: (n: number) => new Uint8Array(n), read: (v: DataView, o: number) => v.getUint8(o) },
  0x09: { name: "int8", size: 1, make: (n: number) => new Int8Array(n), read: (v: DataView, o: number) => v.getInt8(o) },
  0x0b: { name: "int16", size: 2, make: (n: number) => new Int16Array(n), read: (v: DataView, o: number) => v.getInt16(o, false) },
  0x0c: { name: "int32", size: 4, make: (n: number) => new Int32Array(n), read: (v: DataView, o: number) => v.getInt32(o, false) },
  0x0d: { name: "float32", size: 4, make: (n: number) => new Float32Array(n), read: (v: DataView, o: number) => v.getFloat32(o, false) },
  0x0e: { name: "float64", size: 8, make: (n: number) => new Float64Array(n), read: (v: DataView, o: number) => v.getFloat64(o, false) },
} as const;

type IdxTypeCode = keyof typeof IDX_TYPES;
/** The element type of an IDX file. */
export type IdxType = (typeof IDX_TYPES)[IdxTypeCode]["name"];

/** A decoded IDX file: its element type, dimensions and elements in row-major order. */
export interface Idx {
  readonly type: IdxType;
  readonly shape: readonly number[];
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, "0")}`;

/**
 * Decodes an (uncompressed) IDX file, checking the magic number, that the data fills exactly the dimensions it
 * declares, and optionally the expected magic (0x00000803 for image files, 0x00000801 for label files).
 * Throws a CorruptDataset naming `source` and the problem; never returns partial data.
 * @example
 * const { shape, data } = decodeIdx(bytes, { source: "train-labels-idx1-ubyte", magic: 0x00000801 });
 */
export const decodeIdx = (bytes: Uint8Array, { source = "IDX data", magic }: { source?: string; magic?: number } = {}): Idx => {
  if (bytes.length < 4) throw corruptDataset(source, `truncated IDX file: ${bytes.length} bytes, shorter than the 4-byte magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0, false);
  if (magic !== undefined && found !== magic)
    throw corruptDataset(source, `bad magic number ${hex(found)}, expected ${hex(magic)} (${magic === 0x803 ? "IDX images" : magic === 0x801 ? "IDX labels" : "IDX"})`);
  const code = bytes[2]!;
  const ndim = bytes[3]!;
  const type = IDX_TYPES[code as IdxTypeCode];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined || ndim === 0)
    throw corruptDataset(source, `bad magic number ${hex(found)}: not an IDX file (expected 0x0000TTDD with type TT in 08/09/0b/0c/0d/0e and DD ≥ 1 dimensions)`);
  const headerSize = 4 + 4 * ndim;
  if (bytes.length < headerSize)
    throw corruptDataset(source, `truncated IDX header: ${ndim} dimensions need ${headerSize} bytes, the file has ${bytes.length}`);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerSize + count * type.size;
  if (bytes.length !== expected)
    throw corruptDataset(source,
      `${bytes.length < expected ? "truncated data" : "trailing bytes after the data"}: the header declares ${type.name} [${shape.join(", ")}] = ${count * type.size} data bytes (${expected} in all), the file has ${bytes.length} bytes`,
    );
  if (type.size === 1) {
    // Bytes need no reordering: one copy, so the result does not pin the (possibly huge) input buffer.
    const data = bytes.slice(headerSize, expected);
    return { type: type.name, shape, data: type.name === "int8" ? new Int8Array(data.buffer) : data };
  }
  const data = type.make(count);
  for (let i = 0; i < count; i++) data[i] = type.read(view, headerSize + i * type.size);
  return { type: type.name, shape, data };
};
