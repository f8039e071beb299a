// Curriculum section "非线性激活" (non-linear activations): ReLU zeroes the negatives; Sigmoid squashes into (0, 1).
import { key, nn, reshape, tensor } from "../src/index.js";

const input = reshape(tensor([[1, -1.5], [-2.5, 3]]), [1, 1, 2, 2]);

const relu = nn.relu();
const sigmoid = nn.sigmoid();
console.log("ReLU:\n" + relu.forward(relu.init(key(0)).params, input).toString()); // [[1, 0], [0, 3]]
console.log("Sigmoid:\n" + sigmoid.forward(sigmoid.init(key(0)).params, input).toString());
