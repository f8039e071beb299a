// Linear and Bilinear layers (torch.nn.Linear, torch.nn.Bilinear) with PyTorch's parameter shapes and default initialisation.
import type { Tensor } from "../ops/Tensor.js";
import { applyPrim } from "../ops/apply.js";
import { add, mul } from "../ops/elementwise.js";
import { permute, reshape } from "../ops/layout.js";
import { sum } from "../ops/reduce.js";
import { numel, sameShape, shapeStr } from "../ops/_shape.js";
import { defineModule, type Module } from "./Module.js";
import { kaimingUniform, uniform } from "./init.js";
import { pyBool } from "./_pyrepr.js";
import { checkBool, checkInt } from "./_validate.js";

export interface LinearOptions {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Learn an additive bias (default true). */
  readonly bias?: boolean;
}

/** PyTorch's default bias bound 1/√fan_in (0 for an empty fan, where PyTorch skips it). */
const fanInBound = (fanIn: number): number => (fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0);

/**
 * y = x·Wᵀ + b over the last axis (torch.nn.Linear); weight [out, in] is kaiming-uniform with a = √5 and the
 * bias uniform on ±1/√in, PyTorch's defaults.
 * @example
 * const fc = nn.linear({ inFeatures: 20, outFeatures: 256 });
 * fc.forward(fc.init(key(0)).params, rand(key(1), [2, 20])).shape; // [2, 256]
 */
export const linear = ({ inFeatures, outFeatures, bias = true }: LinearOptions): Module => {
  const kind = "Linear";
  checkInt(kind, "inFeatures", inFeatures, 0);
  checkInt(kind, "outFeatures", outFeatures, 0);
  checkBool(kind, "bias", bias);
  const bound = fanInBound(inFeatures);
  return defineModule({
    kind,
    config: { inFeatures, outFeatures, bias },
    extraRepr: `in_features=${inFeatures}, out_features=${outFeatures}, bias=${pyBool(bias)}`,
    params: {
      weight: { shape: [outFeatures, inFeatures], init: kaimingUniform({ a: Math.sqrt(5) }) },
      ...(bias ? { bias: { shape: [outFeatures], init: uniform({ a: -bound, b: bound }) } } : {}),
    },
    forward: ({ params, fail }, x: Tensor) => {
      if (x.ndim < 1 || x.shape[x.ndim - 1] !== inFeatures)
        fail(`input shape ${shapeStr(x.shape)} must end in inFeatures=${inFeatures} (got ${x.ndim < 1 ? "a 0-d tensor" : x.shape[x.ndim - 1]})`);
      if (x.dtype !== "float32") fail(`input must be float32, got ${x.dtype} (shape ${shapeStr(x.shape)})`);
      const lead = x.shape.slice(0, -1);
      // The matmul primitive reads W as stored transposed, so no copy of the weight is made.
      const y = applyPrim("matmul", [reshape(x, [1, numel(lead), inFeatures]), reshape(params.weight, [1, outFeatures, inFeatures])], {
        transA: false,
        transB: true,
      });
      const out = reshape(y, [...lead, outFeatures]);
      return bias ? add(out, params.bias) : out;
    },
  });
};

export interface BilinearOptions {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  readonly bias?: boolean;
}

/**
 * y_k = x1ᵀ·W_k·x2 + b_k (torch.nn.Bilinear) on a pair of inputs [..., in1] and [..., in2]; weight [out, in1, in2]
 * and bias uniform on ±1/√in1 as in PyTorch.
 * @example
 * const bil = nn.bilinear({ in1Features: 5, in2Features: 4, outFeatures: 3 });
 * bil.forward(params, [x1, x2]).shape; // [N, 3]
 */
export const bilinear = ({ in1Features, in2Features, outFeatures, bias = true }: BilinearOptions): Module<readonly [Tensor, Tensor]> => {
  const kind = "Bilinear";
  checkInt(kind, "in1Features", in1Features, 0);
  checkInt(kind, "in2Features", in2Features, 0);
  checkInt(kind, "outFeatures", outFeatures, 0);
  checkBool(kind, "bias", bias);
  const bound = fanInBound(in1Features);
  const init = uniform({ a: -bound, b: bound });
  return defineModule({
    kind,
    config: { in1Features, in2Features, outFeatures, bias },
    extraRepr: `in1_features=${in1Features}, in2_features=${in2Features}, out_features=${outFeatures}, bias=${pyBool(bias)}`,
    params: {
      weight: { shape: [outFeatures, in1Features, in2Features], init },
      ...(bias ? { bias: { shape: [outFeatures], init } } : {}),
    },
    forward: ({ params, fail }, pair: readonly [Tensor, Tensor]) => {
      if (!Array.isArray(pair) || pair.length !== 2) fail(`expects a pair of inputs [x1, x2], got ${Array.isArray(pair) ? `${pair.length} inputs` : typeof pair}`);
      const [x1, x2] = pair;
      if (x1.ndim < 1 || x1.shape[x1.ndim - 1] !== in1Features || x2.ndim < 1 || x2.shape[x2.ndim - 1] !== in2Features)
        fail(`input shapes ${shapeStr(x1.shape)} and ${shapeStr(x2.shape)} must end in in1Features=${in1Features} and in2Features=${in2Features}`);
      const lead = x1.shape.slice(0, -1);
      if (!sameShape(lead, x2.shape.slice(0, -1)))
        fail(`input shapes ${shapeStr(x1.shape)} and ${shapeStr(x2.shape)} must agree in all but the last dimension`);
      const n = numel(lead);
      // x1·W as one matmul against W laid out [in1, out·in2], then the contraction with x2 over in2.
      const w = reshape(permute(params.weight, [1, 0, 2]), [in1Features, outFeatures * in2Features]);
      const t = reshape(applyPrim("matmul", [reshape(x1, [1, n, in1Features]), reshape(w, [1, in1Features, outFeatures * in2Features])], { transA: false, transB: false }), [n, outFeatures, in2Features]);
      const y = sum(mul(t, reshape(x2, [n, 1, in2Features])), 2);
      const out = reshape(bias ? add(y, params.bias) : y, [...lead, outFeatures]);
      return out;
    },
  });
};
