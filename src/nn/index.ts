// Public face of src/nn: everything is re-exported as the `nn` namespace.

/**
 * Layers, module mechanics, initialisers and model utilities, under one namespace as in `torch.nn`: the layer
 * `nn.relu()` and the functional `relu(x)` (top level, like torch.nn.functional) therefore never clash.
 * Layer constructors are PyTorch's class names in lowerCamel (`nn.linear`, `nn.batchNorm2d`) taking PyTorch's
 * constructor arguments in camelCase as one options object; initialisers are `nn.init.*`; the paths of params and
 * state are PyTorch's state_dict names.
 * @example
 * import { nn, key } from "rivulet";
 * const model = nn.sequential([nn.linear({ inFeatures: 4, outFeatures: 8 }), nn.relu(), nn.linear({ inFeatures: 8, outFeatures: 1 })]);
 * const { params } = model.init(key(0));
 */
export * as nn from "./nn.js";
