// The shape of a transform: a pure function of one sample and an RNG key (torchvision.transforms' callables, made pure).
import type { Key } from "../../ops/random.js";
import type { Tensor } from "../../ops/Tensor.js";
import type { Image } from "../Image.js";

/**
 * A transform from `A` to `B`. Random transforms draw everything from `key` (same key, same result);
 * deterministic ones ignore it and may be called without one.
 * @example
 * const t: Transform<Image, Tensor> = toTensor();
 */
export type Transform<A, B> = (x: A, key: Key) => B;

/** What image transforms accept: an 8-bit HWC `Image` (torchvision's PIL path) or a [..., C, H, W] tensor (its tensor path). */
export type ImageOrTensor = Image | Tensor;

/** A transform that works on images and tensors alike and returns the kind it was given. */
export type ImageTransform = <X extends ImageOrTensor>(x: X, key: Key) => X;

/** A deterministic `ImageTransform`: the key may be left out. */
export type DeterministicImageTransform = <X extends ImageOrTensor>(x: X, key?: Key) => X;
