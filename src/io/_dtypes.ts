// The safetensors element types: byte sizes, the rivulet dtype each is read as, and the little-endian (de)coding loops.
import type { AnyTypedArray, DType } from "../ops/dtype.js";

/** Every dtype the safetensors format defines, in the reference implementation's alignment order (safetensors/src/tensor.rs). */
export const SAFETENSORS_DTYPES = [
  "BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ",
  "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64",
] as const;

export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

/**
 * What rivulet reads each supported dtype as. Floats become float32 (F16/BF16 exactly, F64 rounded to nearest,
 * overflowing to ±inf, as torch's `.float()`); integers become int32 (I8/U8/I16 exactly, I64 only when every value
 * fits, otherwise decoding fails); BOOL stays bool. These are exactly PyTorch 1.13's dtypes.
 */
export const READABLE: Partial<Record<SafetensorsDtype, { readonly itemsize: number; readonly as: DType }>> = {
  F64: { itemsize: 8, as: "float32" },
  F32: { itemsize: 4, as: "float32" },
  F16: { itemsize: 2, as: "float32" },
  BF16: { itemsize: 2, as: "float32" },
  I64: { itemsize: 8, as: "int32" },
  I32: { itemsize: 4, as: "int32" },
  I16: { itemsize: 2, as: "int32" },
  I8: { itemsize: 1, as: "int32" },
  U8: { itemsize: 1, as: "int32" },
  BOOL: { itemsize: 1, as: "bool" },
};

/** The safetensors dtype each rivulet dtype is written as (always the exact, lossless one). */
export const WRITTEN = { float32: "F32", int32: "I32", bool: "BOOL" } as const satisfies Record<DType, SafetensorsDtype>;

/** The alignment rank the reference writer sorts by (larger first). */
export const alignmentRank = (d: SafetensorsDtype): number => SAFETENSORS_DTYPES.indexOf(d);

/** True on little-endian hosts (all current Node/browser targets), where typed-array bytes are already in file order. */
export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const halfToFloat = (h: number): number => {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal (and ±0)
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
};

/**
 * Reads `n` elements of `dtype` starting at byte `begin` of `bytes` into a fresh rivulet array. Throws with
 * `where` (file and tensor) when an I64 value does not fit int32.
 */
export const decodeElements = (
  dtype: SafetensorsDtype,
  bytes: Uint8Array,
  begin: number,
  n: number,
  where: string,
  littleEndianHost = LITTLE_ENDIAN_HOST,
): AnyTypedArray => {
  const view = new DataView(bytes.buffer, bytes.byteOffset + begin, bytes.byteLength - begin);
  switch (dtype) {
    case "F32":
    case "I32": {
      if (littleEndianHost) {
        // Copy into a fresh buffer so the typed array is aligned whatever the file's offsets are.
        const copy = new Uint8Array(n * 4);
        copy.set(bytes.subarray(begin, begin + n * 4));
        return dtype === "F32" ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
      }
      if (dtype === "F32") {
        const out = new Float32Array(n);
        for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
        return out;
      }
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    }
    case "F64": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
    case "F16": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    }
    case "BF16": {
      // bfloat16 is the top half of a float32: shift the bits into place (NaN payloads survive).
      const out = new Float32Array(n);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    case "I64": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const lo = view.getUint32(i * 8, true);
        const hi = view.getInt32(i * 8 + 4, true);
        // Fits int32 exactly when the high word is the sign extension of the low word's top bit.
        if (hi !== (lo >= 0x80000000 ? -1 : 0))
          throw new Error(`${where}: element ${i} is ${(BigInt(hi) << 32n) + BigInt(lo)}, outside int32 [-2147483648, 2147483647]; rivulet reads I64 as int32`);
        out[i] = lo | 0;
      }
      return out;
    }
    case "I16": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true);
      return out;
    }
    case "I8": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      return out;
    }
    case "U8": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = bytes[begin + i]!;
      return out;
    }
    case "BOOL": {
      // Any non-zero byte is true, as numpy/torch read it; rivulet stores bools as 0/1.
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = bytes[begin + i] ? 1 : 0;
      return out;
    }
    default:
      throw new Error(`${where}: dtype ${dtype} cannot be read by rivulet`);
  }
};

/** Writes a rivulet array's elements little-endian into `out` at byte `offset` (F32, I32 or BOOL layout). */
export const encodeElements = (data: AnyTypedArray, out: Uint8Array, offset: number, littleEndianHost = LITTLE_ENDIAN_HOST): void => {
  if (data instanceof Uint8Array) {
    for (let i = 0; i < data.length; i++) out[offset + i] = data[i] ? 1 : 0;
    return;
  }
  if (littleEndianHost) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + offset, data.byteLength);
  if (data instanceof Float32Array) for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  else for (let i = 0; i < data.length; i++) view.setInt32(i * 4, data[i]!, true);
};
