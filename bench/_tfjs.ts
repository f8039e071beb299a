// Loads the peers: @tensorflow/tfjs with its `cpu` backend and @tensorflow/tfjs-backend-wasm.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { Tf, TfBackend } from "./workload.js";

/** Imports tfjs and registers the wasm backend, whose .wasm files are loaded from the installed package. */
export const loadTfjs = async (): Promise<Tf> => {
  const mod = (await import("@tensorflow/tfjs")) as Tf & { default?: Tf };
  const tf = mod.default ?? mod;
  const wasm = (await import("@tensorflow/tfjs-backend-wasm")) as typeof import("@tensorflow/tfjs-backend-wasm") & {
    default?: typeof import("@tensorflow/tfjs-backend-wasm");
  };
  // In Node the wasm loader takes a directory path (with a trailing slash), not a URL.
  const dist = dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm")) + "/";
  (wasm.default ?? wasm).setWasmPaths(dist);
  return tf;
};

/** Switches tfjs to `backend`; returns false when it does not start. */
export const useBackend = async (tf: Tf, backend: TfBackend): Promise<boolean> => {
  const ok = await tf.setBackend(backend);
  await tf.ready();
  return ok && tf.getBackend() === backend;
};

/** What the wasm backend runs with (SIMD, threads), for the machine description. */
export const wasmFeatures = (tf: Tf): { simd: boolean; threads: boolean } => {
  const flag = (name: string) => {
    try {
      return tf.env().getBool(name);
    } catch {
      return false;
    }
  };
  return { simd: flag("WASM_HAS_SIMD_SUPPORT"), threads: flag("WASM_HAS_MULTITHREAD_SUPPORT") };
};
