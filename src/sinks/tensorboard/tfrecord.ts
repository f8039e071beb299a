// TFRecord framing: u64 little-endian length, masked CRC-32C of the length, the data, masked CRC-32C of the data.
import { maskedCrc32c } from "./crc32c.js";

/**
 * One record as TensorFlow's RecordWriter frames it (what event files are made of).
 * @example
 * const framed = encodeTfRecord(eventBytes); // 16 + eventBytes.length bytes
 */
export const encodeTfRecord = (data: Uint8Array): Uint8Array => {
  const out = new Uint8Array(data.length + 16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
};
