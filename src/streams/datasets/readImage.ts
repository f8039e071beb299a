// Reading one image file (JPEG/PNG) into an RGB Image: the curriculum's `Image.open(path)`, at the edge.
import { Effect } from "effect";
import { fsCall, type FileSystemError } from "../../io/FileSystemError.js";
import type { Image } from "../Image.js";
import type { CorruptDataset } from "./CorruptDataset.js";
import { decodeImage } from "./decodeImage.js";
import { decodeFile } from "./_datasetFiles.js";

/**
 * Reads and decodes a JPEG or PNG file to an RGB Image; fails with a FileSystemError or a CorruptDataset naming the file.
 * @example
 * const img = await Effect.runPromise(loadImage("data/train/ants/0013035.jpg"));
 */
export const loadImage = (path: string): Effect.Effect<Image, FileSystemError | CorruptDataset> =>
  Effect.gen(function* () {
    const { readFile } = yield* Effect.promise(() => import("node:fs/promises"));
    const bytes = yield* fsCall("read", path, () => readFile(path));
    return yield* decodeFile(path, () => decodeImage(bytes, { source: path }));
  });

/**
 * Promise form of loadImage, for PIL's `Image.open(path).convert("RGB")`.
 * @example
 * const img = await readImage("data/train/bees/39747887_42df2855ee.jpg");
 * [img.height, img.width, img.channels];
 */
export const readImage = (path: string): Promise<Image> => Effect.runPromise(loadImage(path));
