// Fuzz test for decodeIdx: thousands of seeded mutations of IDX files; each decodes to what the header declares (read independently) or throws a CorruptDataset.
import { describe, expect, it } from "vitest";
import { CorruptDataset, decodeIdx } from "../../../src/streams/datasets/index.js";
import { below, mutateBytes, seeded } from "../../_fuzz.js";
import { idx, tinyMnist } from "./_fixtures.js";

const { images, labels } = tinyMnist(5, 4, 3);
const floats = idx(0x00000d02, [2, 3], Uint8Array.from({ length: 24 }, (_, i) => (i * 37) % 256));
const bases = [images, labels, floats];

/** The header read byte by byte: element size by type code, big-endian dimensions; undefined when the file cannot hold it. */
const declared = (b: Uint8Array): { shape: number[]; size: number; header: number } | undefined => {
  const size = ({ 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 } as Record<number, number>)[b[2]!];
  if (b.length < 4 || b[0] !== 0 || b[1] !== 0 || size === undefined || b[3] === 0) return undefined;
  const header = 4 + 4 * b[3]!;
  if (b.length < header) return undefined;
  const shape = Array.from({ length: b[3]! }, (_, i) => ((b[4 + 4 * i]! << 24) | (b[5 + 4 * i]! << 16) | (b[6 + 4 * i]! << 8) | b[7 + 4 * i]!) >>> 0);
  return b.length === header + shape.reduce((a, d) => a * d, size) ? { shape, size, header } : undefined;
};

describe("decodeIdx on mutated files", () => {
  it("4000 mutations: a CorruptDataset, or exactly the declared shape and bytes", () => {
    const next = seeded(99);
    let [decoded, rejected] = [0, 0];
    for (let i = 0; i < 4000; i++) {
      const bytes = mutateBytes(bases[below(next, bases.length)]!, next);
      const expected = declared(bytes);
      let result: ReturnType<typeof decodeIdx>;
      try {
        result = decodeIdx(bytes, { source: `mutant ${i}` });
      } catch (e) {
        if (!(e instanceof CorruptDataset)) throw new Error(`mutant ${i}: ${String(e)} is not a CorruptDataset`);
        expect(e.file).toBe(`mutant ${i}`);
        expect(expected, `mutant ${i} was rejected (${e.reason}) though its header is consistent`).toBeUndefined();
        rejected++;
        continue;
      }
      expect(expected, `mutant ${i} decoded though its header is inconsistent`).toBeDefined();
      expect([...result.shape]).toEqual(expected!.shape);
      // Each element read independently, big-endian, by the type code; NaN payloads compare as NaN.
      const view = new DataView(bytes.buffer, bytes.byteOffset + expected!.header);
      const read = (k: number): number =>
        ({ 8: () => view.getUint8(k), 9: () => view.getInt8(k), 11: () => view.getInt16(2 * k), 12: () => view.getInt32(4 * k), 13: () => view.getFloat32(4 * k), 14: () => view.getFloat64(8 * k) })[bytes[2] as 8]();
      const want = Array.from({ length: result.data.length }, (_, k) => read(k));
      expect(Array.from(result.data, (v) => (Number.isNaN(v) ? "NaN" : v)), `mutant ${i} values`).toEqual(want.map((v) => (Number.isNaN(v) ? "NaN" : v)));
      decoded++;
    }
    expect(decoded).toBeGreaterThan(300);
    expect(rejected).toBeGreaterThan(2000);
  });
});
