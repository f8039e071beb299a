// The map-style dataset (torch.utils.data.Dataset): a length and random access by index, possibly asynchronous.

/**
 * A finite, indexable collection of samples. `get` may return a promise (decoding from disk);
 * loaders only call it for samples they are about to deliver, so datasets can be lazy and huge.
 * @example
 * const squares: Dataset<number> = { length: 10, get: (i) => i * i };
 */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T | Promise<T>;
}

/** A supervised sample: the input and its target, as torchvision datasets return `(image, target)`. */
export interface Sample<X, Y = number> {
  readonly input: X;
  readonly target: Y;
}
