// Test helpers: tiny dataset files written byte by byte in the real formats (IDX, gzip), in temporary folders.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { gzipSync } from "node:zlib";

/** An IDX file: magic 0x0000TTDD, big-endian dimensions, then the bytes. */
export const idx = (magic: number, dims: readonly number[], body: Uint8Array): Uint8Array => {
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(body, 4 + 4 * dims.length);
  return out;
};

/** n images of h×w where pixel (i, r, c) = (i * 31 + r * w + c) mod 256, and labels i mod 10. */
export const tinyMnist = (n: number, h = 3, w = 2): { images: Uint8Array; labels: Uint8Array } => {
  const pixels = Uint8Array.from({ length: n * h * w }, (_, k) => (Math.floor(k / (h * w)) * 31 + (k % (h * w))) % 256);
  return { images: idx(0x803, [n, h, w], pixels), labels: idx(0x801, [n], Uint8Array.from({ length: n }, (_, i) => i % 10)) };
};

export const gz = (bytes: Uint8Array): Uint8Array => new Uint8Array(gzipSync(bytes));
export const md5 = (bytes: Uint8Array): string => createHash("md5").update(bytes).digest("hex");

/** Writes a file, creating its folders. */
export const put = (path: string, bytes: Uint8Array | string): void => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
};

/** A ustar archive of regular files (names under 100 bytes), ended by two zero blocks, as `tar cf` writes. */
export const tar = (files: Readonly<Record<string, Uint8Array | string>>): Uint8Array => {
  const blocks: Uint8Array[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === "string" ? new TextEncoder().encode(content) : content;
    const header = new Uint8Array(512);
    const field = (at: number, value: string) => header.set(new TextEncoder().encode(value), at);
    field(0, name);
    field(100, "0000644\0");
    field(108, "0000000\0");
    field(116, "0000000\0");
    field(124, `${data.length.toString(8).padStart(11, "0")}\0`);
    field(136, "00000000000\0");
    field(148, "        ");
    field(156, "0");
    field(257, "ustar\0");
    field(263, "00");
    field(148, `${header.reduce((s, b) => s + b, 0).toString(8).padStart(6, "0")}\0 `);
    blocks.push(header, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
};
