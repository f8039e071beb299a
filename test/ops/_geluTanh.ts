// The tanh-approximate GELU's torch fixtures (gen_gelu_tanh.py) and its derivatives computed on any device.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gelu, grad, mul, sum, type Backend, type Tensor } from "../../src/index.js";
import { fromJsonOn, type TensorJson } from "../_harness.js";

/** torch's values: y = gelu(x), dx = d/dx sum(y·c), and the second derivatives of sum(dx·v) in x and c. */
export interface Derivatives { readonly y: TensorJson; readonly dx: TensorJson; readonly d2x: TensorJson; readonly d2c: TensorJson }
/** The fixture: inputs x, cotangents c and v, and torch's derivatives in float32 and in float64 (rounded to float32). */
export const fx = JSON.parse(readFileSync(fileURLToPath(new URL("../fixtures/gelu_tanh.json", import.meta.url)), "utf8")) as {
  x: TensorJson; c: TensorJson; v: TensorJson; float32: Derivatives; float64: Derivatives;
};

/** The op under test. */
export const geluTanh = (v: Tensor): Tensor => gelu(v, { approximate: "tanh" });

/** y, dx = d/dx sum(y·c), and the second derivatives of sum(dx·v) in x and in c, all on `device`. */
export const derivatives = (device: Backend): Record<keyof Derivatives, Tensor> => {
  const [x, c, v] = [fx.x, fx.c, fx.v].map(fromJsonOn(device)) as [Tensor, Tensor, Tensor];
  const dxOf = (xv: Tensor, cv: Tensor) => grad((w: Tensor) => sum(mul(geluTanh(w), cv)))(xv);
  const [d2x, d2c] = grad(([xv, cv]: Tensor[]) => sum(mul(dxOf(xv!, cv!), v)))([x, c]);
  return { y: geluTanh(x), dx: dxOf(x, c), d2x: d2x!, d2c: d2c! };
};

