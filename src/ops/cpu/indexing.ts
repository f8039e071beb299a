// CPU kernels for gather/scatter-add, index-select/index-add and argsort.
import type { Kernel } from "../backend.js";
import type { AnyTypedArray } from "../dtype.js";

type Arr = AnyTypedArray;
const todo = (name: string): never => { throw new Error(`${name}: CPU kernel not implemented yet`); };

export const gather: Kernel<Arr, "gather"> = () => todo("gather");
export const scatterAdd: Kernel<Arr, "scatterAdd"> = () => todo("scatterAdd");
export const indexSelect: Kernel<Arr, "indexSelect"> = () => todo("indexSelect");
export const indexAdd: Kernel<Arr, "indexAdd"> = () => todo("indexAdd");
export const argsort: Kernel<Arr, "argsort"> = () => todo("argsort");
