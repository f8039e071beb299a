// torchvision's VGG (features / avgpool / classifier, configurations A, B, D, E, optional BatchNorm) with torchvision's state_dict names.
import type { Tensor } from "../../ops/Tensor.js";
import type { Key } from "../../ops/random.js";
import { flatten as flattenOp } from "../../ops/layout.js";
import { defineModule, type Module, type Params } from "../Module.js";
import { sequential, type Layer } from "../sequential.js";
import { conv2d } from "../conv.js";
import { adaptiveAvgPool2d, maxPool2d } from "../pooling.js";
import { linear } from "../linear.js";
import { relu } from "../activations.js";
import { dropout as dropoutLayer } from "../dropout.js";
import { batchNorm2d } from "../normalization.js";
import { kaimingNormal, normal, zeros } from "../init.js";
import { reinit } from "../reinit.js";
import { withWeights, type Pretrained, type WeightsOptions } from "./pretrained.js";

/** torchvision's layer lists: output channels of each 3×3 conv, "M" for a 2×2 max-pool. */
export const VGG_CFGS = {
  A: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
  B: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
  D: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
  E: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
} as const satisfies Record<string, readonly (number | "M")[]>;

export interface VggOptions {
  readonly numClasses?: number;
  /** Channels of the first stage (default 64); every stage scales with it, so 4 gives a 16× narrower model with the same names. */
  readonly width?: number;
  /** Width of the two hidden classifier layers (default 4096). */
  readonly hiddenFeatures?: number;
  /** Drop probability in the classifier (default 0.5). */
  readonly dropout?: number;
  /** BatchNorm2d after every conv (torchvision's vgg16_bn). */
  readonly batchNorm?: boolean;
  readonly inChannels?: number;
}

/** A VGG for a configuration ("A" = VGG-11, "B" = 13, "D" = 16, "E" = 19) with torchvision's module tree. */
export const vgg = (cfg: keyof typeof VGG_CFGS, options: VggOptions = {}): Module => {
  const { numClasses = 1000, width = 64, hiddenFeatures = 4096, dropout = 0.5, batchNorm = false, inChannels = 3 } = options;
  const layers = VGG_CFGS[cfg];
  if (!layers) throw new Error(`vgg: unknown configuration ${JSON.stringify(cfg)}; expected one of ${Object.keys(VGG_CFGS).join(", ")}`);
  if (!Number.isInteger(width) || width < 1) throw new Error(`vgg: width must be a positive integer, got ${width}`);
  const features: Layer[] = [];
  let c = inChannels;
  for (const v of layers) {
    if (v === "M") {
      features.push(maxPool2d({ kernelSize: 2, stride: 2 }));
      continue;
    }
    const out = (v / 64) * width;
    features.push(conv2d({ inChannels: c, outChannels: out, kernelSize: 3, padding: 1 }));
    if (batchNorm) features.push(batchNorm2d({ numFeatures: out }));
    features.push(relu());
    c = out;
  }
  return defineModule({
    kind: "VGG",
    config: { cfg, numClasses, width, hiddenFeatures, dropout, batchNorm, inChannels },
    children: {
      features: sequential(features),
      avgpool: adaptiveAvgPool2d({ outputSize: [7, 7] }),
      classifier: sequential([
        linear({ inFeatures: c * 7 * 7, outFeatures: hiddenFeatures }), relu(), dropoutLayer({ p: dropout }),
        linear({ inFeatures: hiddenFeatures, outFeatures: hiddenFeatures }), relu(), dropoutLayer({ p: dropout }),
        linear({ inFeatures: hiddenFeatures, outFeatures: numClasses }),
      ]),
    },
    forward: ({ children }, x: Tensor) => children.classifier(flattenOp(children.avgpool(children.features(x)), 1)),
  });
};

const made = (model: Module, options: VggOptions & Partial<WeightsOptions>): Module | Promise<Pretrained<Module>> =>
  options.weights === undefined ? model : withWeights(model, options as WeightsOptions);

/**
 * torchvision's `vgg11()`; with `weights` (a safetensors state_dict), a Promise of the model and its loaded variables.
 * @example
 * const net = nn.zoo.vgg11({ numClasses: 10 });
 */
export function vgg11(options: VggOptions & WeightsOptions): Promise<Pretrained<Module>>;
export function vgg11(options?: VggOptions): Module;
export function vgg11(options: VggOptions & Partial<WeightsOptions> = {}): Module | Promise<Pretrained<Module>> {
  return made(vgg("A", options), options);
}

/**
 * torchvision's `vgg16()`: features (13 convs), avgpool (7×7), classifier (4096, 4096, numClasses); with `weights`,
 * a Promise of `{ model, variables }` loaded from a local safetensors state_dict (PyTorch's names, checked strictly).
 * @example
 * const { model, variables } = await nn.zoo.vgg16({ weights: "vgg16.safetensors" });
 * const vgg10 = nn.setModule(model, "classifier.6", nn.linear({ inFeatures: 4096, outFeatures: 10 })); // classifier[6] = Linear(4096, 10)
 */
export function vgg16(options: VggOptions & WeightsOptions): Promise<Pretrained<Module>>;
export function vgg16(options?: VggOptions): Module;
export function vgg16(options: VggOptions & Partial<WeightsOptions> = {}): Module | Promise<Pretrained<Module>> {
  return made(vgg("D", options), options);
}

/**
 * torchvision's initialisation of a VGG (`_initialize_weights`): convs kaiming-normal (fan_out, relu) with zero bias,
 * linears N(0, 0.01) with zero bias; `model.init` gives PyTorch's per-layer defaults instead.
 * @example
 * const params = nn.zoo.vggInitWeights(net, net.init(key(0)).params, key(1));
 */
export const vggInitWeights = (model: Module, params: Params, key: Key): Params => {
  const convs = reinit(model, params, key, { weight: kaimingNormal({ mode: "fan_out", nonlinearity: "relu" }), bias: zeros() }, { kinds: ["Conv2d"] });
  return reinit(model, convs, key, { weight: normal({ std: 0.01 }), bias: zeros() }, { kinds: ["Linear"] });
};
