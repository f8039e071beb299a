// CPU im2col (unfold) and col2im (fold) over NCHW tensors: the basis of convolution and pooling.
import type { Kernel } from "../backend.js";
import type { AnyTypedArray } from "../dtype.js";

type Arr = AnyTypedArray;
const todo = (name: string): never => { throw new Error(`${name}: CPU kernel not implemented yet`); };

export const unfold: Kernel<Arr, "unfold"> = () => todo("unfold");
export const fold: Kernel<Arr, "fold"> = () => todo("fold");
