// Curriculum section "最大池化" (max pooling): MaxPool2d(kernel 3) on the same 5×5 input, with and without
// ceil mode — ceil mode keeps the partial windows at the right and bottom edges.
import { key, nn, reshape, tensor } from "../src/index.js";

const input = reshape(
  tensor([
    [1, 2, 0, 3, 1],
    [0, 1, 2, 3, 1],
    [1, 2, 1, 0, 0],
    [5, 2, 3, 1, 1],
    [2, 1, 0, 1, 1],
  ]),
  [1, 1, 5, 5],
);

// A layer is a value: build it, initialise its (empty) variables, apply it.
for (const ceilMode of [true, false]) {
  const pool = nn.maxPool2d({ kernelSize: 3, ceilMode });
  const { params } = pool.init(key(0));
  console.log(`ceilMode=${ceilMode}:\n${pool.forward(params, input).toString()}`); // [[2,3],[5,1]] / [[2]]
}
