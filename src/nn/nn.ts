// The members of the `nn` namespace (torch.nn's counterpart): module mechanics, layers, initialisers (`nn.init`) and model utilities.
export type {
  Module, AnyModule, Params, State, Variables, Initializer, TensorSpec, ApplyOptions, ForwardOptions, Applied, NamedChild, ConfigValue,
  Children, Caller, Tensors, ForwardContext, ModuleDefinition,
} from "./Module.js";
export { defineModule } from "./Module.js";
export { sequential, type Sequential, type Layer } from "./sequential.js";
export { linear, bilinear, type LinearOptions, type BilinearOptions } from "./linear.js";
export { conv1d, conv2d, convTranspose2d, type Conv1dOptions, type Conv2dOptions, type ConvTranspose2dOptions, type PaddingMode } from "./conv.js";
export {
  maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d,
  type MaxPool1dOptions, type MaxPool2dOptions, type AvgPool1dOptions, type AvgPool2dOptions, type PoolWithIndices,
} from "./pooling.js";
export { relu, relu6, leakyRelu, elu, gelu, silu, mish, sigmoid, tanh, softplus, hardtanh, softmax, logSoftmax } from "./activations.js";
export { batchNorm1d, batchNorm2d, layerNorm, groupNorm, type BatchNormOptions, type LayerNormOptions, type GroupNormOptions } from "./normalization.js";
export { dropout } from "./dropout.js";
export { embedding, type EmbeddingOptions } from "./embedding.js";
export { flatten, unflatten } from "./flatten.js";
export { identity } from "./identity.js";
export * as init from "./init.js";
export { namedParameters, namedBuffers, parameterCount, stateDict, loadStateDict, type LoadStateDictOptions } from "./stateDict.js";
export { namedModules, getModule, setModule, transferVariables } from "./surgery.js";
export { reinit, type ReinitOptions } from "./reinit.js";
export { summary, type SummaryOptions } from "./summary.js";
export { formatModule } from "./repr.js";
export {
  saveCheckpoint, loadCheckpoint, writeCheckpoint, readCheckpoint, packCheckpoint, unpackCheckpoint, CheckpointError, OPTIMIZER_PREFIX,
  type CheckpointContents, type PackedCheckpoint, type LoadCheckpointOptions, type LoadedCheckpoint, type WrongShape,
} from "./checkpoint.js";
export * as zoo from "./zoo/index.js";
export {
  crossEntropyLoss, nllLoss, mseLoss, l1Loss, smoothL1Loss, huberLoss, bceLoss, bceWithLogitsLoss, klDivLoss, type Loss,
} from "./losses.js";
export { rnn, lstm, gru, type RecurrentOptions, type RnnOptions, type RecurrentInput, type RecurrentOutput } from "./recurrent.js";
export { multiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionInput, type MultiheadAttentionOutput } from "./multiheadAttention.js";
export {
  transformerEncoderLayer, transformerDecoderLayer, transformerEncoder, transformerDecoder, transformer, generateSquareSubsequentMask,
  type TransformerLayerOptions, type TransformerOptions, type StackOptions, type EncoderInput, type DecoderInput, type TransformerInput,
} from "./transformer.js";
export { moduleList, type ModuleListCall } from "./moduleList.js";
