// The optimizers' shortened update paths give bit-for-bit the values of the longer formula they replace.
import { describe, expect, it } from "vitest";
import { key, mul, neg, randn, sgd, split, type Tensor } from "../../src/index.js";

const [kp, kg] = split(key(5));
const params = { w: randn(kp!, [7, 3]) };
const grads = { w: randn(kg!, [7, 3]) };
const vals = (t: Tensor): number[] => Array.from(t.dataSync());

describe("sgd fast paths", () => {
  it("maximize without momentum or weight decay is the descent update of −g, exactly", () => {
    const up = sgd({ lr: 0.37, maximize: true });
    const down = sgd({ lr: 0.37 });
    const a = up.update(grads, up.init(params), params).updates.w;
    const b = down.update({ w: neg(grads.w) }, down.init(params), params).updates.w;
    expect(vals(a)).toEqual(vals(b));
    expect(vals(a)).toEqual(vals(mul(grads.w, 0.37)));
  });
  it("momentum without dampening keeps the buffer b·μ + g (the skipped g·1 changes no bit)", () => {
    const opt = sgd({ lr: 0.1, momentum: 0.9 });
    const s1 = opt.update(grads, opt.init(params), params).state;
    const g2 = { w: mul(grads.w, -0.5) };
    const s2 = opt.update(g2, s1, params).state;
    const b1 = (s1.momentumBuffer as { w: Tensor }).w, b2 = (s2.momentumBuffer as { w: Tensor }).w;
    const expected = vals(b1).map((b, i) => Math.fround(Math.fround(b * Math.fround(0.9)) + vals(g2.w)[i]!));
    expect(vals(b2)).toEqual(expected);
  });
});
