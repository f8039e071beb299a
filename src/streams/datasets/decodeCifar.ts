// The CIFAR-10/100 binary format: fixed-size records of label byte(s) then a 32×32 RGB image stored channel-major (CHW).
import { corruptDataset } from "./CorruptDataset.js";

/** CIFAR's image side and the pixel bytes per record (3 channels × 32 × 32). */
export const CIFAR_SIDE = 32;
const PIXELS = 3 * CIFAR_SIDE * CIFAR_SIDE;

/** Decoded CIFAR records: images [n, 3, 32, 32] uint8 (CHW, as stored), and one label array per label byte. */
export interface CifarRecords {
  readonly length: number;
  readonly images: Uint8Array;
  /** CIFAR-10: [labels]; CIFAR-100: [coarse labels, fine labels], the order of the bytes in each record. */
  readonly labels: readonly Uint8Array[];
}

export interface DecodeCifarOptions {
  /** Named in errors. */
  readonly source?: string;
  /** Label bytes per record: 1 for CIFAR-10, 2 (coarse, fine) for CIFAR-100. */
  readonly labelBytes?: 1 | 2;
  /** The number of classes for each label byte, to reject out-of-range labels (CIFAR-10: [10]; CIFAR-100: [20, 100]). */
  readonly numClasses?: readonly number[];
}

/**
 * Decodes a CIFAR binary batch file (`data_batch_1.bin`, `test_batch.bin`, `train.bin`, ...). Throws a CorruptDataset naming
 * `source` when the size is not a whole number of records or a label is out of range.
 * @example
 * const { length, images, labels } = decodeCifar(bytes, { source: "data_batch_1.bin" }); // length 10000
 */
export const decodeCifar = (bytes: Uint8Array, { source = "CIFAR data", labelBytes = 1, numClasses }: DecodeCifarOptions = {}): CifarRecords => {
  const record = labelBytes + PIXELS;
  const what = labelBytes === 1 ? "CIFAR-10" : "CIFAR-100";
  if (bytes.length === 0 || bytes.length % record !== 0)
    throw corruptDataset(source,
      `wrong record size: ${bytes.length} bytes is not a whole number of ${what} records of ${record} bytes (${labelBytes} label byte${labelBytes === 1 ? "" : "s"} + ${PIXELS} pixel bytes); ${Math.floor(bytes.length / record)} records and ${bytes.length % record} bytes left over`,
    );
  const length = bytes.length / record;
  const images = new Uint8Array(length * PIXELS);
  const labels = Array.from({ length: labelBytes }, () => new Uint8Array(length));
  for (let i = 0; i < length; i++) {
    const at = i * record;
    for (let j = 0; j < labelBytes; j++) {
      const label = bytes[at + j]!;
      const limit = numClasses?.[j];
      if (limit !== undefined && label >= limit)
        throw corruptDataset(source, `record ${i} has label ${label}, out of range for ${limit} classes (is this the right file? ${what} records have ${record} bytes)`);
      labels[j]![i] = label;
    }
    images.set(bytes.subarray(at + labelBytes, at + record), i * PIXELS);
  }
  return { length, images, labels };
};
