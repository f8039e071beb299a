// Safetensors files on disk: Effect programs with typed errors, and Promise conveniences named after safetensors' Python API.
import { Effect } from "effect";
import type { Tensor } from "../ops/Tensor.js";
import type { Backend } from "../ops/backend.js";
import { planSafetensors, writeSafetensors, type SafetensorsMetadata } from "./encodeSafetensors.js";
import { decodeSafetensors, type Safetensors } from "./decodeSafetensors.js";
import { SafetensorsError, safetensorsError } from "./SafetensorsError.js";
import { FileSystemError, fsCall } from "./FileSystemError.js";
import { writeFileAtomic } from "./writeFileAtomic.js";

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Saves named tensors (from any device) and optional metadata to `path` atomically: nothing is written when the
 * tensors are invalid, and a failed write leaves neither a partial file nor a temporary one.
 * @example
 * await Effect.runPromise(saveSafetensors("mlp.safetensors", flattenStateDict(params)));
 */
export const saveSafetensors = (
  path: string,
  tensors: Readonly<Record<string, Tensor>>,
  metadata?: SafetensorsMetadata,
): Effect.Effect<void, SafetensorsError | FileSystemError> =>
  Effect.gen(function* () {
    const layout = yield* Effect.try({
      try: () => planSafetensors(`saveSafetensors: ${path}`, tensors, metadata),
      catch: (e) => safetensorsError(path, reasonOf(e), e),
    });
    const data = yield* Effect.tryPromise({
      try: () => Promise.all(layout.entries.map((e) => e.tensor.data())),
      catch: (e) => safetensorsError(path, `saveSafetensors: ${path}: reading tensor data back from the device failed: ${reasonOf(e)}`, e),
    });
    yield* writeFileAtomic(path, writeSafetensors(layout, data));
  });

export interface LoadSafetensorsOptions {
  /** Where the tensors are created (the default device otherwise). */
  readonly device?: Backend;
}

/**
 * Reads and decodes a safetensors file (see decodeSafetensors for the checks and dtype conversions).
 * @example
 * const { tensors, metadata } = await Effect.runPromise(loadSafetensors("mlp.safetensors"));
 */
export const loadSafetensors = (path: string, { device }: LoadSafetensorsOptions = {}): Effect.Effect<Safetensors, SafetensorsError | FileSystemError> =>
  Effect.gen(function* () {
    // Loaded lazily so that importing rivulet in a browser does not fail; only reading files needs Node.
    const { readFile } = yield* Effect.promise(() => import("node:fs/promises"));
    const bytes = yield* fsCall("read", path, () => readFile(path));
    return yield* Effect.try({
      try: () => decodeSafetensors(bytes, { source: path, device }),
      catch: (e) => safetensorsError(path, reasonOf(e), e),
    });
  });

/**
 * Promise form of saveSafetensors with safetensors' Python argument order, `save_file(tensors, filename, metadata)`.
 * Rejects with a SafetensorsError or FileSystemError.
 * @example
 * await saveFile({ x: arange(4) }, "x-file.safetensors");
 */
export const saveFile = (tensors: Readonly<Record<string, Tensor>>, filename: string, metadata?: SafetensorsMetadata): Promise<void> =>
  Effect.runPromise(saveSafetensors(filename, tensors, metadata));

/**
 * Promise form of loadSafetensors returning just the tensors, like safetensors' Python `load_file(filename)`.
 * Rejects with a SafetensorsError or FileSystemError.
 * @example
 * const { x } = await loadFile("x-file.safetensors");
 */
export const loadFile = async (filename: string, options: LoadSafetensorsOptions = {}): Promise<Readonly<Record<string, Tensor>>> =>
  (await Effect.runPromise(loadSafetensors(filename, options))).tensors;
