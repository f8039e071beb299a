// Private: a CRC-32 (IEEE, as zlib.crc32 and Python's zlib.crc32) sealing each line of a recording, so an edited line is detected.

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The CRC-32 of the UTF-8 bytes of `text`, as 8 lower-case hex digits. */
export const crc32Hex = (text: string): string => {
  const bytes = new TextEncoder().encode(text);
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ((crc ^ 0xffffffff) >>> 0).toString(16).padStart(8, "0");
};

const SEAL = /,"crc":"([0-9a-f]{8})"\}$/;

/** The JSON text of `line` (an object) with a last field `"crc"`: the CRC-32 of the text before that field. */
export const sealLine = (line: object): string => {
  const body = JSON.stringify(line).slice(0, -1);
  return `${body},"crc":"${crc32Hex(body)}"}`;
};

/** Why a sealed line's checksum does not hold ("" when it does). */
export const checkSeal = (text: string): string => {
  const m = SEAL.exec(text);
  if (m === null) return 'no checksum (a line ends with ,"crc":"<8 hex digits>"})';
  const found = crc32Hex(text.slice(0, m.index));
  return found === m[1] ? "" : `checksum mismatch: the line's CRC-32 is ${found}, its "crc" says ${m[1]} (the line was edited or corrupted)`;
};
