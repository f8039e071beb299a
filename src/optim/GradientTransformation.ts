// Optimizers as gradient transformations (Optax's design): pure init/update over pytrees, composed with chain, applied with applyUpdates.
import type { Tensor } from "../ops/Tensor.js";
import { add } from "../ops/elementwise.js";
import { treeLeavesWithPaths, treeUnflatten } from "../graph/pytree.js";
import { describeValue, leavesLike } from "./_optimizer.js";

/** Optimizer state: a pytree of tensors that may also hold plain numbers (step counts); never mutated. */
export type OptState = Tensor | number | readonly OptState[] | { readonly [key: string]: OptState };

/** Per-call options of `update`. */
export interface UpdateOptions {
  /** Replaces the learning rate (constant or schedule) for this call only, for streams that drive the schedule themselves. */
  readonly lr?: number;
}

/** What `update` returns: the updates to add to the params, and the next state. */
export interface Update<T, S> {
  readonly updates: T;
  readonly state: S;
}

/**
 * A gradient transformation: `init(params)` makes the state, `update(grads, state, params)` turns grads into
 * updates (to be added to the params with `applyUpdates`) and the next state. Both are pure.
 * @example
 * const opt = sgd({ lr: 0.1, momentum: 0.9 });
 * let state = opt.init(params);
 * const { updates, state: next } = opt.update(grads, state, params);
 * params = applyUpdates(params, updates);
 */
export interface GradientTransformation<S = OptState> {
  /** The initial state for these params. */
  init<P>(params: P): S;
  /** The updates for these grads (same tree as the params) and the next state. */
  update<T>(grads: T, state: S, params: T, opts?: UpdateOptions): Update<T, S>;
}

/** The state type of a gradient transformation. */
export type StateOf<G> = G extends GradientTransformation<infer S> ? S : never;

/**
 * Composes transformations left to right: each one's updates are the next one's grads; the state is the tuple of their states.
 * @example
 * const opt = chain(clipGradNorm(1.0), adamw({ lr: 3e-4 }));
 */
export const chain = <const Ts extends readonly GradientTransformation<unknown>[]>(
  ...transforms: Ts
): GradientTransformation<{ readonly [K in keyof Ts]: StateOf<Ts[K]> }> => {
  type States = { readonly [K in keyof Ts]: StateOf<Ts[K]> };
  if (transforms.length === 0) throw new Error("chain: needs at least one transformation");
  return {
    init: (params) => Object.freeze(transforms.map((t) => t.init(params))) as unknown as States,
    update: (grads, state, params, opts) => {
      const states = state as readonly unknown[];
      if (!Array.isArray(states) || states.length !== transforms.length)
        throw new Error(`chain: state must be an array of ${transforms.length} states (one per transformation, from chain(...).init), got ${describeValue(state)}`);
      let updates = grads;
      const next = transforms.map((t, i) => {
        const r = t.update(updates, states[i], params, opts);
        updates = r.updates;
        return r.state;
      });
      return { updates, state: Object.freeze(next) as unknown as States };
    },
  };
};

/**
 * Adds the updates to the params leaf by leaf (Optax's apply_updates), keeping each param's dtype.
 * @example
 * params = applyUpdates(params, updates);
 */
export const applyUpdates = <P>(params: P, updates: P): P => {
  const ps = treeLeavesWithPaths(params);
  const us = leavesLike("applyUpdates", "updates", updates, ps, "params");
  return treeUnflatten(params, ps.map((p, i) => {
    const u = us[i]!;
    if (p.tensor.dtype !== u.dtype) throw new Error(`applyUpdates: param ${p.path || "(root)"} is ${p.tensor.dtype} but its update is ${u.dtype}`);
    return add(p.tensor, u);
  }));
};
