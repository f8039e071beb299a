// The curriculum's CIFAR-10 network ("Tudui", the notes' ModuleTrain): three 5×5 conv + max-pool stages, flatten, two linear layers.
import type { Tensor } from "../../ops/Tensor.js";
import { defineModule, type Module } from "../Module.js";
import { sequential } from "../sequential.js";
import { conv2d } from "../conv.js";
import { maxPool2d } from "../pooling.js";
import { flatten } from "../flatten.js";
import { linear } from "../linear.js";

export interface TuduiOptions {
  /** Output classes (default 10, CIFAR-10's). */
  readonly numClasses?: number;
}

/**
 * The notes' CIFAR-10 classifier for [N, 3, 32, 32] images; its Sequential child is named `module` as in the notes,
 * so state_dict keys are `module.0.weight` … `module.8.bias`.
 * @example
 * const net = nn.zoo.tudui();
 * const logits = net.forward(net.init(key(0)).params, zeros([64, 3, 32, 32])); // [64, 10]
 */
export const tudui = ({ numClasses = 10 }: TuduiOptions = {}): Module => {
  const conv = (inChannels: number, outChannels: number) => conv2d({ inChannels, outChannels, kernelSize: 5, stride: 1, padding: 2 });
  return defineModule({
    kind: "Tudui",
    config: { numClasses },
    children: {
      module: sequential([
        conv(3, 32), maxPool2d({ kernelSize: 2 }),
        conv(32, 32), maxPool2d({ kernelSize: 2 }),
        conv(32, 64), maxPool2d({ kernelSize: 2 }),
        flatten(), linear({ inFeatures: 1024, outFeatures: 64 }), linear({ inFeatures: 64, outFeatures: numClasses }),
      ]),
    },
    forward: ({ children }, x: Tensor) => children.module(x),
  });
};
