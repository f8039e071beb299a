// The zoo as the command sees it: each model's name, the input it was designed for, and how it adapts to other data.
import { nn, type Tensor } from "../index.js";

/** A model's input: an image `[C, H, W]`, or a flat vector of `features` values. */
export type InputShape = readonly [number, number, number] | readonly [number];

/** What a command builds a model for: the shape of one sample it will see and the number of classes. */
export interface ModelFit {
  readonly input: InputShape;
  readonly numClasses: number;
}

/** How a zoo model meets data: its curriculum input, whether its input channels can change, and how to build it. */
export interface ModelEntry {
  readonly name: string;
  readonly description: string;
  /** The input the curriculum feeds it (one sample). */
  readonly input: InputShape;
  /** "flat": takes any image or vector flattened (numInputs); "any": an `inChannels` option; "fixed": only `input`'s channels. */
  readonly channels: "flat" | "any" | "fixed";
  /** The curriculum's SGD learning rate and batch size for it (d2l's train_ch3/train_ch6 calls). */
  readonly lr: number;
  readonly batchSize: number;
  readonly build: (fit: ModelFit) => nn.Module<Tensor, Tensor>;
}

const numel = (shape: InputShape): number => shape.reduce((a, b) => a * b, 1);
const inChannels = (fit: ModelFit): number => (fit.input.length === 3 ? fit.input[0] : 1);

const entries: readonly ModelEntry[] = [
  { name: "softmaxRegression", description: "Flatten + Linear (softmax regression)", input: [1, 28, 28], channels: "flat", lr: 0.1, batchSize: 256,
    build: (f) => nn.zoo.softmaxRegression({ numInputs: numel(f.input), numOutputs: f.numClasses }) },
  { name: "mlp", description: "Flatten, Linear 256, ReLU, Linear", input: [1, 28, 28], channels: "flat", lr: 0.1, batchSize: 256,
    build: (f) => nn.zoo.mlp({ numInputs: numel(f.input), numOutputs: f.numClasses }) },
  { name: "mlpDropout", description: "two hidden layers with Dropout(0.2), Dropout(0.5)", input: [1, 28, 28], channels: "flat", lr: 0.5, batchSize: 256,
    build: (f) => nn.zoo.mlpDropout({ numInputs: numel(f.input), numOutputs: f.numClasses }) },
  { name: "lenet", description: "LeNet-5 with sigmoid and average pooling (d2l)", input: [1, 28, 28], channels: "fixed", lr: 0.9, batchSize: 256,
    build: (f) => nn.zoo.lenet({ numClasses: f.numClasses }) },
  { name: "lenetBatchNorm", description: "LeNet with BatchNorm before every sigmoid", input: [1, 28, 28], channels: "fixed", lr: 1.0, batchSize: 256,
    build: (f) => nn.zoo.lenetBatchNorm({ numClasses: f.numClasses }) },
  { name: "tudui", description: "the notes' CIFAR-10 network (3 conv + max-pool, 2 linear)", input: [3, 32, 32], channels: "fixed", lr: 0.01, batchSize: 64,
    build: (f) => nn.zoo.tudui({ numClasses: f.numClasses }) },
  { name: "alexnet", description: "d2l's AlexNet", input: [1, 224, 224], channels: "any", lr: 0.01, batchSize: 128,
    build: (f) => nn.zoo.alexnet({ inChannels: inChannels(f), numClasses: f.numClasses }) },
  { name: "d2lVgg", description: "d2l's VGG-11", input: [1, 224, 224], channels: "any", lr: 0.05, batchSize: 128,
    build: (f) => nn.zoo.d2lVgg({ inChannels: inChannels(f), numClasses: f.numClasses }) },
  { name: "nin", description: "d2l's Network in Network", input: [1, 224, 224], channels: "any", lr: 0.1, batchSize: 128,
    build: (f) => nn.zoo.nin({ inChannels: inChannels(f), numClasses: f.numClasses }) },
  { name: "googlenet", description: "d2l's GoogLeNet", input: [1, 96, 96], channels: "any", lr: 0.1, batchSize: 128,
    build: (f) => nn.zoo.googlenet({ inChannels: inChannels(f), numClasses: f.numClasses }) },
  { name: "d2lResnet18", description: "d2l's ResNet-18", input: [1, 96, 96], channels: "any", lr: 0.05, batchSize: 256,
    build: (f) => nn.zoo.d2lResnet18({ inChannels: inChannels(f), numClasses: f.numClasses }) },
  { name: "vgg11", description: "torchvision's VGG-11", input: [3, 224, 224], channels: "any", lr: 0.01, batchSize: 64,
    build: (f) => nn.zoo.vgg11({ inChannels: inChannels(f), numClasses: f.numClasses }) },
  { name: "vgg16", description: "torchvision's VGG-16", input: [3, 224, 224], channels: "any", lr: 0.01, batchSize: 64,
    build: (f) => nn.zoo.vgg16({ inChannels: inChannels(f), numClasses: f.numClasses }) },
  { name: "resnet18", description: "torchvision's ResNet-18", input: [3, 224, 224], channels: "any", lr: 0.01, batchSize: 64,
    build: (f) => nn.zoo.resnet18({ inChannels: inChannels(f), numClasses: f.numClasses }) },
  { name: "resnet34", description: "torchvision's ResNet-34", input: [3, 224, 224], channels: "any", lr: 0.01, batchSize: 64,
    build: (f) => nn.zoo.resnet34({ inChannels: inChannels(f), numClasses: f.numClasses }) },
];

/** The models `--model` accepts, by name (the `nn.zoo` constructor names). */
export const MODELS: ReadonlyMap<string, ModelEntry> = new Map(entries.map((e) => [e.name, e]));

/** The model names in the order help lists them. */
export const MODEL_NAMES: readonly string[] = entries.map((e) => e.name);

/** `[1, 28, 28]` as the command prints shapes. */
export const shapeText = (shape: readonly number[]): string => `[${shape.join(", ")}]`;

/** What one sample of a dataset is: an image (of a fixed size, or of varying size as in an image folder) or a feature vector. */
export type DataShape =
  | { readonly kind: "image"; readonly channels: number; readonly height?: number; readonly width?: number }
  | { readonly kind: "vector"; readonly features: number };

/** What data needs before this model sees it: the input to build the model for and the image side to resize to. */
export interface InputPlan {
  readonly input: InputShape;
  /** Resize (shorter side) and centre-crop images to this side first, when the data's size differs from the model's. */
  readonly resize?: number;
}

/**
 * Fits a model to data: flat models take the data as it is (images of varying size are brought to 28×28 first);
 * convolutional ones get images resized to their own size and, where they have `inChannels`, built for the data's
 * channels. Throws an Error describing the mismatch when the model cannot take the data.
 * @example
 * planInput(MODELS.get("alexnet")!, { kind: "image", channels: 1, height: 28, width: 28 }, "fashion-mnist"); // { input: [1, 224, 224], resize: 224 }
 */
export const planInput = (model: ModelEntry, data: DataShape, source: string): InputPlan => {
  if (data.kind === "vector") {
    if (model.channels === "flat") return { input: [data.features] };
    const flat = entries.filter((e) => e.channels === "flat").map((e) => e.name).join(", ");
    throw new Error(`${model.name} takes images ${shapeText(model.input)}, but ${source} gives vectors of ${data.features} features; use one of: ${flat}`);
  }
  const { channels, height, width } = data;
  if (model.channels === "flat") {
    if (height !== undefined && width !== undefined) return { input: [channels, height, width] };
    return { input: [channels, 28, 28], resize: 28 };
  }
  const [c, h, w] = model.input as readonly [number, number, number];
  if (model.channels === "fixed" && channels !== c) {
    const adaptable = entries.filter((e) => e.channels === "any").map((e) => e.name).join(", ");
    throw new Error(
      `${model.name} takes ${c}-channel images ${shapeText(model.input)}, but ${source} has ${channels}-channel images; ` +
        `use a model that adapts its input channels (${adaptable})`,
    );
  }
  const input = [channels, h, w] as const;
  return height === h && width === w ? { input } : { input, resize: h };
};
