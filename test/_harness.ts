// Test harness: PyTorch fixture cases (forward and gradients) and finite-difference checks for any op.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { Tensor, tensor, valueAndGrad, grad, mul, sum, randn, key, split, add, toDevice, cpuDevice, type Backend, type DType } from "../src/index.js";

export interface TensorJson {
  readonly shape: number[];
  readonly dtype: DType;
  readonly data: (number | string)[];
}

export interface Case {
  readonly name: string;
  readonly op: string;
  readonly params: Record<string, unknown>;
  readonly inputs: TensorJson[];
  readonly output: TensorJson;
  readonly cotangent?: TensorJson;
  readonly grads?: (TensorJson | null)[];
  readonly tol?: number;
}

/** Reads test/fixtures/<group>.json. */
export const loadCases = (group: string): Case[] => {
  const path = fileURLToPath(new URL(`./fixtures/${group}.json`, import.meta.url));
  return (JSON.parse(readFileSync(path, "utf8")) as { cases: Case[] }).cases;
};

const num = (v: number | string): number => (typeof v === "number" ? v : v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity);

/** A fixture tensor as a rivulet tensor. */
export const fromJson = (t: TensorJson): Tensor => tensor(t.data.map(num), { dtype: t.dtype, shape: t.shape });

/** Fixture tensors on a device (a separate function so that `cases.map(fromJson)` keeps working). */
export const fromJsonOn = (device: Backend) => (t: TensorJson): Tensor => tensor(t.data.map(num), { dtype: t.dtype, shape: t.shape, device });

/** Asserts same shape and elementwise |a - e| <= atol + rtol·|e| (NaN matches NaN), naming the first mismatch. */
export const expectClose = (actual: Tensor, expected: TensorJson | Tensor, { atol = 1e-5, rtol = 1e-4 } = {}, label = ""): void => {
  const exp = expected instanceof Tensor ? { shape: [...expected.shape], data: Array.from(expected.dataSync()) } : { shape: expected.shape, data: expected.data.map(num) };
  expect([...actual.shape], `${label} shape`).toEqual(exp.shape);
  const a = actual.dataSync();
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const e = exp.data[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(x) : x === e || Math.abs(x - e) <= atol + rtol * Math.abs(e);
    if (!ok) expect.fail(`${label}: element ${i} is ${x}, expected ${e} (atol ${atol}, rtol ${rtol}); shape [${exp.shape}]`);
  }
};

export type OpRunner = (inputs: Tensor[], params: Record<string, unknown>) => Tensor;

/**
 * Checks one fixture case: the forward output, then the gradients of sum(out · cotangent). With a `device` that reads
 * back asynchronously (WebGPU), everything runs there and the check returns a promise.
 */
export const checkCase = (c: Case, run: OpRunner, tol: { atol?: number; rtol?: number } = {}, device?: Backend): void | Promise<void> => {
  const t = c.tol !== undefined ? { atol: c.tol, rtol: c.tol } : tol;
  const load = device ? fromJsonOn(device) : fromJson;
  const inputs = c.inputs.map(load);
  const out = run(inputs, c.params);
  const checks: [Tensor, TensorJson, string][] = [[out, c.output, `${c.name} output`]];
  if (c.grads && c.cotangent) {
    const cot = load(c.cotangent);
    const idx = c.grads.flatMap((g, i) => (g ? [i] : []));
    const gs = grad((xs: Tensor[]) => {
      const all = inputs.map((x, i) => (idx.includes(i) ? xs[idx.indexOf(i)]! : x));
      return sum(mul(run(all, c.params), cot));
    })(idx.map((i) => inputs[i]!));
    idx.forEach((i, k) => checks.push([gs[k]!, c.grads![i]!, `${c.name} grad of input ${i}`]));
  }
  if (!device || device.readSync) {
    for (const [a, e, label] of checks) expectClose(a, e, t, label);
    return;
  }
  return toDevice(checks.map((x) => x[0]), cpuDevice).then((host) => host.forEach((a, k) => expectClose(a, checks[k]![1], t, checks[k]![2])));
};

/**
 * Compares the gradient of f at xs with central finite differences along random directions
 * (float32 arithmetic, so the tolerance is loose; this catches wrong formulas, not rounding).
 */
export const checkFiniteDifferences = (
  f: (xs: Tensor[]) => Tensor,
  xs: Tensor[],
  { eps = 1e-2, rtol = 2e-2, atol = 2e-3, directions = 2, seed = 0 } = {},
): void => {
  const out = f(xs);
  const cot = randn(key(seed + 1000), out.shape);
  const scalarF = (ys: Tensor[]) => sum(mul(f(ys), cot));
  const [, gs] = valueAndGrad(scalarF)(xs);
  let k = key(seed);
  for (let d = 0; d < directions; d++) {
    const keys = split(k, xs.length + 1);
    k = keys[0]!;
    const vs = xs.map((x, i) => randn(keys[i + 1]!, x.shape));
    const plus = scalarF(xs.map((x, i) => add(x, mul(vs[i]!, eps)))).item();
    const minus = scalarF(xs.map((x, i) => add(x, mul(vs[i]!, -eps)))).item();
    const numeric = (plus - minus) / (2 * eps);
    const analytic = gs.reduce((s, g, i) => s + sum(mul(g, vs[i]!)).item(), 0);
    if (Math.abs(numeric - analytic) > atol + rtol * Math.max(Math.abs(numeric), Math.abs(analytic)))
      expect.fail(`finite differences: direction ${d} gives ${numeric}, the gradient gives ${analytic}`);
  }
};
