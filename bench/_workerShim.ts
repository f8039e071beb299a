// A browser-Worker shim over node:worker_threads, so that jax-js (which spawns Web Workers on a shared Wasm memory
// when `Worker` and `SharedArrayBuffer` exist) runs multi-threaded in Node. Bench-only: stock Node has no `Worker`.
import { resolveObjectURL } from "node:buffer";
import { Worker as NodeWorker } from "node:worker_threads";

// What a Web Worker's global scope offers that the jax-js worker source uses: `self.onmessage` and `postMessage`.
const PRELUDE = `
const { parentPort } = require("node:worker_threads");
globalThis.self = globalThis;
globalThis.postMessage = (data) => parentPort.postMessage(data);
parentPort.on("message", (data) => self.onmessage && self.onmessage({ data }));
`;

/** The subset of the Web Worker API that jax-js uses: construct from a blob: URL, postMessage, onmessage, onerror. */
class ShimWorker {
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: ((e: { message: string }) => void) | null = null;
  #worker: NodeWorker | null = null;
  #queue: unknown[] = [];

  constructor(url: string | URL) {
    const blob = resolveObjectURL(String(url));
    if (!blob) throw new Error(`worker shim: ${String(url)} is not a live blob: URL`);
    void blob.text().then((source) => {
      const w = new NodeWorker(PRELUDE + source, { eval: true });
      w.unref();
      w.on("message", (data: unknown) => this.onmessage?.({ data }));
      w.on("error", (e: Error) => this.onerror?.({ message: e.message }));
      this.#worker = w;
      for (const m of this.#queue) w.postMessage(m);
      this.#queue = [];
    });
  }

  postMessage(data: unknown): void {
    if (this.#worker) this.#worker.postMessage(data);
    else this.#queue.push(data);
  }

  terminate(): void {
    void this.#worker?.terminate();
  }
}

/** Installs the shim with `threads` as `navigator.hardwareConcurrency` (jax-js's worker count); call before jax-js starts. */
export const installWorkerShim = (threads: number): void => {
  const g = globalThis as unknown as { Worker?: unknown; navigator?: { hardwareConcurrency?: number } };
  g.Worker = ShimWorker;
  if (g.navigator === undefined) g.navigator = { hardwareConcurrency: threads };
  else Object.defineProperty(g.navigator, "hardwareConcurrency", { value: threads, configurable: true });
};
