// pow by a scalar 2 or 3 on float32 equals Math.pow rounded to float32 (the CPU kernel multiplies instead).
import { describe, expect, it } from "vitest";
import { fromTyped, pow, scalar } from "../../../src/index.js";

describe("CPU pow by a scalar square or cube", () => {
  it("equals Math.pow rounded to float32 on random, tiny, huge and special values", () => {
    let s = 12345;
    const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 2 ** ((s >>> 3) % 80 - 40);
    const xs = Float32Array.from({ length: 20000 }, next);
    xs.set([0, -0, 1, -1, Infinity, -Infinity, NaN, 3.4e38, -3.4e38, 1e-45, -1e-45, 1.1754944e-38], 0);
    const x = fromTyped(xs, [xs.length]);
    for (const e of [2, 3]) {
      const got = pow(x, scalar(e)).dataSync();
      const want = Float32Array.from(xs, (v) => Math.pow(v, e));
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });
});
