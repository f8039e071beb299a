// CPU kernels for strided slices, constant padding and concatenation.
import type { Kernel } from "../backend.js";
import type { AnyTypedArray } from "../dtype.js";

type Arr = AnyTypedArray;
const todo = (name: string): never => { throw new Error(`${name}: CPU kernel not implemented yet`); };

export const slice: Kernel<Arr, "slice"> = () => todo("slice");
export const pad: Kernel<Arr, "pad"> = () => todo("pad");
export const concat: Kernel<Arr, "concat"> = () => todo("concat");
