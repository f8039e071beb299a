// Curriculum section "卷积操作" (the convolution op): conv2d by hand on a 5×5 input with a 3×3 kernel, at stride 1, stride 2, and stride 1 with one pixel of zero padding.
//
// The printed tensors are PyTorch's (F.conv2d on the same input), and the run fails if any number differs.
import { conv2d, reshape, tensor, type Tensor } from "../src/index.js";

const input = tensor([
  [1, 2, 0, 3, 1],
  [0, 1, 2, 3, 1],
  [1, 2, 1, 0, 0],
  [5, 2, 3, 1, 1],
  [2, 1, 0, 1, 1],
]);
const kernel = tensor([
  [1, 2, 1],
  [0, 1, 0],
  [2, 1, 0],
]);

// conv2d wants [batch, channels, height, width] for the input and [out, in, kh, kw] for the kernel.
const x = reshape(input, [1, 1, 5, 5]);
const w = reshape(kernel, [1, 1, 3, 3]);
console.log("input:", x.shape, " kernel:", w.shape);

// The kernel slides over the input; each output is the sum of the elementwise products under it.
const expectEqual = (name: string, got: Tensor, want: number[][]) => {
  console.log(`${name}:\n${got.toString()}`);
  const flat = got.reshape([want.length, want[0]!.length]).tolist() as number[][];
  if (JSON.stringify(flat) !== JSON.stringify(want)) throw new Error(`${name}: expected ${JSON.stringify(want)} (PyTorch), got ${JSON.stringify(flat)}`);
};

expectEqual("stride=1", conv2d(x, w, { stride: 1 }), [[10, 12, 12], [18, 16, 16], [13, 9, 3]]);
// Stride 2 moves the kernel two pixels at a time: a 2×2 output.
expectEqual("stride=2", conv2d(x, w, { stride: 2 }), [[10, 12], [13, 3]]);
// Padding 1 adds a border of zeros, so the output keeps the input's 5×5 size.
expectEqual("stride=1, padding=1", conv2d(x, w, { stride: 1, padding: 1 }), [
  [1, 3, 4, 10, 8],
  [5, 10, 12, 12, 6],
  [7, 18, 16, 16, 8],
  [11, 13, 9, 3, 4],
  [14, 13, 9, 7, 4],
]);
