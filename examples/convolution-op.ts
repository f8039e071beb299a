// Curriculum section "卷积操作" (the convolution op): conv2d by hand on a 5×5 input with a 3×3 kernel,
// at stride 1, stride 2, and stride 1 with one pixel of zero padding.
import { conv2d, reshape, tensor } from "../src/index.js";

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

console.log("stride 1:\n" + conv2d(x, w, { stride: 1 }).toString()); // [[10,12,12],[18,16,16],[13,9,3]]
console.log("stride 2:\n" + conv2d(x, w, { stride: 2 }).toString()); // [[10,12],[13,3]]
console.log("stride 1, padding 1:\n" + conv2d(x, w, { stride: 1, padding: 1 }).toString());
