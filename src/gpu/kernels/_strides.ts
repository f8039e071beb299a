// Host-side stride arithmetic for GPU kernels: merging axes that stay contiguous in every operand, so index decoding is short.
import type { Shape } from "../../ops/_shape.js";

/**
 * Drops size-1 axes and merges neighbours that are contiguous in every operand (as the CPU backend does), returning
 * the collapsed iteration shape and each operand's strides over it.
 */
export const collapse = (shape: Shape, strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } => {
  const s: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = s.length - 1;
    if (last >= 0 && strides.every((str, k) => st[k]![last] === str[d]! * n)) {
      s[last] = s[last]! * n;
      strides.forEach((str, k) => (st[k]![last] = str[d]!));
    } else {
      s.push(n);
      strides.forEach((str, k) => st[k]!.push(str[d]!));
    }
  }
  return { shape: s, strides: st };
};
