// d2l's Network in Network: nin_blocks (a conv and two 1×1 convs, each with ReLU), max-pools, and global average pooling instead of dense layers.
import { sequential, type Sequential } from "../sequential.js";
import { conv2d } from "../conv.js";
import { adaptiveAvgPool2d, maxPool2d } from "../pooling.js";
import { flatten } from "../flatten.js";
import { relu } from "../activations.js";
import { dropout } from "../dropout.js";

export interface NinBlockOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
}

/**
 * d2l's nin_block: Conv2d(in, out, k, stride, padding), ReLU, then twice Conv2d(out, out, 1), ReLU.
 * @example
 * nn.zoo.ninBlock({ inChannels: 1, outChannels: 96, kernelSize: 11, stride: 4, padding: 0 });
 */
export const ninBlock = ({ inChannels, outChannels, kernelSize, stride, padding }: NinBlockOptions): Sequential =>
  sequential([
    conv2d({ inChannels, outChannels, kernelSize, stride, padding }), relu(),
    conv2d({ inChannels: outChannels, outChannels, kernelSize: 1 }), relu(),
    conv2d({ inChannels: outChannels, outChannels, kernelSize: 1 }), relu(),
  ]);

export interface NinOptions {
  readonly inChannels?: number;
  readonly numClasses?: number;
}

/**
 * d2l's NiN for [N, 1, 224, 224]: four nin_blocks (96, 256, 384, classes) with 3×3/2 max-pools and Dropout(0.5),
 * then AdaptiveAvgPool2d(1) and Flatten.
 * @example
 * console.log(nn.summary(nn.zoo.nin(), [1, 1, 224, 224]));
 */
export const nin = ({ inChannels = 1, numClasses = 10 }: NinOptions = {}): Sequential =>
  sequential([
    ninBlock({ inChannels, outChannels: 96, kernelSize: 11, stride: 4, padding: 0 }), maxPool2d({ kernelSize: 3, stride: 2 }),
    ninBlock({ inChannels: 96, outChannels: 256, kernelSize: 5, stride: 1, padding: 2 }), maxPool2d({ kernelSize: 3, stride: 2 }),
    ninBlock({ inChannels: 256, outChannels: 384, kernelSize: 3, stride: 1, padding: 1 }), maxPool2d({ kernelSize: 3, stride: 2 }),
    dropout({ p: 0.5 }),
    ninBlock({ inChannels: 384, outChannels: numClasses, kernelSize: 3, stride: 1, padding: 1 }),
    adaptiveAvgPool2d({ outputSize: [1, 1] }), flatten(),
  ]);
