// Public face of src/optim: optimizers as pure gradient transformations over pytrees, clipping, parameter groups and lr schedules.
export { chain, applyUpdates, type GradientTransformation, type OptState, type Update, type UpdateOptions, type StateOf } from "./GradientTransformation.js";
export { sgd, type SgdOptions, type SgdState } from "./sgd.js";
export { adam, adamw, type AdamOptions, type AdamState } from "./adam.js";
export { rmsprop, type RmspropOptions, type RmspropState } from "./rmsprop.js";
export { adagrad, type AdagradOptions, type AdagradState } from "./adagrad.js";
export { clipGradNorm, clipGradValue, clipGradsByNorm, clipGradsByValue, type ClipGradNormOptions, type ClipState } from "./clip.js";
export { paramGroups, type ParamGroup, type Selector } from "./paramGroups.js";
export {
  stepLR, multiStepLR, exponentialLR, cosineAnnealingLR, linearWarmup, cosineWithWarmup, oneCycleLR,
  type Schedule, type LearningRate, type OneCycleOptions,
} from "./schedules.js";
