// The machine's 128-bit WebAssembly SIMD multiply-add peak: a Wasm module, generated here as bytes (no toolchain), whose
// loop advances CHAINS independent f32x4 chains acc = acc·m + c, timed on one worker thread and on several at once.
import { Worker } from "node:worker_threads";

// The project's TypeScript libs declare no WebAssembly namespace; the little used here, typed.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
};

/** Independent chains: enough to cover the mul→add latency on two multiply and two add pipes, few enough to stay in registers. */
export const CHAINS = 12;
/** Floating-point operations per loop iteration: a 4-lane multiply and a 4-lane add per chain. */
export const FLOPS_PER_ITERATION = CHAINS * 8;

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const f32 = (x: number): number[] => [...new Uint8Array(new Float32Array([x]).buffer)];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const SIMD = 0xfd;
const splat = [SIMD, ...leb(0x13)], mul = [SIMD, ...leb(0xe6)], add = [SIMD, ...leb(0xe4)], lane0 = [SIMD, ...leb(0x1f), 0];
const [LOCAL_GET, LOCAL_SET, LOCAL_TEE, F32_CONST, I32_CONST, I32_SUB, LOOP, BR_IF, END, V128, BLOCKTYPE_EMPTY] = [0x20, 0x21, 0x22, 0x43, 0x41, 0x6b, 0x03, 0x0d, 0x0b, 0x7b, 0x40];

/**
 * The module's bytes: `run(iterations: i32) -> f32` runs the chains `iterations` (≥ 1) times from acc_i = (i+1)/100,
 * m = 0.5, c = 1 (values converge to 2: no overflow, no denormals) and returns the sum of the chains' first lanes.
 */
export const simd128Module = (): Uint8Array => {
  const acc = (i: number) => 1 + i; // local 0 is the parameter
  const [m, c] = [1 + CHAINS, 2 + CHAINS];
  const body: number[] = [
    1, ...leb(CHAINS + 2), V128, // one run of locals: the accumulators, m and c
    F32_CONST, ...f32(0.5), ...splat, LOCAL_SET, m,
    F32_CONST, ...f32(1), ...splat, LOCAL_SET, c,
    ...Array.from({ length: CHAINS }, (_, i) => [F32_CONST, ...f32((i + 1) / 100), ...splat, LOCAL_SET, acc(i)]).flat(),
    LOOP, BLOCKTYPE_EMPTY,
    ...Array.from({ length: CHAINS }, (_, i) => [LOCAL_GET, acc(i), LOCAL_GET, m, ...mul, LOCAL_GET, c, ...add, LOCAL_SET, acc(i)]).flat(),
    LOCAL_GET, 0, I32_CONST, 1, I32_SUB, LOCAL_TEE, 0, BR_IF, 0,
    END,
    LOCAL_GET, acc(0), ...lane0,
    ...Array.from({ length: CHAINS - 1 }, (_, i) => [LOCAL_GET, acc(i + 1), ...lane0, 0x92 /* f32.add */]).flat(),
    END,
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7d]), // type 0: (i32) -> f32
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(7, [1, 3, ...[..."run"].map((ch) => ch.charCodeAt(0)), 0x00, 0]), // export "run" = function 0
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
};

/** Whether this engine has WebAssembly SIMD (it validates the module). */
export const simd128Supported = (): boolean => WebAssembly.validate(simd128Module());

/** `run` of the module, instantiated in this thread. */
export const simd128Run = (): ((iterations: number) => number) =>
  (new WebAssembly.Instance(new WebAssembly.Module(simd128Module())).exports as { run: (n: number) => number }).run;

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const run = new WebAssembly.Instance(new WebAssembly.Module(workerData)).exports.run;
parentPort.on("message", (iterations) => parentPort.postMessage(run(iterations)));
`;

/** A gang of `threads` workers each running the loop; `run(iterations)` resolves when every one has run it. */
export const simd128Gang = (threads: number): { run(iterations: number): Promise<number[]>; close(): void } => {
  const bytes = simd128Module();
  const workers = Array.from({ length: threads }, () => new Worker(WORKER, { eval: true, workerData: bytes }));
  workers.forEach((w) => w.unref());
  return {
    run: (iterations) => Promise.all(workers.map((w) => new Promise<number>((resolve, reject) => {
      w.once("message", resolve);
      w.once("error", reject);
      w.postMessage(iterations);
    }))),
    close: () => workers.forEach((w) => void w.terminate()),
  };
};
