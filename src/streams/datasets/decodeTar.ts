// The tar archive format (POSIX ustar and GNU long names): the entries of an uncompressed archive, as dataset tarballs hold them.

/** One archive member: its path inside the archive, its kind and (for files) its bytes. */
export interface TarEntry {
  readonly name: string;
  readonly type: "file" | "directory" | "other";
  readonly data: Uint8Array;
}

const BLOCK = 512;
const text = (b: Uint8Array): string => new TextDecoder().decode(b.subarray(0, b.indexOf(0) === -1 ? b.length : b.indexOf(0)));
const octal = (b: Uint8Array): number => {
  const s = text(b).trim();
  return s === "" ? 0 : parseInt(s, 8);
};

/**
 * Lists the members of an uncompressed tar archive (gunzip a .tar.gz first). Throws an Error naming `source` for a
 * truncated archive or a header whose checksum does not match, never returning part of a file.
 * @example
 * const entries = decodeTar(gunzipSync(readFileSync("cifar-10-binary.tar.gz")), { source: "cifar-10-binary.tar.gz" });
 */
export const decodeTar = (bytes: Uint8Array, { source = "tar archive" }: { source?: string } = {}): TarEntry[] => {
  const entries: TarEntry[] = [];
  let longName: string | undefined;
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return entries; // the end-of-archive marker
    const stored = octal(header.subarray(148, 156));
    // The checksum is the byte sum of the header with its own field read as spaces.
    const sum = header.reduce((s, b, i) => s + (i >= 148 && i < 156 ? 0x20 : b), 0);
    if (stored !== sum) throw new Error(`${source}: bad tar header at byte ${at} (checksum ${stored}, computed ${sum}): not a tar archive, or corrupt`);
    const size = octal(header.subarray(124, 136));
    const flag = String.fromCharCode(header[156]!);
    const prefix = text(header.subarray(345, 500));
    const name = longName ?? (prefix === "" ? text(header.subarray(0, 100)) : `${prefix}/${text(header.subarray(0, 100))}`);
    const start = at + BLOCK;
    if (start + size > bytes.length) throw new Error(`${source}: truncated tar archive: ${name} needs ${size} bytes at byte ${start}, the archive has ${bytes.length}`);
    const data = bytes.subarray(start, start + size);
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === "L") {
      // GNU long name: this member's data is the next member's name.
      longName = text(data);
      continue;
    }
    longName = undefined;
    const type = flag === "0" || flag === "\0" ? "file" : flag === "5" ? "directory" : "other";
    entries.push({ name, type, data: type === "file" ? data.slice() : new Uint8Array(0) });
  }
  // Like Python's tarfile, accept an archive that ends right after a member without the end-of-archive marker.
  if (at === bytes.length) return entries;
  throw new Error(`${source}: truncated tar archive: ${bytes.length - at} stray bytes after ${entries.length} entries`);
};
