// RGB ↔ HSV for hue shifts, in torchvision's two dialects: its float32 tensor code and PIL's byte conversion (Convert.c).

const f = Math.fround;

/** Writes three values into `dst` (no array per pixel: hue shifts run over every pixel). */
const put = (dst: Float64Array, a: number, b: number, c: number): Float64Array => {
  dst[0] = a;
  dst[1] = b;
  dst[2] = c;
  return dst;
};

/** torchvision's _rgb2hsv → hue shift → _hsv2rgb for one float pixel (values in [0, 1]); writes [r, g, b] into dst. */
export const shiftHueFloat = (r: number, g: number, b: number, hueFactor: number, dst: Float64Array): Float64Array => {
  const maxc = Math.max(r, g, b);
  const minc = Math.min(r, g, b);
  const eq = maxc === minc;
  const cr = f(maxc - minc);
  const s = f(cr / (eq ? 1 : maxc));
  const d = eq ? 1 : cr;
  const [rc, gc, bc] = [f(f(maxc - r) / d), f(f(maxc - g) / d), f(f(maxc - b) / d)];
  // The three masked terms of torchvision's formula; exactly one is non-zero unless all channels are equal.
  const hr = maxc === r ? f(bc - gc) : 0;
  const hg = maxc === g && maxc !== r ? f(f(2 + rc) - bc) : 0;
  const hb = maxc !== g && maxc !== r ? f(f(4 + gc) - rc) : 0;
  const h0 = f(f(f(f(hr + hg) + hb) / 6) + 1);
  let h = f(h0 - Math.trunc(h0)); // torch.fmod(·, 1) of a positive number
  h = f(h + f(hueFactor)); // torch casts the Python scalar to float32
  h = f(h - Math.floor(h)); // % 1.0 is torch.remainder: non-negative
  const h6 = f(h * 6);
  const i = Math.floor(h6);
  const fr = f(h6 - i);
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const p = clamp(f(maxc * f(1 - s)));
  const q = clamp(f(maxc * f(1 - f(s * fr))));
  const t = clamp(f(maxc * f(1 - f(s * f(1 - fr)))));
  const v = maxc;
  switch (((i % 6) + 6) % 6) {
    case 0: return put(dst, v, t, p);
    case 1: return put(dst, q, v, p);
    case 2: return put(dst, p, v, t);
    case 3: return put(dst, p, q, v);
    case 4: return put(dst, t, p, v);
    default: return put(dst, v, p, q);
  }
};

const clip8 = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : v);

/** PIL's rgb2hsv for one byte pixel (C floats and doubles as Convert.c mixes them); writes [h, s, v] bytes into dst. */
export const rgbToHsvByte = (r: number, g: number, b: number, dst: Float64Array): Float64Array => {
  const maxc = Math.max(r, g, b);
  const minc = Math.min(r, g, b);
  if (maxc === minc) return put(dst, 0, 0, maxc);
  const cr = maxc - minc;
  const s = f(cr / maxc);
  const [rc, gc, bc] = [f((maxc - r) / cr), f((maxc - g) / cr), f((maxc - b) / cr)];
  const h0 = r === maxc ? f(bc - gc) : g === maxc ? f(2 + rc - bc) : f(4 + gc - rc);
  const h = f((h0 / 6 + 1) % 1);
  return put(dst, clip8(Math.trunc(h * 255)), clip8(Math.trunc(s * 255)), maxc);
};

/** C's round(): halves away from zero. */
const roundAway = (v: number): number => Math.sign(v) * Math.round(Math.abs(v));

/** PIL's hsv2rgb for one byte pixel; writes [r, g, b] into dst bytes. */
export const hsvToRgbByte = (h: number, s: number, v: number, dst: Float64Array): Float64Array => {
  if (s === 0) return put(dst, v, v, v);
  const i = Math.floor((h * 6) / 255);
  const fr = f((h * 6) / 255 - i);
  const fs = f(s / 255);
  const p = clip8(roundAway(v * (1 - fs)));
  const q = clip8(roundAway(v * (1 - f(fs * fr)))); // float · float stays float in C
  const t = clip8(roundAway(v * (1 - fs * (1 - fr))));
  switch (i % 6) {
    case 0: return put(dst, v, t, p);
    case 1: return put(dst, q, v, p);
    case 2: return put(dst, p, v, t);
    case 3: return put(dst, p, q, v);
    case 4: return put(dst, t, p, v);
    default: return put(dst, v, p, q);
  }
};
