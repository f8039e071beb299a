// Curriculum section "自动求导" (automatic differentiation): gradients as values, not as .grad fields.
//
// PyTorch marks x with requires_grad, calls y.backward() and reads x.grad (which then accumulates
// across calls and must be zeroed). rivulet follows JAX instead: `grad(f)` is a new function that
// returns the gradient of f, so nothing accumulates and nothing needs zeroing.
import { arange, dot, grad, mul, sum, valueAndGrad, type Tensor } from "../src/index.js";

// x = tensor([0., 1., 2., 3.])
const x = arange(4, undefined, 1, { dtype: "float32" });
console.log("x =", x.toString());

// y = 2 · (x · x); dy/dx = 4x
const y = (x: Tensor) => mul(dot(x, x), 2);
console.log("y =", y(x).toString());
console.log("dy/dx =", grad(y)(x).toString()); // tensor([ 0.,  4.,  8., 12.])
console.log("equals 4x:", grad(y)(x).eq(mul(x, 4)).tolist());

// Another function of the same x: the gradient of sum(x) is all ones. In PyTorch this is where
// x.grad.zero_() is needed first; here each gradient is a fresh value.
console.log("d sum(x)/dx =", grad((x: Tensor) => sum(x))(x).toString());

// valueAndGrad returns the value alongside, which training loops use for logging the loss.
const [value, g] = valueAndGrad((x: Tensor) => sum(mul(x, x)))(x);
console.log("sum(x²) =", value.item(), " gradient 2x =", g.toString());
