// A decoded raster image: height × width × channels uint8, row-major (HWC) — what PIL images are to torchvision.

/** An 8-bit image in HWC layout; channels is 1 (grayscale), 3 (RGB) or 4 (RGBA). */
export interface Image {
  readonly data: Uint8Array;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3 | 4;
}
