// d2l's GoogLeNet: Inception blocks (four parallel paths concatenated on channels) in five stages, for 96×96 Fashion-MNIST.
import type { Tensor } from "../../ops/Tensor.js";
import { relu as reluOp } from "../../ops/elementwise.js";
import { cat } from "../../ops/join.js";
import { defineModule, type Module } from "../Module.js";
import { sequential, type Sequential } from "../sequential.js";
import { conv2d } from "../conv.js";
import { adaptiveAvgPool2d, maxPool2d } from "../pooling.js";
import { flatten } from "../flatten.js";
import { linear } from "../linear.js";
import { relu } from "../activations.js";

export interface InceptionOptions {
  readonly inChannels: number;
  /** Path 1: a 1×1 convolution's output channels. */
  readonly c1: number;
  /** Path 2: 1×1 then 3×3 convolution channels. */
  readonly c2: readonly [number, number];
  /** Path 3: 1×1 then 5×5 convolution channels. */
  readonly c3: readonly [number, number];
  /** Path 4: 3×3 max-pool then a 1×1 convolution's channels. */
  readonly c4: number;
}

/**
 * d2l's Inception block with children p1_1, p2_1, p2_2, p3_1, p3_2, p4_1 (the max-pool), p4_2; outputs c1 + c2[1] + c3[1] + c4 channels.
 * @example
 * nn.zoo.inception({ inChannels: 192, c1: 64, c2: [96, 128], c3: [16, 32], c4: 32 }); // 256 channels out
 */
export const inception = ({ inChannels, c1, c2, c3, c4 }: InceptionOptions): Module =>
  defineModule({
    kind: "Inception",
    config: { inChannels, c1, c2: [...c2], c3: [...c3], c4 },
    children: {
      p1_1: conv2d({ inChannels, outChannels: c1, kernelSize: 1 }),
      p2_1: conv2d({ inChannels, outChannels: c2[0], kernelSize: 1 }),
      p2_2: conv2d({ inChannels: c2[0], outChannels: c2[1], kernelSize: 3, padding: 1 }),
      p3_1: conv2d({ inChannels, outChannels: c3[0], kernelSize: 1 }),
      p3_2: conv2d({ inChannels: c3[0], outChannels: c3[1], kernelSize: 5, padding: 2 }),
      p4_1: maxPool2d({ kernelSize: 3, stride: 1, padding: 1 }),
      p4_2: conv2d({ inChannels, outChannels: c4, kernelSize: 1 }),
    },
    forward: ({ children: m }, x: Tensor) => {
      const p1 = reluOp(m.p1_1(x));
      const p2 = reluOp(m.p2_2(reluOp(m.p2_1(x))));
      const p3 = reluOp(m.p3_2(reluOp(m.p3_1(x))));
      const p4 = reluOp(m.p4_2(m.p4_1(x)));
      return cat([p1, p2, p3, p4], 1);
    },
  });

export interface GooglenetOptions {
  readonly inChannels?: number;
  readonly numClasses?: number;
}

const incep = (inChannels: number, c1: number, c2: readonly [number, number], c3: readonly [number, number], c4: number): Module =>
  inception({ inChannels, c1, c2, c3, c4 });

/**
 * d2l's GoogLeNet: stages b1…b5 (b3–b5 of Inception blocks) and Linear(1024, 10); children "0"…"5" as nn.Sequential(b1, …, b5, Linear).
 * @example
 * console.log(nn.summary(nn.zoo.googlenet(), [1, 1, 96, 96]));
 */
export const googlenet = ({ inChannels = 1, numClasses = 10 }: GooglenetOptions = {}): Sequential => {
  const pool = () => maxPool2d({ kernelSize: 3, stride: 2, padding: 1 });
  const b1 = sequential([conv2d({ inChannels, outChannels: 64, kernelSize: 7, stride: 2, padding: 3 }), relu(), pool()]);
  const b2 = sequential([
    conv2d({ inChannels: 64, outChannels: 64, kernelSize: 1 }), relu(),
    conv2d({ inChannels: 64, outChannels: 192, kernelSize: 3, padding: 1 }), relu(), pool(),
  ]);
  const b3 = sequential([incep(192, 64, [96, 128], [16, 32], 32), incep(256, 128, [128, 192], [32, 96], 64), pool()]);
  const b4 = sequential([
    incep(480, 192, [96, 208], [16, 48], 64), incep(512, 160, [112, 224], [24, 64], 64),
    incep(512, 128, [128, 256], [24, 64], 64), incep(512, 112, [144, 288], [32, 64], 64),
    incep(528, 256, [160, 320], [32, 128], 128), pool(),
  ]);
  const b5 = sequential([
    incep(832, 256, [160, 320], [32, 128], 128), incep(832, 384, [192, 384], [48, 128], 128),
    adaptiveAvgPool2d({ outputSize: [1, 1] }), flatten(),
  ]);
  return sequential([b1, b2, b3, b4, b5, linear({ inFeatures: 1024, outFeatures: numClasses })]);
};
