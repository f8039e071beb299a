// torchvision's ResNet with BasicBlocks (resnet18, resnet34): conv1 / bn1 / layer1…4 / fc, `downsample.0/1` shortcuts, torchvision's state_dict names.
import type { Tensor } from "../../ops/Tensor.js";
import type { Key } from "../../ops/random.js";
import { add } from "../../ops/elementwise.js";
import { flatten as flattenOp } from "../../ops/layout.js";
import { defineModule, type Children, type Module, type Params } from "../Module.js";
import { sequential, type Sequential } from "../sequential.js";
import { conv2d } from "../conv.js";
import { adaptiveAvgPool2d, maxPool2d } from "../pooling.js";
import { linear } from "../linear.js";
import { relu } from "../activations.js";
import { batchNorm2d } from "../normalization.js";
import { kaimingNormal } from "../init.js";
import { reinit } from "../reinit.js";
import { withWeights, type Pretrained, type WeightsOptions } from "./pretrained.js";

export interface BasicBlockOptions {
  readonly inplanes: number;
  readonly planes: number;
  readonly stride?: number;
  /** Put a 1×1 conv + BatchNorm on the shortcut (needed when the stride or the channel count changes). */
  readonly downsample?: boolean;
}

/**
 * torchvision's BasicBlock: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut), convs without bias, one `relu` child used twice.
 * @example
 * nn.zoo.basicBlock({ inplanes: 64, planes: 128, stride: 2, downsample: true });
 */
export const basicBlock = ({ inplanes, planes, stride = 1, downsample = false }: BasicBlockOptions): Module => {
  const children: Children = {
    conv1: conv2d({ inChannels: inplanes, outChannels: planes, kernelSize: 3, stride, padding: 1, bias: false }),
    bn1: batchNorm2d({ numFeatures: planes }),
    relu: relu(),
    conv2: conv2d({ inChannels: planes, outChannels: planes, kernelSize: 3, stride: 1, padding: 1, bias: false }),
    bn2: batchNorm2d({ numFeatures: planes }),
    ...(downsample
      ? { downsample: sequential([conv2d({ inChannels: inplanes, outChannels: planes, kernelSize: 1, stride, bias: false }), batchNorm2d({ numFeatures: planes })]) }
      : {}),
  };
  return defineModule({
    kind: "BasicBlock",
    config: { inplanes, planes, stride, downsample },
    children,
    forward: ({ children: m }, x: Tensor) => {
      const call = (name: string, t: Tensor): Tensor => (m[name] as (t: Tensor) => Tensor)(t);
      const out = call("bn2", call("conv2", call("relu", call("bn1", call("conv1", x)))));
      return call("relu", add(out, downsample ? call("downsample", x) : x));
    },
  });
};

export interface ResnetOptions {
  readonly numClasses?: number;
  /** Channels of layer1 (default 64); layer2…4 have 2×, 4×, 8× as many, so 4 gives a 16× narrower model with the same names. */
  readonly width?: number;
  readonly inChannels?: number;
}

const makeLayer = (inplanes: number, planes: number, blocks: number, stride: number): Sequential =>
  sequential(
    Array.from({ length: blocks }, (_, i) =>
      i === 0
        ? basicBlock({ inplanes, planes, stride, downsample: stride !== 1 || inplanes !== planes })
        : basicBlock({ inplanes: planes, planes }),
    ),
  );

/** A BasicBlock ResNet with `layers[i]` blocks in layer i+1, with torchvision's module tree. */
export const resnet = (layers: readonly [number, number, number, number], { numClasses = 1000, width = 64, inChannels = 3 }: ResnetOptions = {}): Module => {
  if (!Number.isInteger(width) || width < 1) throw new Error(`resnet: width must be a positive integer, got ${width}`);
  if (!Array.isArray(layers) || layers.length !== 4 || !layers.every((n) => Number.isInteger(n) && n >= 1))
    throw new Error(`resnet: layers must be four positive block counts, got ${JSON.stringify(layers)}`);
  const w = [width, width * 2, width * 4, width * 8] as const;
  return defineModule({
    kind: "ResNet",
    config: { layers: [...layers], numClasses, width, inChannels },
    children: {
      conv1: conv2d({ inChannels, outChannels: width, kernelSize: 7, stride: 2, padding: 3, bias: false }),
      bn1: batchNorm2d({ numFeatures: width }),
      relu: relu(),
      maxpool: maxPool2d({ kernelSize: 3, stride: 2, padding: 1 }),
      layer1: makeLayer(width, w[0], layers[0], 1),
      layer2: makeLayer(w[0], w[1], layers[1], 2),
      layer3: makeLayer(w[1], w[2], layers[2], 2),
      layer4: makeLayer(w[2], w[3], layers[3], 2),
      avgpool: adaptiveAvgPool2d({ outputSize: [1, 1] }),
      fc: linear({ inFeatures: w[3], outFeatures: numClasses }),
    },
    forward: ({ children: m }, x: Tensor) => {
      const h = m.maxpool(m.relu(m.bn1(m.conv1(x))));
      const y = m.layer4(m.layer3(m.layer2(m.layer1(h))));
      return m.fc(flattenOp(m.avgpool(y), 1));
    },
  });
};

const made = (model: Module, options: ResnetOptions & Partial<WeightsOptions>): Module | Promise<Pretrained<Module>> =>
  options.weights === undefined ? model : withWeights(model, options as WeightsOptions);

/**
 * torchvision's `resnet18()` (state_dict keys `conv1.weight`, `layer2.0.downsample.0.weight`, `fc.bias`, …); with
 * `weights`, a Promise of `{ model, variables }` loaded from a local safetensors state_dict.
 * @example
 * const { model, variables } = await nn.zoo.resnet18({ weights: "resnet18.safetensors" });
 * const logits = model.forward(variables.params, images, { state: variables.state });
 */
export function resnet18(options: ResnetOptions & WeightsOptions): Promise<Pretrained<Module>>;
export function resnet18(options?: ResnetOptions): Module;
export function resnet18(options: ResnetOptions & Partial<WeightsOptions> = {}): Module | Promise<Pretrained<Module>> {
  return made(resnet([2, 2, 2, 2], options), options);
}

/**
 * torchvision's `resnet34()`; the same options as resnet18.
 * @example
 * const net = nn.zoo.resnet34({ numClasses: 10 });
 */
export function resnet34(options: ResnetOptions & WeightsOptions): Promise<Pretrained<Module>>;
export function resnet34(options?: ResnetOptions): Module;
export function resnet34(options: ResnetOptions & Partial<WeightsOptions> = {}): Module | Promise<Pretrained<Module>> {
  return made(resnet([3, 4, 6, 3], options), options);
}

/**
 * torchvision's initialisation of a ResNet: convs kaiming-normal (fan_out, relu); BatchNorm 1 and 0 and the fc layer
 * keep their defaults, as in torchvision.
 * @example
 * const params = nn.zoo.resnetInitWeights(net, net.init(key(0)).params, key(1));
 */
export const resnetInitWeights = (model: Module, params: Params, key: Key): Params =>
  reinit(model, params, key, { weight: kaimingNormal({ mode: "fan_out", nonlinearity: "relu" }) }, { kinds: ["Conv2d"] });
