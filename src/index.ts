// rivulet: tensors with autodiff, composed as typed streams. This file is the package's public API.
export * from "./ops/index.js";
export * from "./graph/index.js";
export * from "./nn/index.js";
export * from "./optim/index.js";
export * from "./io/index.js";
export * from "./streams/index.js";
export * from "./gpu/index.js";
export * from "./sinks/index.js";
export * from "./remote/index.js";
export * from "./nlp/index.js";
export * from "./rl/index.js";
