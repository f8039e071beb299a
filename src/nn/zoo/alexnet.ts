// d2l's AlexNet for Fashion-MNIST resized to 224×224 (one input channel, ten classes), layer for layer.
import { sequential, type Sequential } from "../sequential.js";
import { conv2d } from "../conv.js";
import { maxPool2d } from "../pooling.js";
import { flatten } from "../flatten.js";
import { linear } from "../linear.js";
import { relu } from "../activations.js";
import { dropout } from "../dropout.js";

export interface AlexnetOptions {
  readonly inChannels?: number;
  readonly numClasses?: number;
  /** Drop probability in the classifier (default 0.5). */
  readonly dropout?: number;
}

/**
 * d2l's AlexNet: five convolutions (96@11×11/4, 256@5×5, 384, 384, 256@3×3) with three 3×3/2 max-pools, then
 * Linear(6400, 4096), Linear(4096, 4096), Linear(4096, 10) with ReLU and Dropout, for [N, 1, 224, 224] input.
 * (The notes' AlexNet section repeats LeNet's code by mistake; this is the d2l network it refers to.)
 * @example
 * console.log(nn.summary(nn.zoo.alexnet(), [1, 1, 224, 224]));
 */
export const alexnet = ({ inChannels = 1, numClasses = 10, dropout: p = 0.5 }: AlexnetOptions = {}): Sequential =>
  sequential([
    conv2d({ inChannels, outChannels: 96, kernelSize: 11, stride: 4, padding: 1 }), relu(),
    maxPool2d({ kernelSize: 3, stride: 2 }),
    conv2d({ inChannels: 96, outChannels: 256, kernelSize: 5, padding: 2 }), relu(),
    maxPool2d({ kernelSize: 3, stride: 2 }),
    conv2d({ inChannels: 256, outChannels: 384, kernelSize: 3, padding: 1 }), relu(),
    conv2d({ inChannels: 384, outChannels: 384, kernelSize: 3, padding: 1 }), relu(),
    conv2d({ inChannels: 384, outChannels: 256, kernelSize: 3, padding: 1 }), relu(),
    maxPool2d({ kernelSize: 3, stride: 2 }),
    flatten(),
    linear({ inFeatures: 6400, outFeatures: 4096 }), relu(), dropout({ p }),
    linear({ inFeatures: 4096, outFeatures: 4096 }), relu(), dropout({ p }),
    linear({ inFeatures: 4096, outFeatures: numClasses }),
  ]);
