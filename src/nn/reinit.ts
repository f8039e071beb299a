// Re-initialisation by parameter name, selectable by module kind or path (PyTorch's `net.apply(init_weights)` as a value).
import type { Tensor } from "../ops/Tensor.js";
import { foldIn, type Key } from "../ops/random.js";
import { sameShape, shapeStr } from "../ops/_shape.js";
import type { AnyModule, Initializer, Module, Params } from "./Module.js";
import { joinPath, walkModules, withUpdates } from "./_runtime.js";

export interface ReinitOptions {
  /** Only modules of these kinds (PyTorch class names, e.g. ["Linear", "Conv2d"]); all modules when omitted. */
  readonly kinds?: readonly string[];
  /** Only modules for which this holds (e.g. a path prefix test). */
  readonly where?: (path: string, module: AnyModule) => boolean;
}

/** FNV-1a of a parameter's name: its key depends on where it is, not on how many others were re-initialised. */
const hash = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

/**
 * New params with the named parameters of the selected modules drawn again from `inits` (others kept).
 * @example
 * // d2l: if type(m) == nn.Linear: nn.init.normal_(m.weight, std=0.01)
 * const p = nn.reinit(model, params, key(1), { weight: nn.init.normal({ std: 0.01 }) }, { kinds: ["Linear"] });
 */
export const reinit = <I, O>(
  model: Module<I, O>,
  params: Params,
  key: Key,
  inits: Readonly<Record<string, Initializer>>,
  { kinds, where }: ReinitOptions = {},
): Params => {
  const updates = new Map<string, Record<string, Tensor>>();
  walkModules(model as unknown as AnyModule, (path, m, owner) => {
    // A shared layer is re-initialised once, where its parameters live.
    if (owner !== path || (kinds && !kinds.includes(m.kind)) || (where && !where(path, m))) return;
    for (const [name, spec] of Object.entries(m.paramSpecs)) {
      const init = inits[name];
      if (!init) continue;
      const full = joinPath(path, name);
      const t = init(foldIn(key, hash(full)), spec.shape);
      if (!sameShape(t.shape, spec.shape)) throw new Error(`reinit: the initialiser for "${full}" gave shape ${shapeStr(t.shape)}, expected ${shapeStr(spec.shape)}`);
      updates.set(path, { ...(updates.get(path) ?? {}), [name]: t });
    }
  });
  return updates.size ? withUpdates(params, updates) : params;
};
