// The curriculum's LeNet with batch normalisation after every conv and hidden linear layer (d2l's BatchNorm chapter).
import { sequential, type Sequential } from "../sequential.js";
import { conv2d } from "../conv.js";
import { avgPool2d } from "../pooling.js";
import { flatten } from "../flatten.js";
import { linear } from "../linear.js";
import { sigmoid } from "../activations.js";
import { batchNorm1d, batchNorm2d } from "../normalization.js";

export interface LenetBatchNormOptions {
  readonly numClasses?: number;
}

/**
 * LeNet with BatchNorm2d/BatchNorm1d before each sigmoid, for [N, 1, 28, 28] input (no padding on the first conv, as in the notes).
 * @example
 * const net = nn.zoo.lenetBatchNorm();
 * const { output, state } = net.apply(net.init(key(0)), x, { training: true }); // state: updated running statistics
 */
export const lenetBatchNorm = ({ numClasses = 10 }: LenetBatchNormOptions = {}): Sequential =>
  sequential([
    conv2d({ inChannels: 1, outChannels: 6, kernelSize: 5 }), batchNorm2d({ numFeatures: 6 }), sigmoid(),
    avgPool2d({ kernelSize: 2, stride: 2 }),
    conv2d({ inChannels: 6, outChannels: 16, kernelSize: 5 }), batchNorm2d({ numFeatures: 16 }), sigmoid(),
    avgPool2d({ kernelSize: 2, stride: 2 }), flatten(),
    linear({ inFeatures: 256, outFeatures: 120 }), batchNorm1d({ numFeatures: 120 }), sigmoid(),
    linear({ inFeatures: 120, outFeatures: 84 }), batchNorm1d({ numFeatures: 84 }), sigmoid(),
    linear({ inFeatures: 84, outFeatures: numClasses }),
  ]);
