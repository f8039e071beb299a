// The reverse pass: a topological order of the recorded graph, then one reversed loop applying each primitive's VJP (micrograd's shape).
import type { Tensor } from "../ops/Tensor.js";
import { rules } from "../ops/prims/index.js";
import { add } from "../ops/elementwise.js";

/** Tensors reachable from `out` through recorded nodes, inputs before outputs, not descending past `stops`. */
const topoOrder = (out: Tensor, stops: ReadonlySet<Tensor>): Tensor[] => {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([out]);
  // Iterative DFS: deep graphs (long unrolled loops) must not overflow the JS stack.
  const stack: [Tensor, number][] = [[out, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, next] = top;
    const inputs = stops.has(t) || !t.node ? [] : t.node.inputs;
    if (next < inputs.length) {
      top[1]++;
      const child = inputs[next]!;
      if (child.requiresGrad && !seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      order.push(t);
      stack.pop();
    }
  }
  return order;
};

/**
 * Cotangents of `leaves` given the cotangent `seed` of `out`, or null for leaves `out` does not depend on.
 * Only nodes on a path from a leaf to `out` are visited.
 */
export const backward = (out: Tensor, leaves: readonly Tensor[], seed: Tensor): (Tensor | null)[] => {
  const leafSet = new Set(leaves);
  const order = topoOrder(out, leafSet);
  const relevant = new Set<Tensor>();
  for (const t of order)
    if (leafSet.has(t) || (t.node && t.node.inputs.some((i) => relevant.has(i)))) relevant.add(t);

  const table = rules();
  const grads = new Map<Tensor, Tensor>([[out, seed]]);
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i]!;
    const g = grads.get(t);
    if (!g || leafSet.has(t) || !t.node || !relevant.has(t)) continue;
    const { prim, inputs, params } = t.node;
    const vjp = table[prim].vjp as (g: Tensor, i: readonly Tensor[], o: Tensor, p: unknown) => readonly (Tensor | null)[];
    const cts = vjp(g, inputs, t, params);
    inputs.forEach((input, k) => {
      const ct = cts[k];
      if (!ct || !relevant.has(input)) return;
      const prev = grads.get(input);
      grads.set(input, prev ? add(prev, ct) : ct);
    });
    grads.delete(t); // intermediate cotangents are dead once propagated
  }
  return leaves.map((l) => grads.get(l) ?? null);
};
