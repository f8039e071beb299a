// Worker threads for loaders: datasets re-creatable from a module recipe, and a pool that loads batches in them.
import type { Worker as NodeWorker } from "node:worker_threads";
import type { Dataset } from "./Dataset.js";
import { fromWire } from "./_transfer.js";
import { makeDataset } from "./_makeDataset.js";

/** JSON-able arguments for a dataset factory. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/**
 * How to make a dataset again in another thread: a module (absolute path or file URL) and the name of its
 * export — a dataset, or a function of `args` returning one (or a promise of one) with its transforms applied.
 */
export interface DatasetRecipe {
  readonly module: string;
  readonly export: string;
  readonly args?: readonly Json[];
}

/** A dataset that remembers how to re-create itself, as `loader({ workers })` requires. */
export interface RecreatableDataset<T> extends Dataset<T> {
  readonly recipe: DatasetRecipe;
}

/**
 * Loads a dataset from a module in this thread and records the recipe, so `loader(ds, { workers: n })` can make
 * the same dataset (transforms included) in each worker thread.
 * @example
 * const ds = await workerDataset<Sample<Tensor>>({ module: new URL("./data.ts", import.meta.url).href, export: "fashionTrain", args: ["/data"] });
 * const train = loader(ds, { batchSize: 64, workers: 2 });
 */
export const workerDataset = async <T>(recipe: DatasetRecipe): Promise<RecreatableDataset<T>> => {
  if (typeof recipe?.module !== "string" || typeof recipe.export !== "string")
    throw new Error(`workerDataset: expected { module: string, export: string, args?: JSON[] }, got ${JSON.stringify(recipe)}`);
  if (recipe.args !== undefined && !Array.isArray(recipe.args)) throw new Error(`workerDataset: args must be an array of JSON values, got ${JSON.stringify(recipe.args)}`);
  // Workers receive the recipe by structured clone; a JSON round trip proves it will arrive intact.
  const json = JSON.stringify(recipe.args ?? []);
  if (json !== JSON.stringify(JSON.parse(json))) throw new Error(`workerDataset: args are not JSON-able: ${json}`);
  const { isAbsolute } = await import("node:path");
  if (!recipe.module.startsWith("file:") && !isAbsolute(recipe.module))
    throw new Error(`workerDataset: module must be an absolute path or a file URL (e.g. new URL("./data.ts", import.meta.url).href), got ${JSON.stringify(recipe.module)}`);
  const module = recipe.module.startsWith("file:") ? recipe.module : (await import("node:url")).pathToFileURL(recipe.module).href;
  const full: DatasetRecipe = { ...recipe, module };
  const ds = await makeDataset<T>(full, "workerDataset");
  return { length: ds.length, get: (i) => ds.get(i), recipe: full };
};

/** A set of worker threads loading batches of one dataset; batch b goes to worker b mod n, so order is kept by the caller. */
export interface WorkerPool {
  load(batch: number, indices: readonly number[]): Promise<unknown[]>;
  close(): void;
}

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly samples?: unknown[];
  readonly index?: number;
  readonly message?: string;
}

/** The file URL of tsx's ESM API (tsx/esm/api), resolved from rivulet's own location. */
const tsxApi = async (): Promise<string> => {
  const { createRequire } = await import("node:module");
  const { dirname, join } = await import("node:path");
  const { pathToFileURL } = await import("node:url");
  const { readFile } = await import("node:fs/promises");
  try {
    const manifest = createRequire(import.meta.url).resolve("tsx/package.json");
    const exports = (JSON.parse(await readFile(manifest, "utf8")) as { exports: Record<string, { import: { default: string } }> }).exports;
    return pathToFileURL(join(dirname(manifest), exports["./esm/api"]!.import.default)).href;
  } catch (e) {
    throw new Error(`loader: workers need the tsx package to run rivulet's TypeScript sources in worker threads (or use the built dist/): ${e instanceof Error ? e.message : String(e)}`);
  }
};

/** Starts `count` workers for the recipe (under tsx when rivulet runs from its TypeScript sources). */
export const workerPool = async (recipe: DatasetRecipe, count: number): Promise<WorkerPool> => {
  const { Worker } = await import("node:worker_threads");
  const script = new URL(import.meta.url.endsWith(".ts") ? "./_loaderWorker.ts" : "./_loaderWorker.js", import.meta.url);
  // From the TypeScript sources, each worker first registers tsx's ESM loader (a --import flag is too late for
  // a worker's entry module), then imports the worker module; the built dist/ runs as plain JavaScript.
  const code = import.meta.url.endsWith(".ts")
    ? `import(${JSON.stringify(await tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); })`
    : `import(${JSON.stringify(script.href)})`;
  const pending = new Map<number, { worker: number; resolve: (s: unknown[]) => void; reject: (e: Error) => void; indices: readonly number[]; batch: number }>();
  let nextId = 0;
  let closed = false;
  const workers: NodeWorker[] = Array.from({ length: count }, (_, w) => {
    const worker = new Worker(code, { eval: true, workerData: recipe });
    worker.on("message", (reply: Reply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (reply.ok) p.resolve((reply.samples ?? []).map(fromWire));
      else
        p.reject(new Error(`loader: worker ${w} failed loading sample ${reply.index} (batch ${p.batch}) of ${recipe.export} from ${recipe.module}: ${reply.message}`));
    });
    const failAll = (why: string): void => {
      for (const [id, p] of pending)
        if (p.worker === w) {
          pending.delete(id);
          p.reject(new Error(`loader: worker ${w} ${why} while loading batch ${p.batch} (samples ${p.indices.slice(0, 8).join(", ")}${p.indices.length > 8 ? ", …" : ""})`));
        }
    };
    worker.on("error", (e) => failAll(`crashed (${e.message})`));
    worker.on("exit", (code) => {
      if (!closed) failAll(`exited with code ${code}`);
    });
    return worker;
  });
  return {
    load: (batch, indices) =>
      new Promise<unknown[]>((resolve, reject) => {
        if (closed) return reject(new Error("loader: the worker pool is closed"));
        const id = nextId++;
        const w = batch % count;
        pending.set(id, { worker: w, resolve, reject, indices, batch });
        workers[w]!.postMessage({ id, indices });
      }),
    close: () => {
      if (closed) return;
      closed = true;
      pending.clear();
      for (const w of workers) void w.terminate();
    },
  };
};
