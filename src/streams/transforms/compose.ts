// Compose: transforms chained into one, each stage given its own key folded from the caller's (torchvision.transforms.Compose).
import { foldIn, type Key } from "../../ops/random.js";
import type { ImageOrTensor, ImageTransform, Transform } from "./Transform.js";

/** Any transform, as far as a chain is concerned. */
export type AnyTransform = Transform<never, unknown>;

/** What stage `T` makes of an `X`: image transforms keep the kind they are given; others give their declared output. */
type Apply<X, T> = T extends ImageTransform
  ? X extends ImageOrTensor ? X : never
  : T extends (x: infer A, key: Key) => infer B
    ? [X] extends [A] ? B : never
    : never;

/** The output of running an `X` through the stages `Ts` in order (`never` when a stage cannot take its input). */
export type ComposeOutput<X, Ts> = Ts extends readonly [infer T, ...infer Rest]
  ? ComposeOutput<Apply<X, T>, Rest>
  : Ts extends readonly []
    ? X
    : Ts extends readonly (infer T)[]
      ? Apply<X, T>
      : never;

/** What the first stage accepts. */
export type ComposeInput<Ts> = Ts extends readonly [] ? unknown : Ts extends readonly [infer T, ...unknown[]] | readonly (infer T)[] ? (T extends ImageTransform ? ImageOrTensor : T extends (x: infer A, key: Key) => unknown ? A : never) : never;

/**
 * One transform running `transforms` in order. Stage i gets `foldIn(key, i)`, so every random stage draws
 * independently and the same key reproduces the whole chain; without a key only deterministic stages may run.
 * @example
 * const train = compose([randomResizedCrop(224), randomHorizontalFlip(), toTensor(), normalize({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] })]);
 * const x = train(image, key(7)); // Tensor [3, 224, 224]
 */
export const compose = <const Ts extends readonly AnyTransform[]>(transforms: Ts): (<X extends ComposeInput<Ts>>(x: X, key?: Key) => ComposeOutput<X, Ts>) => {
  if (!Array.isArray(transforms)) throw new Error(`compose: expected an array of transforms, got ${typeof transforms}`);
  transforms.forEach((t, i) => {
    if (typeof t !== "function") throw new Error(`compose: stage ${i} is not a transform (a function), got ${t === null ? "null" : typeof t}`);
  });
  const stages = [...transforms] as ((x: unknown, key: Key | undefined) => unknown)[];
  return <X,>(x: X, key?: Key) => stages.reduce((acc: unknown, t, i) => t(acc, key === undefined ? undefined : foldIn(key, i)), x) as ComposeOutput<X, Ts>;
};
