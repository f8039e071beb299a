// JPEG and PNG bytes to an RGB Image, converting like PIL's `.convert("RGB")` (gray replicated, alpha dropped).
import { corruptDataset } from "./CorruptDataset.js";
import { pngChunkProblem } from "./_pngChunks.js";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import type { Image } from "../Image.js";

const isPng = (b: Uint8Array): boolean => b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array): boolean => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Decodes a JPEG or PNG (recognised by its signature, not its name) into an 8-bit RGB Image, as torchvision's default
 * loader does with PIL's `Image.open(f).convert("RGB")`: grayscale is replicated into three channels, alpha and
 * transparency are dropped (not composited), palettes are expanded, 16-bit samples are reduced to 8 bits.
 * Throws a CorruptDataset naming `source` and what is wrong when the bytes do not decode; a truncated file is an error, never a partial image.
 * @example
 * const image = decodeImage(readFileSync("hymenoptera_data/train/ants/0013035.jpg"), { source: "0013035.jpg" });
 */
export const decodeImage = (bytes: Uint8Array, { source = "image" }: { source?: string } = {}): Image => {
  if (isPng(bytes)) {
    // The structure first, so the message says what is wrong in PNG's terms rather than in the decoder's internals.
    const problem = pngChunkProblem(bytes);
    if (problem !== undefined) throw corruptDataset(source, `corrupt PNG: ${problem}`);
    let png: PNG;
    try {
      png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (e) {
      // Sound chunks that still do not decode: the compressed pixel data (IDAT) is what is left to be wrong.
      throw corruptDataset(source, `corrupt PNG: the compressed image data (IDAT) does not decode (${messageOf(e)})`, e);
    }
    // pngjs always yields RGBA 8-bit (gray and palettes expanded), so dropping alpha is exactly PIL's RGB conversion.
    const { width, height } = png;
    const data = new Uint8Array(width * height * 3);
    for (let p = 0, q = 0; p < width * height; p++, q += 4) {
      data[p * 3] = png.data[q]!;
      data[p * 3 + 1] = png.data[q + 1]!;
      data[p * 3 + 2] = png.data[q + 2]!;
    }
    return { data, height, width, channels: 3 };
  }
  if (isJpeg(bytes)) {
    try {
      // tolerantDecoding off: like PIL (without LOAD_TRUNCATED_IMAGES), a truncated JPEG is an error, not grey blocks.
      const { width, height, data } = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false });
      if (width === 0 || height === 0 || data.length !== width * height * 3) throw new Error(`decoded ${data.length} bytes for ${width}×${height}`);
      return { data, height, width, channels: 3 };
    } catch (e) {
      // jpeg-js's own messages name a marker or table; a JavaScript TypeError or RangeError from inside it only says
      // that the segment data led it astray, so say that (the original stays the cause).
      const internal = e instanceof TypeError || e instanceof RangeError;
      throw corruptDataset(source, `JPEG does not decode: ${internal ? "malformed segment data (corrupt file)" : messageOf(e)}`, e);
    }
  }
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" ");
  throw corruptDataset(source, `not a JPEG or PNG file (it starts with bytes ${head || "(empty file)"}; JPEG starts ff d8 ff, PNG 89 50 4e 47)`);
};
