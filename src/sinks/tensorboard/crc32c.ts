// CRC-32C (Castagnoli), as TFRecord framing checksums records, and TFRecord's masked form of it.

// Reflected polynomial 0x1EDC6F41, byte-at-a-time table (fast enough: event records are small).
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * The CRC-32C of `bytes` as an unsigned 32-bit number.
 * @example
 * crc32c(new TextEncoder().encode("123456789")); // 0xe3069283
 */
export const crc32c = (bytes: Uint8Array): number => {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
};

/** TFRecord's masked CRC: rotate right by 15 and add a constant, so CRCs of CRCs stay well distributed. */
export const maskedCrc32c = (bytes: Uint8Array): number => {
  const crc = crc32c(bytes);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
};
