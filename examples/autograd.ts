// Curriculum section "自动求导" (automatic differentiation) and "梯度自动累积" (gradient accumulation): gradients as values.
//
// PyTorch marks x with requires_grad, calls y.backward() and reads x.grad, which then accumulates across calls
// until x.grad.zero_(). rivulet follows JAX instead: `grad(f)` is a new function returning the gradient of f, so
// nothing accumulates behind your back — and when you want a sum of gradients, you add them, as values.
// The numbers asserted below are what PyTorch 1.13 prints for the same code.
import { arange, add, dot, grad, mul, sum, valueAndGrad, type Tensor } from "../src/index.js";

const same = (t: Tensor, expected: number[]) => Array.from(t.dataSync()).every((v, i) => Math.abs(v - expected[i]!) < 1e-6);

// x = torch.arange(4.0): tensor([0., 1., 2., 3.]). No requires_grad_: any tensor can be differentiated.
const x = arange(4, undefined, 1, { dtype: "float32" });
console.log("x =", x.toString());

// y = 2 * torch.dot(x, x); y.backward(); print(x.grad)  →  dy/dx = 4x
const y = (x: Tensor) => mul(dot(x, x), 2);
console.log("y =", y(x).toString()); // tensor(28.)
const dy = grad(y)(x);
console.log("x.grad =", dy.toString()); // tensor([ 0.,  4.,  8., 12.])
if (!same(dy, [0, 4, 8, 12])) throw new Error(`expected PyTorch's x.grad [0, 4, 8, 12], got ${dy}`);
console.log("x.grad == 4 * x:", dy.eq(mul(x, 4)).tolist());

// ---- 梯度自动累积 (PyTorch accumulates) ----------------------------------------------------------------------
// In PyTorch, a second backward() — of y = x.sum() — without zeroing first ADDS its gradient to x.grad:
// x.grad becomes tensor([ 1.,  5.,  9., 13.]). Here a gradient never lands anywhere by itself, so accumulating is
// an explicit sum of two values (which is exactly what gradient accumulation over mini-batches does on purpose).
const dsum = grad((x: Tensor) => sum(x))(x);
const accumulated = add(dy, dsum);
console.log("accumulated (PyTorch without zero_) =", accumulated.toString()); // tensor([ 1.,  5.,  9., 13.])
if (!same(accumulated, [1, 5, 9, 13])) throw new Error(`expected PyTorch's accumulated x.grad [1, 5, 9, 13], got ${accumulated}`);

// x.grad.zero_() then backward(): the fresh gradient alone. Here that is simply the gradient itself —
// each call returns a new value, so there is nothing to zero.
console.log("after x.grad.zero_() =", dsum.toString()); // tensor([1., 1., 1., 1.])
if (!same(dsum, [1, 1, 1, 1])) throw new Error(`expected PyTorch's x.grad [1, 1, 1, 1] after zero_(), got ${dsum}`);
console.log("dy/dx is unchanged by the later call:", grad(y)(x).toString());

// valueAndGrad returns the value alongside, which training loops use for logging the loss.
const [value, g] = valueAndGrad((x: Tensor) => sum(mul(x, x)))(x);
console.log("sum(x²) =", value.item(), " gradient 2x =", g.toString());
