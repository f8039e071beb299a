// The Tensor value: immutability, metadata, readback (dataSync, data, tolist, item), and the method sugar over the ops.
import { describe, expect, it } from "vitest";
import { Tensor, tensor, arange, zeros, scalar } from "../../src/index.js";

describe("Tensor", () => {
  it("is immutable: frozen object and shape, copies on readback", () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(Object.isFrozen(x)).toBe(true);
    expect(Object.isFrozen(x.shape)).toBe(true);
    expect(() => ((x.shape as number[])[0] = 5)).toThrow();
    const d = x.dataSync();
    d[0] = 100;
    expect(x.dataSync()[0]).toBe(1);
    const y = x.reshape(3, 2); // shares storage
    expect(y.dataSync()[0]).toBe(1);
  });

  it("shape, size, ndim, dtype", () => {
    const x = zeros([2, 3, 4]);
    expect([x.size, x.ndim, x.dtype]).toEqual([24, 3, "float32"]);
    expect([scalar(1).size, scalar(1).ndim]).toEqual([1, 0]);
    expect(zeros([0, 3]).size).toBe(0);
    expect(x).toBeInstanceOf(Tensor);
  });

  it("reads back as typed arrays, nested arrays and numbers", async () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(x.dataSync()).toEqual(new Float32Array([1, 2, 3, 4]));
    expect(await x.data()).toEqual(new Float32Array([1, 2, 3, 4]));
    expect(await x.array()).toEqual([[1, 2], [3, 4]]);
    expect(tensor([true, false]).tolist()).toEqual([true, false]);
    expect(arange(3).dataSync()).toBeInstanceOf(Int32Array);
    expect(scalar(2.5).tolist()).toBe(2.5);
    expect(x.sum().item()).toBe(10);
    expect(() => x.item()).toThrow("item: only one-element tensors can be converted to a number, got shape [2, 2]");
  });

  it("methods delegate to the ops", () => {
    const x = tensor([[1, -2], [3, -4]]);
    expect(x.add(1).mul(2).sub(x).div(2).tolist()).toEqual([[1.5, 0], [2.5, -1]]);
    expect(x.abs().max().item()).toBe(4);
    expect(x.relu().tolist()).toEqual([[1, 0], [3, 0]]);
    expect(x.clamp(-1, 1).tolist()).toEqual([[1, -1], [1, -1]]);
    expect(x.astype("int32").dtype).toBe("int32");
    expect(x.gt(0).tolist()).toEqual([[true, false], [true, false]]);
    expect(x.argmax(1).tolist()).toEqual([0, 0]);
    expect(x.mean(0, { keepdim: true }).tolist()).toEqual([[2, -3]]);
    expect(x.square().sum(1).tolist()).toEqual([5, 25]);
    expect(x.pow(2).sqrt().tolist()).toEqual([[1, 2], [3, 4]]);
    expect(x.matmul(x).tolist()).toEqual([[-5, 6], [-9, 10]]);
    expect(x.T.tolist()).toEqual([[1, 3], [-2, -4]]);
    expect(x.flatten().unsqueeze(0).squeeze().shape).toEqual([4]);
  });
});
