// Text files as datasets (lines or whole documents), indexed once so samples are read from disk on demand; a seeded train/validation split.
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import type { Dataset } from "../../streams/Dataset.js";
import { readUtf8File } from "../tokenizers/loadTokenizer.js";
import { findFiles } from "./findFiles.js";

/** Options of {@link textDataset}. */
export interface TextDatasetOptions {
  /** Files and glob patterns (`docs/**\/*.txt`). */
  readonly files: string | readonly string[];
  /** `"line"`: one sample per non-empty line (default); `"document"`: one sample per file. */
  readonly mode?: "line" | "document";
  /** The fraction of samples held out for validation (default 0). */
  readonly validation?: number;
  /** Seed of the split. */
  readonly seed?: number;
}

/** A text dataset's two parts and the files it read. */
export interface TextDataset {
  readonly files: readonly string[];
  readonly train: Dataset<string>;
  readonly validation: Dataset<string>;
}

/** A deterministic hash of (seed, index) in [0, 1) (splitmix32-style), so the split does not depend on read order. */
const unit = (seed: number, i: number): number => {
  let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
};

/**
 * A dataset of text samples: each non-empty line of the files (line mode) or each whole file (document mode). Files
 * are checked to be UTF-8 and indexed once (the byte range of every line); `get` reads one sample from disk, so memory
 * holds the index, not the text. Samples go to `validation` with probability `validation`, decided per sample by a
 * seeded hash. Feed a part to `loader` for batches, shuffling, resumption and backpressure.
 * @example
 * const { train, validation } = textDataset({ files: "corpus/*.txt", validation: 0.1, seed: 0 });
 * const lines$ = loader(train, { batchSize: 1, collate: ([line]) => line! }).epoch(0);
 */
export const textDataset = ({ files, mode = "line", validation = 0, seed = 0 }: TextDatasetOptions): TextDataset => {
  if (!(validation >= 0 && validation < 1)) throw new Error(`textDataset: validation must be a fraction in [0, 1), got ${validation}`);
  if (mode !== "line" && mode !== "document") throw new Error(`textDataset: mode must be "line" or "document", got ${JSON.stringify(mode)}`);
  const paths = findFiles(files);
  // Each sample is (file, byte start, byte end); lines are found in the bytes (LF or CRLF), so offsets are exact.
  const file: number[] = [];
  const start: number[] = [];
  const end: number[] = [];
  paths.forEach((path, f) => {
    const text = readUtf8File(path); // validates UTF-8 (names the file and offset) before anything is indexed
    if (mode === "document") {
      file.push(f), start.push(0), end.push(Buffer.byteLength(text));
      return;
    }
    const bytes = readFileSync(path);
    let s = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        const e = i > s && bytes[i - 1] === 0x0d ? i - 1 : i;
        if (e > s) file.push(f), start.push(s), end.push(e);
        s = i + 1;
      }
    }
  });
  const read = (k: number): string => {
    const fd = openSync(paths[file[k]!]!, "r");
    try {
      const buf = Buffer.alloc(end[k]! - start[k]!);
      readSync(fd, buf, 0, buf.length, start[k]!);
      return buf.toString("utf8");
    } finally {
      closeSync(fd);
    }
  };
  const trainIdx: number[] = [];
  const validIdx: number[] = [];
  for (let k = 0; k < file.length; k++) (unit(seed, k) < validation ? validIdx : trainIdx).push(k);
  const part = (idx: readonly number[], name: string): Dataset<string> => ({
    length: idx.length,
    get: (i) => {
      if (!(Number.isInteger(i) && i >= 0 && i < idx.length)) throw new Error(`textDataset.${name}.get: index ${i} is out of range [0, ${idx.length})`);
      return read(idx[i]!);
    },
  });
  return { files: paths, train: part(trainIdx, "train"), validation: part(validIdx, "validation") };
};
