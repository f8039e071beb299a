// Rules for gather/scatterAdd, indexSelect/indexAdd (each the other's adjoint) and argsort.
import type { PrimRule } from "../rule.js";
import { applyPrim } from "../apply.js";

export const gather: PrimRule<"gather"> = {
  out: ([x, idx]) => ({ shape: idx!.shape, dtype: x!.dtype }),
  vjp: (g, [x, idx], _y, { axis }) => [applyPrim("scatterAdd", [g, idx!], { axis, shape: x!.shape }), null],
};

export const scatterAdd: PrimRule<"scatterAdd"> = {
  out: ([src], { shape }) => ({ shape, dtype: src!.dtype }),
  vjp: (g, [, idx], _y, { axis }) => [applyPrim("gather", [g, idx!], { axis }), null],
};

export const indexSelect: PrimRule<"indexSelect"> = {
  out: ([x, idx], { axis }) => ({ shape: x!.shape.map((d, i) => (i === axis ? idx!.shape[0]! : d)), dtype: x!.dtype }),
  vjp: (g, [x, idx], _y, { axis }) => [applyPrim("indexAdd", [g, idx!], { axis, shape: x!.shape }), null],
};

export const indexAdd: PrimRule<"indexAdd"> = {
  out: ([src], { shape }) => ({ shape, dtype: src!.dtype }),
  vjp: (g, [, idx], _y, { axis }) => [applyPrim("indexSelect", [g, idx!], { axis }), null],
};

export const argsort: PrimRule<"argsort"> = {
  out: ([x]) => ({ shape: x!.shape, dtype: "int32" }),
  vjp: () => [null],
};
