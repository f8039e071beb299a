// d2l's VGG: vgg_block stages from a conv_arch list, then a 4096-wide classifier; the curriculum trains it with channels divided by a ratio.
import { sequential, type Layer, type Sequential } from "../sequential.js";
import { conv2d } from "../conv.js";
import { maxPool2d } from "../pooling.js";
import { flatten } from "../flatten.js";
import { linear } from "../linear.js";
import { relu } from "../activations.js";
import { dropout } from "../dropout.js";

/** One stage per entry: [number of 3×3 convolutions, output channels]. */
export type ConvArch = readonly (readonly [numConvs: number, outChannels: number])[];

/** The notes' conv_arch: VGG-11's five stages. */
export const VGG11_ARCH: ConvArch = [[1, 64], [1, 128], [2, 256], [2, 512], [2, 512]];

export interface VggBlockOptions {
  readonly numConvs: number;
  readonly inChannels: number;
  readonly outChannels: number;
}

/**
 * d2l's vgg_block: `numConvs` × (Conv2d 3×3 padding 1, ReLU), then MaxPool2d(2, 2).
 * @example
 * nn.zoo.vggBlock({ numConvs: 2, inChannels: 64, outChannels: 128 });
 */
export const vggBlock = ({ numConvs, inChannels, outChannels }: VggBlockOptions): Sequential => {
  if (!Number.isInteger(numConvs) || numConvs < 1) throw new Error(`vggBlock: numConvs must be a positive integer, got ${numConvs}`);
  const layers: Layer[] = [];
  for (let i = 0; i < numConvs; i++)
    layers.push(conv2d({ inChannels: i === 0 ? inChannels : outChannels, outChannels, kernelSize: 3, padding: 1 }), relu());
  layers.push(maxPool2d({ kernelSize: 2, stride: 2 }));
  return sequential(layers);
};

export interface D2lVggOptions {
  /** The stages (default VGG11_ARCH). */
  readonly convArch?: ConvArch;
  /** Divide every stage's channels by this (the notes train with ratio 4); default 1. */
  readonly ratio?: number;
  readonly inChannels?: number;
  readonly numClasses?: number;
}

/**
 * d2l's `vgg(conv_arch)` for [N, 1, 224, 224]: the stages, Flatten, Linear(c·7·7, 4096), ReLU, Dropout(0.5),
 * Linear(4096, 4096), ReLU, Dropout(0.5), Linear(4096, 10). The notes' small VGG is `d2lVgg({ ratio: 4 })`.
 * @example
 * const net = nn.zoo.d2lVgg({ ratio: 4 }); // small_conv_arch = [(pair[0], pair[1] // ratio) for pair in conv_arch]
 */
export const d2lVgg = ({ convArch = VGG11_ARCH, ratio = 1, inChannels = 1, numClasses = 10 }: D2lVggOptions = {}): Sequential => {
  if (!Number.isInteger(ratio) || ratio < 1) throw new Error(`d2lVgg: ratio must be a positive integer, got ${ratio}`);
  if (convArch.length === 0) throw new Error("d2lVgg: convArch must have at least one stage");
  const blocks: Layer[] = [];
  let c = inChannels;
  for (const [numConvs, out] of convArch) {
    const outChannels = Math.floor(out / ratio);
    if (outChannels < 1) throw new Error(`d2lVgg: ratio ${ratio} leaves no channels in a stage of ${out}`);
    blocks.push(vggBlock({ numConvs, inChannels: c, outChannels }));
    c = outChannels;
  }
  return sequential([
    ...blocks, flatten(),
    linear({ inFeatures: c * 7 * 7, outFeatures: 4096 }), relu(), dropout({ p: 0.5 }),
    linear({ inFeatures: 4096, outFeatures: 4096 }), relu(), dropout({ p: 0.5 }),
    linear({ inFeatures: 4096, outFeatures: numClasses }),
  ]);
};
