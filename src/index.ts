// rivulet: tensors with autodiff, composed as typed streams. This file is the package's public API.
export * from "./ops/index.js";
export * from "./graph/index.js";
