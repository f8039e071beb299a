// CRC-32C and TFRecord framing against published check values and the tests' own bitwise reader.
import { describe, expect, it } from "vitest";
import { crc32c, maskedCrc32c, encodeTfRecord } from "../../../src/index.js";
import { readRecords } from "./_eventReader.js";

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("crc32c", () => {
  it("matches the standard check values", () => {
    expect(crc32c(bytes("123456789"))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    // RFC 3720 (iSCSI) B.4 test vectors: 32 zeros, 32 × 0xff, 0..31.
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });

  it("masks as TFRecord does", () => {
    const crc = crc32c(bytes("abc"));
    expect(maskedCrc32c(bytes("abc"))).toBe((((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0);
  });
});

describe("encodeTfRecord", () => {
  it("frames data so an independent reader verifies both CRCs", () => {
    const data = [bytes("hello"), new Uint8Array(0), Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)];
    const file = new Uint8Array(data.reduce((n, d) => n + d.length + 16, 0));
    let at = 0;
    for (const d of data) {
      const r = encodeTfRecord(d);
      expect(r.length).toBe(d.length + 16);
      expect(new DataView(r.buffer).getBigUint64(0, true)).toBe(BigInt(d.length));
      file.set(r, at);
      at += r.length;
    }
    const { records, truncatedTail } = readRecords(file);
    expect(truncatedTail).toBe(false);
    expect(records.map((r) => [...r])).toEqual(data.map((d) => [...d]));
  });

  it("is caught by the reader when a byte flips", () => {
    const r = encodeTfRecord(bytes("payload"));
    r[14]! ^= 1;
    expect(() => readRecords(r)).toThrow(/bad data CRC/);
    const s = encodeTfRecord(bytes("payload"));
    s[0]! ^= 1;
    expect(() => readRecords(s)).toThrow(/bad length CRC/);
  });
});
