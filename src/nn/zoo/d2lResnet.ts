// d2l's ResNet-18: Residual blocks (two 3×3 convs with BatchNorm, an optional 1×1 shortcut conv) in stages b1…b5, for 96×96 or 224×224 input.
import type { Tensor } from "../../ops/Tensor.js";
import { add, relu as reluOp } from "../../ops/elementwise.js";
import { defineModule, type Children, type Module } from "../Module.js";
import { sequential, type Layer, type Sequential } from "../sequential.js";
import { conv2d } from "../conv.js";
import { adaptiveAvgPool2d, maxPool2d } from "../pooling.js";
import { flatten } from "../flatten.js";
import { linear } from "../linear.js";
import { relu } from "../activations.js";
import { batchNorm2d } from "../normalization.js";

export interface ResidualOptions {
  readonly inputChannels: number;
  readonly numChannels: number;
  /** Pass the input through a 1×1 convolution (`conv3`) so its shape matches the output. */
  readonly use1x1conv?: boolean;
  readonly strides?: number;
}

/**
 * d2l's Residual: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), the shortcut being `conv3` or the identity.
 * @example
 * nn.zoo.residual({ inputChannels: 64, numChannels: 128, use1x1conv: true, strides: 2 });
 */
export const residual = ({ inputChannels, numChannels, use1x1conv = false, strides = 1 }: ResidualOptions): Module => {
  // Registration order as in d2l's __init__ (conv1, conv2, conv3, bn1, bn2), which is the state_dict order.
  const children: Children = {
    conv1: conv2d({ inChannels: inputChannels, outChannels: numChannels, kernelSize: 3, padding: 1, stride: strides }),
    conv2: conv2d({ inChannels: numChannels, outChannels: numChannels, kernelSize: 3, padding: 1 }),
    ...(use1x1conv ? { conv3: conv2d({ inChannels: inputChannels, outChannels: numChannels, kernelSize: 1, stride: strides }) } : {}),
    bn1: batchNorm2d({ numFeatures: numChannels }),
    bn2: batchNorm2d({ numFeatures: numChannels }),
  };
  return defineModule({
    kind: "Residual",
    config: { inputChannels, numChannels, use1x1conv, strides },
    children,
    forward: ({ children: m }, x: Tensor) => {
      const call = (name: string, t: Tensor): Tensor => (m[name] as (t: Tensor) => Tensor)(t);
      const y = call("bn2", call("conv2", reluOp(call("bn1", call("conv1", x)))));
      return reluOp(add(y, use1x1conv ? call("conv3", x) : x));
    },
  });
};

/** d2l's resnet_block: `numResiduals` Residuals, the first halving the size with a 1×1 shortcut unless it is the first stage. */
export const resnetBlock = (inputChannels: number, numChannels: number, numResiduals: number, firstBlock = false): Layer[] =>
  Array.from({ length: numResiduals }, (_, i) =>
    i === 0 && !firstBlock
      ? residual({ inputChannels, numChannels, use1x1conv: true, strides: 2 })
      : residual({ inputChannels: numChannels, numChannels }),
  );

export interface D2lResnet18Options {
  readonly inChannels?: number;
  readonly numClasses?: number;
}

/**
 * d2l's ResNet-18: b1 (Conv2d 7×7/2, BatchNorm2d, ReLU, MaxPool2d 3×3/2), b2…b5 (two Residuals each: 64, 128, 256, 512),
 * AdaptiveAvgPool2d(1), Flatten, Linear(512, 10). For torchvision's layout (conv1/bn1/layer1…4/fc) use `resnet18`.
 * @example
 * console.log(nn.summary(nn.zoo.d2lResnet18(), [1, 1, 224, 224]));
 */
export const d2lResnet18 = ({ inChannels = 1, numClasses = 10 }: D2lResnet18Options = {}): Sequential => {
  const b1 = sequential([
    conv2d({ inChannels, outChannels: 64, kernelSize: 7, stride: 2, padding: 3 }), batchNorm2d({ numFeatures: 64 }), relu(),
    maxPool2d({ kernelSize: 3, stride: 2, padding: 1 }),
  ]);
  return sequential([
    b1,
    sequential(resnetBlock(64, 64, 2, true)),
    sequential(resnetBlock(64, 128, 2)),
    sequential(resnetBlock(128, 256, 2)),
    sequential(resnetBlock(256, 512, 2)),
    adaptiveAvgPool2d({ outputSize: [1, 1] }), flatten(), linear({ inFeatures: 512, outFeatures: numClasses }),
  ]);
};
