// The models of test/fixtures/gen_nn_modules.py rebuilt with rivulet's nn, including the curriculum's custom modules.
import { nn, key, rand, relu, mm, matmul, type Key, type Tensor } from "../../src/index.js";

const lin = (inFeatures: number, outFeatures: number, bias = true): nn.Module => nn.linear({ inFeatures, outFeatures, bias });

/** d2l's MLP: hidden → relu → out. */
export const mlp = (): nn.Module =>
  nn.defineModule({
    kind: "MLP",
    children: { hidden: lin(20, 256), out: lin(256, 10) },
    forward: ({ children }, x: Tensor) => children.out(relu(children.hidden(x))),
  });

/** d2l's FixedHiddenMLP: a constant random weight (not a parameter), one linear layer used twice, a while loop on the norm. */
export const fixedHiddenMLP = (k: Key = key(42)): nn.Module => {
  const randWeight = rand(k, [20, 20]);
  return nn.defineModule({
    kind: "FixedHiddenMLP",
    children: { linear: lin(20, 20) },
    forward: ({ children }, x: Tensor) => {
      let h = children.linear(x);
      h = relu(mm(h, randWeight.add(1)));
      h = children.linear(h);
      while (h.abs().sum().item() > 1) h = h.div(2);
      return h.sum();
    },
  });
};

/** d2l's NestMLP: a Sequential child and a Linear child. */
export const nestMLP = (): nn.Module =>
  nn.defineModule({
    kind: "NestMLP",
    children: { net: nn.sequential([lin(20, 64), nn.relu(), lin(64, 32), nn.relu()]), linear: lin(32, 16) },
    forward: ({ children }, x: Tensor) => children.linear(children.net(x)),
  });

/** d2l's MyLinear: its own weight [in, units] and bias, both N(0, 1), followed by relu. */
export const myLinear = (inUnits: number, units: number): nn.Module =>
  nn.defineModule({
    kind: "MyLinear",
    extraRepr: "",
    params: { weight: { shape: [inUnits, units], init: nn.init.normal() }, bias: { shape: [units], init: nn.init.normal() } },
    forward: ({ params }, x: Tensor) => relu(matmul(x, params.weight).add(params.bias)),
  });

/** d2l's CenteredLayer: no parameters, subtracts the mean. */
export const centeredLayer = (): nn.Module => nn.defineModule({ kind: "CenteredLayer", forward: (_ctx, x: Tensor) => x.sub(x.mean()) });

const block1 = (): nn.Sequential => nn.sequential([lin(4, 8), nn.relu(), lin(8, 4), nn.relu()]);
const block2 = (): nn.Sequential => {
  let net = nn.sequential();
  for (let i = 0; i < 4; i++) net = net.addModule(`block${i}`, block1());
  return net;
};

const reshape28 = (): nn.Module => nn.defineModule({ kind: "Reshape", forward: (_ctx, x: Tensor) => x.reshape(-1, 1, 28, 28) });

export const lenet = (): nn.Sequential =>
  nn.sequential([
    reshape28(), nn.conv2d({ inChannels: 1, outChannels: 6, kernelSize: 5, padding: 2 }), nn.sigmoid(),
    nn.avgPool2d({ kernelSize: 2, stride: 2 }),
    nn.conv2d({ inChannels: 6, outChannels: 16, kernelSize: 5 }), nn.sigmoid(),
    nn.avgPool2d({ kernelSize: 2, stride: 2 }), nn.flatten(),
    lin(16 * 5 * 5, 120), nn.sigmoid(),
    lin(120, 84), nn.sigmoid(),
    lin(84, 10),
  ]);

export const classifier = (): nn.Sequential =>
  nn.sequential([lin(16, 12), nn.relu(), nn.dropout({ p: 0.5 }), lin(12, 12), nn.relu(), nn.dropout({ p: 0.5 }), lin(12, 8)]);

const asLayer = (m: nn.AnyModule): nn.Layer => m as unknown as nn.Layer;

/** The fixture's structure models by name. */
export const structures = (): Record<string, nn.AnyModule> => {
  const shared = lin(8, 8);
  const c = classifier();
  return {
    mlpSeq: nn.sequential([lin(4, 8), nn.relu(), lin(8, 1)]),
    MLP: mlp(),
    chimera: nn.sequential([nestMLP(), lin(16, 20), fixedHiddenMLP()]),
    rgnet: nn.sequential([block2(), lin(4, 1)]),
    shared: nn.sequential([lin(4, 8), nn.relu(), shared, nn.relu(), shared, nn.relu(), lin(8, 1)]),
    myLinearSeq: nn.sequential([myLinear(64, 8), myLinear(8, 1)]),
    lenet: lenet(),
    cnnBn: nn.sequential([
      nn.conv2d({ inChannels: 3, outChannels: 8, kernelSize: 3, padding: 1 }), nn.batchNorm2d({ numFeatures: 8 }), nn.relu(), nn.maxPool2d({ kernelSize: 2 }),
      nn.conv2d({ inChannels: 8, outChannels: 16, kernelSize: 3, stride: 2, groups: 2, bias: false }), nn.batchNorm2d({ numFeatures: 16, momentum: null }),
      nn.adaptiveAvgPool2d({ outputSize: 1 }), nn.flatten(), nn.dropout({ p: 0.5 }), lin(16, 10),
    ]),
    zoo: nn.sequential([
      ["conv1", nn.conv1d({ inChannels: 2, outChannels: 4, kernelSize: 3, padding: 1 })],
      ["conv1same", nn.conv1d({ inChannels: 4, outChannels: 4, kernelSize: 3, padding: "same", paddingMode: "reflect", dilation: 2 })],
      ["convT", nn.convTranspose2d({ inChannels: 4, outChannels: 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1 })],
      ["convG", nn.conv2d({ inChannels: 3, outChannels: 6, kernelSize: [3, 5], stride: [2, 1], padding: "valid", dilation: [1, 2], groups: 3, bias: false })],
      ["bn1", nn.batchNorm1d({ numFeatures: 4, affine: false })],
      ["bn1n", nn.batchNorm1d({ numFeatures: 4, eps: 1e-3, momentum: 0.05, trackRunningStats: false })],
      ["ln", nn.layerNorm({ normalizedShape: [4, 5] })],
      ["ln1", nn.layerNorm({ normalizedShape: 5, elementwiseAffine: false })],
      ["gn", nn.groupNorm({ numGroups: 2, numChannels: 6 })],
      ["emb", nn.embedding({ numEmbeddings: 10, embeddingDim: 3, paddingIdx: 0 })],
      ["embneg", nn.embedding({ numEmbeddings: 10, embeddingDim: 3, paddingIdx: -1 })],
      ["bil", asLayer(nn.bilinear({ in1Features: 3, in2Features: 4, outFeatures: 2 }) as unknown as nn.AnyModule)],
      ["lrelu", nn.leakyRelu({ negativeSlope: 0.2 })],
      ["gelu", nn.gelu({ approximate: "tanh" })],
      ["silu", nn.silu()],
      ["sig", nn.sigmoid()],
      ["tanh", nn.tanh()],
      ["smax", nn.softmax({ dim: 1 })],
      ["lsmax", nn.logSoftmax({ dim: -1 })],
      ["drop", nn.dropout({ p: 0.2 })],
      ["id", nn.identity()],
      ["unflat", nn.unflatten({ dim: 1, unflattenedSize: [2, 5] })],
      ["flat", nn.flatten({ startDim: 0, endDim: -1 })],
      ["avg", nn.avgPool2d({ kernelSize: 3, stride: 2, padding: 1 })],
      ["max", nn.maxPool2d({ kernelSize: [2, 3], stride: 1, ceilMode: true })],
      ["aavg", nn.adaptiveAvgPool2d({ outputSize: [null, 7] })],
      ["amax", nn.adaptiveMaxPool2d({ outputSize: 3 })],
      ["elu", nn.elu()],
      ["relu6", nn.relu6()],
      ["softplus", nn.softplus()],
      ["hardtanh", nn.hardtanh()],
      ["mish", nn.mish()],
      ["max1", nn.maxPool1d({ kernelSize: 3 })],
      ["avg1", nn.avgPool1d({ kernelSize: 2 })],
      ["bn2", nn.batchNorm2d({ numFeatures: 5, momentum: null })],
    ]),
    classifier: c,
    classifierAdd: c.addModule("add_linear", lin(8, 10)),
    classifierSet: c.set(6, lin(12, 10)),
    classifierSlice: c.slice(1, 4),
    classifierLast: c.at(-1),
    classifierSliceAppend: c.slice(2, 5).append(lin(12, 3)),
  };
};

/** A module taking the pair of inputs the Bilinear case records (its child is named "bil", as in the fixture). */
const pair = (): nn.Module<readonly [Tensor, Tensor]> =>
  nn.defineModule({
    kind: "Pair",
    children: { bil: nn.bilinear({ in1Features: 3, in2Features: 4, outFeatures: 2 }) },
    forward: ({ children }, xs: readonly [Tensor, Tensor]) => children.bil(xs),
  });

/** The fixture's numeric models by name, each run on its list of inputs. */
export interface NumericModel {
  readonly model: nn.Module<unknown, Tensor>;
  /** What the model is applied to, from the case's inputs. */
  readonly input: (xs: readonly Tensor[]) => unknown;
}

export const numericModels = (): Record<string, NumericModel> => {
  const single = (model: nn.AnyModule): NumericModel => ({ model: model as unknown as nn.Module<unknown, Tensor>, input: (xs) => xs[0]! });
  return {
    linear: single(lin(5, 3)),
    linear3d: single(lin(4, 3, false)),
    bilinear: { model: pair() as unknown as nn.Module<unknown, Tensor>, input: (xs) => [xs[0]!, xs[1]!] },
    conv2d: single(nn.conv2d({ inChannels: 3, outChannels: 2, kernelSize: 3, stride: 2, padding: 1 })),
    conv2dReflect: single(nn.conv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, paddingMode: "reflect" })),
    conv2dSameCircular: single(nn.conv2d({ inChannels: 2, outChannels: 2, kernelSize: [3, 4], padding: "same", paddingMode: "circular" })),
    conv1d: single(nn.conv1d({ inChannels: 2, outChannels: 4, kernelSize: 3, padding: 1 })),
    convTranspose2d: single(nn.convTranspose2d({ inChannels: 4, outChannels: 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1 })),
    batchNorm2d: single(nn.batchNorm2d({ numFeatures: 3 })),
    batchNorm1dCumulative: single(nn.batchNorm1d({ numFeatures: 4, momentum: null })),
    batchNorm1dNoStats: single(nn.batchNorm1d({ numFeatures: 2, trackRunningStats: false })),
    layerNorm: single(nn.layerNorm({ normalizedShape: [4, 5] })),
    groupNorm: single(nn.groupNorm({ numGroups: 2, numChannels: 6 })),
    embedding: single(nn.embedding({ numEmbeddings: 10, embeddingDim: 3, paddingIdx: 0 })),
    sequential: single(
      nn.sequential([nn.flatten(), lin(12, 8), nn.gelu(), lin(8, 6), nn.leakyRelu({ negativeSlope: 0.1 }), lin(6, 4), nn.silu(), nn.softmax({ dim: 1 })]),
    ),
    cnn: single(
      nn.sequential([
        nn.conv2d({ inChannels: 2, outChannels: 4, kernelSize: 3, padding: 1 }), nn.batchNorm2d({ numFeatures: 4 }), nn.relu(), nn.maxPool2d({ kernelSize: 2 }),
        nn.conv2d({ inChannels: 4, outChannels: 4, kernelSize: 2, stride: 2, groups: 2, bias: false }), nn.batchNorm2d({ numFeatures: 4, momentum: null }),
        nn.adaptiveAvgPool2d({ outputSize: 1 }), nn.flatten(), lin(4, 3),
      ]),
    ),
  };
};
