// PNG encoding of 8-bit HWC pixels with pngjs (loaded on first use, so importing rivulet in a browser needs no Node modules).

/** Pixel data to encode: height × width × channels bytes, row-major; channels 3 (RGB) or 4 (RGBA). */
export interface PngPixels {
  readonly data: Uint8Array;
  readonly height: number;
  readonly width: number;
  readonly channels: 3 | 4;
}

/**
 * Encodes pixels as a PNG file's bytes (colour type RGB or RGBA, 8 bits).
 * @example
 * const bytes = await encodePng({ data: new Uint8Array(2 * 2 * 3), height: 2, width: 2, channels: 3 });
 */
export const encodePng = async ({ data, height, width, channels }: PngPixels): Promise<Uint8Array> => {
  if (data.length !== height * width * channels)
    throw new Error(`encodePng: ${data.length} bytes do not make a ${height}×${width} image with ${channels} channels`);
  const { PNG } = await import("pngjs");
  const png = new PNG({ width, height, colorType: channels === 4 ? 6 : 2 });
  // pngjs takes RGBA input whatever the output colour type.
  for (let p = 0; p < height * width; p++) {
    png.data[4 * p] = data[channels * p]!;
    png.data[4 * p + 1] = data[channels * p + 1]!;
    png.data[4 * p + 2] = data[channels * p + 2]!;
    png.data[4 * p + 3] = channels === 4 ? data[channels * p + 3]! : 255;
  }
  return new Uint8Array(PNG.sync.write(png, { colorType: channels === 4 ? 6 : 2 }));
};
