// LeNet-5 as the curriculum writes it: Reshape to [N, 1, 28, 28], sigmoid activations and average pooling.
import type { Tensor } from "../../ops/Tensor.js";
import { defineModule, type Module } from "../Module.js";
import { sequential, type Sequential } from "../sequential.js";
import { conv2d } from "../conv.js";
import { avgPool2d } from "../pooling.js";
import { flatten } from "../flatten.js";
import { linear } from "../linear.js";
import { sigmoid } from "../activations.js";

export interface LenetOptions {
  readonly numClasses?: number;
}

/** The notes' `Reshape` module: `x.view(-1, 1, 28, 28)`, so flat or batched 28×28 images both work. */
export const reshape28 = (): Module =>
  defineModule({ kind: "Reshape", forward: (_ctx, x: Tensor) => x.reshape(-1, 1, 28, 28) });

/**
 * The curriculum's LeNet: Reshape, Conv2d(1, 6, 5, padding=2), Sigmoid, AvgPool2d(2), Conv2d(6, 16, 5), Sigmoid,
 * AvgPool2d(2), Flatten, Linear(400, 120), Sigmoid, Linear(120, 84), Sigmoid, Linear(84, 10).
 * @example
 * console.log(nn.summary(nn.zoo.lenet(), [1, 1, 28, 28])); // d2l's "output shape" listing
 */
export const lenet = ({ numClasses = 10 }: LenetOptions = {}): Sequential =>
  sequential([
    reshape28(), conv2d({ inChannels: 1, outChannels: 6, kernelSize: 5, padding: 2 }), sigmoid(),
    avgPool2d({ kernelSize: 2, stride: 2 }),
    conv2d({ inChannels: 6, outChannels: 16, kernelSize: 5 }), sigmoid(),
    avgPool2d({ kernelSize: 2, stride: 2 }), flatten(),
    linear({ inFeatures: 16 * 5 * 5, outFeatures: 120 }), sigmoid(),
    linear({ inFeatures: 120, outFeatures: 84 }), sigmoid(),
    linear({ inFeatures: 84, outFeatures: numClasses }),
  ]);
