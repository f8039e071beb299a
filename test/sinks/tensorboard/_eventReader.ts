// An independent reader of TensorBoard event files for the tests: its own TFRecord parser and bitwise CRC-32C (no code
// shared with the writer), and protobufjs decoding with the .proto files loaded separately from the writer's encoders.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

const PROTO_DIR = fileURLToPath(new URL("../../../src/sinks/tensorboard/proto/", import.meta.url));

/** CRC-32C bit by bit (the writer uses a table), then TFRecord's mask. */
const maskedCrc = (bytes: Uint8Array): number => {
  let crc = ~0 >>> 0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  crc = ~crc >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) % 2 ** 32;
};

/** The records of a TFRecord file; throws on a bad length or data CRC. A truncated tail is reported, not thrown. */
export const readRecords = (bytes: Uint8Array): { records: Uint8Array[]; truncatedTail: boolean } => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) return { records, truncatedTail: true };
    const len = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== maskedCrc(bytes.subarray(at, at + 8))) throw new Error(`record at byte ${at}: bad length CRC`);
    if (at + 12 + len + 4 > bytes.length) return { records, truncatedTail: true };
    const data = bytes.subarray(at + 12, at + 12 + len);
    if (view.getUint32(at + 12 + len, true) !== maskedCrc(data)) throw new Error(`record at byte ${at}: bad data CRC`);
    records.push(data);
    at += 16 + len;
  }
  return { records, truncatedTail: false };
};

let root: protobuf.Root | undefined;

/** TensorBoard's messages, from the .proto files. */
export const protos = (): protobuf.Root => {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => (target.startsWith("google/") ? target : join(PROTO_DIR, target));
  r.loadSync(readdirSync(PROTO_DIR).filter((f) => f.endsWith(".proto")), { keepCase: true });
  root = r;
  return r;
};

const CONVERT: protobuf.IConversionOptions = { longs: Number, enums: String, oneofs: true, defaults: false, arrays: true };

/** Decodes bytes as the named message into a plain object (longs as numbers, enums as names). */
export const decode = (type: string, bytes: Uint8Array): Record<string, any> => {
  const t = protos().lookupType(type);
  return t.toObject(t.decode(bytes), CONVERT);
};

/** Every Event of an event file, decoded. */
export const readEvents = (path: string): Record<string, any>[] => readRecords(readFileSync(path)).records.map((r) => decode("tensorboard.Event", r));

/** The event files of a directory (not recursive). */
export const eventFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.startsWith("events.out.tfevents."))
    .map((f) => join(dir, f));
