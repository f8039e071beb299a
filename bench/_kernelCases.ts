// A primitive's kernel beside its reference on fixed inputs, timed call by call in CPU step scopes (shared by
// bench/layoutKernels.ts and bench/poolKernels.ts).
import type { Buf, Kernel, OutSpec } from "../src/ops/backend.js";
import type { AnyTypedArray } from "../src/ops/dtype.js";
import type { Prim, PrimParams } from "../src/ops/primitive.js";
import { beginCpuScope, endCpuScope } from "../src/ops/cpu/_storagePool.js";

type Arr = AnyTypedArray;

/** One call to time: the kernel, and the reference it replaced (null: nothing to compare with). */
export interface KernelCase<P extends Prim> {
  readonly name: string;
  readonly inputs: readonly Buf<Arr>[];
  readonly params: PrimParams[P];
  readonly out: OutSpec;
  readonly kernel: Kernel<Arr, P>;
  readonly reference: Kernel<Arr, P> | null;
}

/** Erases a case's primitive so that cases of several primitives share one list. */
export const kernelCase = <P extends Prim>(x: KernelCase<P>): KernelCase<Prim> => x as unknown as KernelCase<Prim>;

/** Minimum milliseconds of one call over `n`, each call in its own step scope (storage recycled, as in a training step). */
const bestMs = (k: Kernel<Arr, Prim>, cs: KernelCase<Prim>, n: number): number => {
  let best = Infinity;
  for (let r = 0; r < n; r++) {
    const scope = beginCpuScope();
    const t = performance.now();
    k(cs.inputs, cs.params, cs.out);
    best = Math.min(best, performance.now() - t);
    endCpuScope(scope, new Set());
  }
  return best;
};

/**
 * The reference's and the kernel's best milliseconds for each case, alternated in three rounds so that load from
 * other processes falls on both alike (NaN for the reference where there is none).
 */
export const timeKernelCases = (cases: readonly KernelCase<Prim>[], reps: number): { readonly cs: KernelCase<Prim>; readonly reference: number; readonly kernel: number }[] =>
  cases.map((cs) => {
    let reference = Infinity, kernel = Infinity;
    for (let round = 0; round < 3; round++) {
      if (cs.reference) reference = Math.min(reference, bestMs(cs.reference, cs, reps));
      kernel = Math.min(kernel, bestMs(cs.kernel, cs, reps));
    }
    return { cs, reference: cs.reference ? reference : NaN, kernel };
  });
