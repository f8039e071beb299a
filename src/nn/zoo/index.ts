// Public face of src/nn/zoo: the curriculum's models and torchvision's VGG and ResNet, exposed as `nn.zoo` (torchvision.models' counterpart).
export { tudui, type TuduiOptions } from "./tudui.js";
export { softmaxRegression, type SoftmaxRegressionOptions } from "./softmaxRegression.js";
export { mlp, type MlpOptions } from "./mlp.js";
export { mlpDropout, type MlpDropoutOptions } from "./mlpDropout.js";
export { lenet, reshape28, type LenetOptions } from "./lenet.js";
export { lenetBatchNorm, type LenetBatchNormOptions } from "./lenetBatchNorm.js";
export { alexnet, type AlexnetOptions } from "./alexnet.js";
export { d2lVgg, vggBlock, VGG11_ARCH, type ConvArch, type D2lVggOptions, type VggBlockOptions } from "./d2lVgg.js";
export { nin, ninBlock, type NinOptions, type NinBlockOptions } from "./nin.js";
export { googlenet, inception, type GooglenetOptions, type InceptionOptions } from "./googlenet.js";
export { d2lResnet18, residual, resnetBlock, type D2lResnet18Options, type ResidualOptions } from "./d2lResnet.js";
export { vgg, vgg11, vgg16, vggInitWeights, VGG_CFGS, type VggOptions } from "./vgg.js";
export { resnet, resnet18, resnet34, basicBlock, resnetInitWeights, type ResnetOptions, type BasicBlockOptions } from "./resnet.js";
export { loadPretrained, withWeights, type Pretrained, type WeightsOptions } from "./pretrained.js";
