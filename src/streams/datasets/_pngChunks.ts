// Private: checks a PNG's chunk structure (lengths, CRCs, IHDR, IDAT, IEND) so a corrupt file is described in the format's terms.
import { crc32 } from "../../io/_crc32.js";

const COLOR_DEPTHS: Readonly<Record<number, readonly number[]>> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/** What is wrong with the chunks of `bytes` (a PNG signature already seen), or undefined when they are sound. */
export const pngChunkProblem = (bytes: Uint8Array): string | undefined => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const typeAt = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  let at = 8;
  let seenIdat = false;
  for (let index = 0; ; index++) {
    if (at + 12 > bytes.length)
      return `truncated: ${at === bytes.length ? "the file ends" : `${bytes.length - at} stray bytes`} after ${index} chunks, without the IEND chunk`;
    const length = view.getUint32(at, false);
    const type = typeAt(at + 4);
    const where = `chunk ${index} (${/^[A-Za-z]{4}$/.test(type) ? type : "not a chunk type"}) at byte ${at}`;
    if (!/^[A-Za-z]{4}$/.test(type)) return `${where}: the chunk type is not four letters (corrupt data)`;
    if (length > 0x7fffffff || at + 12 + length > bytes.length)
      return `truncated: ${where} declares ${length} data bytes, but the file ends ${bytes.length - at - 12} bytes after its header`;
    const stored = view.getUint32(at + 8 + length, false);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== stored) return `${where}: CRC mismatch (the chunk is corrupt)`;
    if (index === 0) {
      if (type !== "IHDR" || length !== 13) return `${where}: the first chunk must be a 13-byte IHDR`;
      const [width, height] = [view.getUint32(at + 8, false), view.getUint32(at + 12, false)];
      const [depth, color] = [bytes[at + 16]!, bytes[at + 17]!];
      if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return `IHDR: invalid size ${width}×${height}`;
      if (!(COLOR_DEPTHS[color] ?? []).includes(depth)) return `IHDR: invalid colour type ${color} with bit depth ${depth}`;
      if (bytes[at + 18] !== 0 || bytes[at + 19] !== 0 || bytes[at + 20]! > 1) return "IHDR: unknown compression, filter or interlace method";
    }
    if (type === "IDAT") seenIdat = true;
    if (type === "IEND") return seenIdat ? undefined : "no IDAT chunk: the file holds no image data";
    at += 12 + length;
  }
};
