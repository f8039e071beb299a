// Private: a CRC-32 (IEEE, as zlib.crc32 and Python's zlib.crc32) sealing each line of a recording, so an edited line is detected.
import { crc32 } from "../io/_crc32.js";

/** The CRC-32 of the UTF-8 bytes of `text`, as 8 lower-case hex digits. */
export const crc32Hex = (text: string): string => crc32(new TextEncoder().encode(text)).toString(16).padStart(8, "0");

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
