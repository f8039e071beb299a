// Fuzz test for decodeCifar: thousands of seeded mutations of CIFAR-10/100 batches; each decodes to the records sliced independently or throws a CorruptDataset.
import { describe, expect, it } from "vitest";
import { CorruptDataset, decodeCifar } from "../../../src/streams/datasets/index.js";
import { below, mutateBytes, seeded } from "../../_fuzz.js";

/** `n` records of `labelBytes` label bytes (in range) and 3072 pixel bytes. */
const batch = (n: number, labelBytes: 1 | 2): Uint8Array => {
  const record = labelBytes + 3072;
  return Uint8Array.from({ length: n * record }, (_, k) => (k % record < labelBytes ? (Math.floor(k / record) * 3 + (k % record)) % 10 : (k * 7) % 256));
};

describe("decodeCifar on mutated batches", () => {
  it("3000 mutations: a CorruptDataset, or the labels and pixels of each record as stored", () => {
    const next = seeded(1234);
    const cases = [
      { base: batch(3, 1), labelBytes: 1 as const, numClasses: [10] },
      { base: batch(2, 2), labelBytes: 2 as const, numClasses: [20, 100] },
    ];
    let [decoded, rejected] = [0, 0];
    for (let i = 0; i < 3000; i++) {
      const { base, labelBytes, numClasses } = cases[below(next, 2)]!;
      // Byte edits, and sometimes a whole label byte set to an arbitrary value (the size stays a whole number of records).
      const bytes = next() < 0.5 ? mutateBytes(base, next) : base.slice();
      const record = labelBytes + 3072;
      if (bytes.length === base.length && next() < 0.5) bytes[below(next, bytes.length / record) * record + below(next, labelBytes)] = below(next, 30);
      let result: ReturnType<typeof decodeCifar>;
      try {
        result = decodeCifar(bytes, { source: `mutant ${i}`, labelBytes, numClasses });
      } catch (e) {
        if (!(e instanceof CorruptDataset)) throw new Error(`mutant ${i}: ${String(e)} is not a CorruptDataset`);
        expect(e.file).toBe(`mutant ${i}`);
        // Rejected only for a size that is not whole records, or a label out of range.
        const n = bytes.length / record;
        const labelsOk = Number.isInteger(n) && n > 0 && Array.from({ length: n }, (_, r) => r).every((r) => numClasses.every((c, j) => bytes[r * record + j]! < c));
        expect(labelsOk, `mutant ${i} rejected: ${e.reason}`).toBe(false);
        rejected++;
        continue;
      }
      expect(result.length).toBe(bytes.length / record);
      for (let r = 0; r < result.length; r++) {
        for (let j = 0; j < labelBytes; j++) expect(result.labels[j]![r]).toBe(bytes[r * record + j]);
        expect(Buffer.from(result.images.subarray(r * 3072, (r + 1) * 3072)).equals(Buffer.from(bytes.subarray(r * record + labelBytes, (r + 1) * record))), `mutant ${i} record ${r}`).toBe(true);
      }
      decoded++;
    }
    expect(decoded).toBeGreaterThan(300);
    expect(rejected).toBeGreaterThan(1000);
  });
});
