// Modules as values (stax/Equinox): a description with `init` and `apply`; params and state are separate pytrees named like PyTorch's state_dict.
import type { Tensor } from "../ops/Tensor.js";
import type { Key } from "../ops/random.js";
import type { Shape } from "../ops/_shape.js";
import { RUN, buildModule, type Body } from "./_runtime.js";

/** Parameters (or buffers) of a model: nested records of tensors whose dotted paths are PyTorch's state_dict names. */
export interface Params {
  readonly [name: string]: Tensor | Params;
}

/** Buffers such as BatchNorm's running statistics: the same nested-record shape as `Params`, but not trained. */
export type State = Params;

/** What `init` makes and `apply` consumes: trainable params and untrained state, kept apart so `grad` only sees params. */
export interface Variables {
  readonly params: Params;
  readonly state: State;
}

/** Makes a tensor of `shape` from a key (PyTorch's `nn.init` functions, but returning a new tensor). */
export type Initializer = (key: Key, shape: Shape) => Tensor;

/** A parameter or buffer a module owns: its shape and how `init` fills it. */
export interface TensorSpec {
  readonly shape: Shape;
  readonly init: Initializer;
}

export interface ApplyOptions {
  /** Training mode: BatchNorm uses and updates batch statistics, Dropout drops (default false, PyTorch's eval()). */
  readonly training?: boolean;
  /** Randomness for Dropout and friends; each layer call derives its own key from it deterministically. */
  readonly key?: Key;
}

export interface ForwardOptions extends ApplyOptions {
  /** Buffers the model needs (BatchNorm's running statistics); updates made in training mode are discarded. */
  readonly state?: State;
}

/** The result of `apply`: the output and the state after the call (the same object when nothing changed). */
export interface Applied<O = Tensor> {
  readonly output: O;
  readonly state: State;
}

/** A constructor argument as a module records it (numbers, strings, booleans, null, and lists of them). */
export type ConfigValue = number | string | boolean | null | undefined | readonly ConfigValue[];

/** A child by name, as listed by a container (PyTorch's `named_children`). */
export type NamedChild = readonly [name: string, module: AnyModule];

/**
 * A layer or model: a value describing how to make variables (`init`) and how to compute (`apply`).
 * It holds no tensors of its own, so one module can be applied to many parameter sets.
 * @example
 * const model = nn.sequential([nn.linear({ inFeatures: 4, outFeatures: 8 }), nn.relu(), nn.linear({ inFeatures: 8, outFeatures: 1 })]);
 * const { params, state } = model.init(key(0));
 * const y = model.forward(params, x);
 */
export interface Module<I = Tensor, O = Tensor> {
  /** PyTorch's class name (`Linear`, `Sequential`, or the name given to `defineModule`). */
  readonly kind: string;
  /** The constructor arguments, with defaults filled in (e.g. `{ inFeatures: 4, outFeatures: 8, bias: true }`). */
  readonly config: Readonly<Record<string, ConfigValue>>;
  /** What PyTorch's `extra_repr` prints inside the parentheses, e.g. `in_features=4, out_features=8, bias=True`. */
  readonly extraRepr: string;
  /** Sub-modules in order; their names are the path segments of the state_dict. */
  readonly children: readonly NamedChild[];
  /** The parameters this module owns itself (not its children's), in state_dict order. */
  readonly paramSpecs: Readonly<Record<string, TensorSpec>>;
  /** The buffers this module owns itself, in state_dict order. */
  readonly stateSpecs: Readonly<Record<string, TensorSpec>>;
  /** Fresh variables (PyTorch's default initialisation) from a key. */
  init(key: Key): Variables;
  /** Runs the module; returns the output and the (possibly updated) state. */
  apply(variables: Variables, x: I, options?: ApplyOptions): Applied<O>;
  /** `apply` for the common case where only the output matters (evaluation mode unless told otherwise). */
  forward(params: Params, x: I, options?: ForwardOptions): O;
  /** The same module with other children (used by surgery; Sequential keeps its semantics). */
  withChildren(children: readonly NamedChild[]): Module<I, O>;
  /** PyTorch's `print(model)` text. */
  toString(): string;
  /** @internal The forward body, run by the module machinery. */
  readonly [RUN]: Body<I, O>;
}

/** Any module, whatever its input and output types (e.g. a child of a container). */
export type AnyModule = Module<never, unknown>;

/** Named sub-modules given to `defineModule`. */
export interface Children {
  readonly [name: string]: AnyModule;
}

/** How a child is called from a forward body: the child's own input and output types. */
export type Caller<M> = M extends Module<infer I, infer O> ? (x: I) => O : never;

/** Tensors by name (a module's own params or buffers). */
export type Tensors<K extends string> = { readonly [N in K]: Tensor };

/** What a forward body sees: callable children, its own params and buffers, the mode and its randomness. */
export interface ForwardContext<C extends Children = Children, P extends string = string, S extends string = string> {
  /** Each child as a function of its input; calling one twice reuses its parameters (a shared layer). */
  readonly children: { readonly [K in keyof C]: Caller<C[K]> };
  readonly params: Tensors<P>;
  readonly state: Tensors<S>;
  readonly training: boolean;
  /** This module's dotted path in the model ("" for the root). */
  readonly path: string;
  /** A fresh key for this call (a different one each time it is called); throws naming the module when apply got none. */
  key(): Key;
  /** Replaces this module's buffers in the state `apply` returns. */
  setState(next: Tensors<S>): void;
  /** Throws an Error whose message starts with this module's kind and path. */
  fail(message: string): never;
}

/** Everything `defineModule` needs; the parts PyTorch spreads over `__init__`, `extra_repr` and `forward`. */
export interface ModuleDefinition<I, O, C extends Children, P extends string, S extends string> {
  readonly kind: string;
  readonly config?: Readonly<Record<string, ConfigValue>>;
  readonly extraRepr?: string;
  readonly children?: C;
  /** Own parameters with their shapes and default initialisers, in state_dict order. */
  readonly params?: { readonly [N in P]?: TensorSpec };
  /** Own buffers with their shapes and initial values, in state_dict order. */
  readonly state?: { readonly [N in S]?: TensorSpec };
  readonly forward: (ctx: ForwardContext<C, P, S>, x: I) => O;
}

/**
 * Defines a module from named children, own parameters/buffers and a forward body (a PyTorch `nn.Module` subclass).
 * @example
 * const mlp = defineModule({
 *   kind: "MLP",
 *   children: { hidden: nn.linear({ inFeatures: 20, outFeatures: 256 }), out: nn.linear({ inFeatures: 256, outFeatures: 10 }) },
 *   forward: ({ children }, x) => children.out(relu(children.hidden(x))),
 * });
 */
export const defineModule = <I = Tensor, O = Tensor, C extends Children = Record<never, never>, P extends string = never, S extends string = never>(
  def: ModuleDefinition<I, O, C, P, S>,
): Module<I, O> => {
  const children: NamedChild[] = Object.entries(def.children ?? {});
  return buildModule<I, O>(
    {
      kind: def.kind,
      config: def.config ?? {},
      extraRepr: def.extraRepr ?? "",
      children,
      paramSpecs: (def.params ?? {}) as Readonly<Record<string, TensorSpec>>,
      stateSpecs: (def.state ?? {}) as Readonly<Record<string, TensorSpec>>,
      body: def.forward as unknown as Body<I, O>,
    },
    (next) => defineModule<I, O, Children, P, S>({ ...(def as unknown as ModuleDefinition<I, O, Children, P, S>), children: Object.fromEntries(next) }),
  );
};

